"""The Bot API error type and its JSON shape (error_code, description, parameters)."""
from __future__ import annotations

from http import HTTPStatus


class ApiError(Exception):
    """A Bot API failure as Telegram reports it: ``{"ok": false, "error_code", "description"}``."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    @classmethod
    def bad_request(cls, detail: str, parameters: dict | None = None) -> ApiError:
        return cls(400, f"Bad Request: {detail}", parameters)

    @classmethod
    def forbidden(cls, detail: str) -> ApiError:
        return cls(403, f"Forbidden: {detail}")

    @classmethod
    def conflict(cls, detail: str) -> ApiError:
        return cls(409, f"Conflict: {detail}")

    @classmethod
    def too_many(cls, retry_after: int) -> ApiError:
        return cls(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    @classmethod
    def http(cls, status: int, description: str | None = None) -> ApiError:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        return cls(status, description or phrase)

    def body(self) -> dict:
        out: dict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out
