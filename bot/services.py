"""The core services of one running bot, built once by the composition root."""
from __future__ import annotations

from dataclasses import dataclass

from bot.accounts import Accounts
from bot.chat import Chat
from bot.config import Config
from bot.groups import Groups
from storage import Store


@dataclass
class Services:
    config: Config
    store: Store
    accounts: Accounts
    groups: Groups
    chat: Chat

    @classmethod
    def build(cls, config: Config, store: Store) -> "Services":
        return cls(
            config=config,
            store=store,
            accounts=Accounts(store),
            groups=Groups(store),
            chat=Chat(store),
        )
