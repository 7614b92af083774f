"""Outage switches: make API calls fail with an HTTP status, hang, drop the connection, or answer late."""
from __future__ import annotations

from dataclasses import dataclass

MODES = ("status", "hang", "drop", "slow")


@dataclass
class Fault:
    """One outage rule.

    ``method`` is a Bot API method name (case-insensitive; ``"download"`` means file
    downloads) or None for every call. ``remaining`` counts the calls still to break;
    None keeps the rule until it is cleared. ``mode``: "status" answers ``status`` with a
    Telegram-style JSON error body, "hang" never answers (until ``hang_seconds`` pass or the
    fake stops), "drop" closes the connection without a response, "slow" does the call and
    answers it as usual, but only after ``hang_seconds``.
    """

    status: int = 502
    method: str | None = None
    mode: str = "status"
    remaining: int | None = 1
    description: str | None = None
    hang_seconds: float | None = None

    def matches(self, method: str) -> bool:
        return self.method is None or self.method.lower() == method.lower()


class Faults:
    """The active outage rules; the first matching rule wins."""

    def __init__(self) -> None:
        self.rules: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {fault.mode!r}")
        if fault.remaining is not None and fault.remaining < 1:
            raise ValueError("remaining must be >= 1 (or None for a lasting outage)")
        self.rules.append(fault)
        return fault

    def clear(self, method: str | None = None) -> None:
        self.rules = [] if method is None else [r for r in self.rules if not r.matches(method)]

    def take(self, method: str) -> Fault | None:
        for rule in self.rules:
            if rule.matches(method):
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self.rules.remove(rule)
                return rule
        return None
