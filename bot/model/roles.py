"""The roles a person can hold in a community, with their codes and Chinese names."""
from __future__ import annotations

from enum import Enum
from functools import lru_cache


class Role(str, Enum):
    ADMIN = "admin"
    GRID_WORKER = "grid_worker"
    BUILDING_HEAD = "building_head"
    UNIT_HEAD = "unit_head"
    HEALTH = "health"
    LEGAL = "legal"
    POLICE = "police"
    PROPERTY = "property"
    VOLUNTEER = "volunteer"
    RESIDENT = "resident"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "社区管理员",
    Role.GRID_WORKER: "网格员",
    Role.BUILDING_HEAD: "楼栋长",
    Role.UNIT_HEAD: "单元长",
    Role.HEALTH: "健康员",
    Role.LEGAL: "法律咨询员",
    Role.POLICE: "民警",
    Role.PROPERTY: "物业",
    Role.VOLUNTEER: "志愿者",
    Role.RESIDENT: "居民",
}

# Words people put in the role column besides the official label.
_ALIASES: dict[str, Role] = {
    "管理员": Role.ADMIN,
    "社区书记": Role.ADMIN,
    "网格长": Role.GRID_WORKER,
    "栋长": Role.BUILDING_HEAD,
    "楼长": Role.BUILDING_HEAD,
    "健康管理员": Role.HEALTH,
    "社区健康员": Role.HEALTH,
    "法律顾问": Role.LEGAL,
    "法律咨询": Role.LEGAL,
    "社区民警": Role.POLICE,
    "片警": Role.POLICE,
    "物业公司": Role.PROPERTY,
    "红马甲": Role.VOLUNTEER,
}

# Specialists: roles that own a field rather than a place.
SPECIALISTS: frozenset[Role] = frozenset({Role.HEALTH, Role.LEGAL, Role.POLICE, Role.PROPERTY})
# Roles that may bind a group to a grid and hand out work.
STAFF: frozenset[Role] = frozenset({Role.ADMIN, Role.GRID_WORKER})


@lru_cache(maxsize=256)
def parse_role(text: str) -> Role | None:
    """A role from its code, its Chinese name or a common alias; None when unknown."""
    word = text.strip()
    if not word:
        return None
    for role in Role:
        if word.lower() == role.value or word == role.label:
            return role
    return _ALIASES.get(word)


def known_role_names() -> str:
    """The Chinese names to offer when a role is not understood."""
    return "、".join(ROLE_LABELS.values())
