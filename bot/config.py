"""Settings from the environment and an optional TOML file."""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line for the operator."""


DEFAULT_API_URL = "https://api.telegram.org/bot"


@dataclass(frozen=True)
class Config:
    token: str | None = None
    api_url: str = DEFAULT_API_URL
    file_url: str | None = None
    db: Path = Path("data/sanzhang.sqlite3")
    tz: str = "Asia/Shanghai"
    log_level: str = "INFO"
    log_file: str | None = None
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    web_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    keywords: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def file_base_url(self) -> str:
        if self.file_url:
            return self.file_url
        # https://api.telegram.org/bot → https://api.telegram.org/file/bot, as Telegram lays it out.
        base, _, tail = self.api_url.rstrip("/").rpartition("/")
        return f"{base}/file/{tail}"


_ENV = {
    "BOT_TOKEN": "token",
    "BOT_API_URL": "api_url",
    "BOT_FILE_URL": "file_url",
    "BOT_DB": "db",
    "BOT_TZ": "tz",
    "BOT_LOG_LEVEL": "log_level",
    "BOT_LOG_FILE": "log_file",
    "BOT_WEB_HOST": "web_host",
    "BOT_WEB_PORT": "web_port",
    "BOT_WEB_URL": "web_url",
    "BOT_WEBHOOK_URL": "webhook_url",
    "BOT_WEBHOOK_SECRET": "webhook_secret",
    "BOT_KEYWORDS": "keywords",
}


def load_config(env: dict[str, str] | None = None, path: Path | None = None) -> Config:
    """Defaults, then the TOML file (BOT_CONFIG or `path`), then the environment."""
    env = dict(os.environ) if env is None else env
    values: dict = {}
    file = path or (Path(env["BOT_CONFIG"]) if env.get("BOT_CONFIG") else None)
    known = {f.name for f in fields(Config)} - {"extra"}
    if file is not None:
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"找不到配置文件 {file}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"配置文件 {file} 格式有误: {exc}") from None
        bot_section = data.get("bot", data)
        values.update({k: v for k, v in bot_section.items() if k in known})
        values["extra"] = {k: v for k, v in data.items() if k != "bot"}
    for var, name in _ENV.items():
        if env.get(var):
            values[name] = env[var]
    for name in ("db", "keywords"):
        if values.get(name) is not None:
            values[name] = Path(values[name])
    if values.get("web_port") is not None:
        try:
            values["web_port"] = int(values["web_port"])
        except ValueError:
            raise ConfigError(f"BOT_WEB_PORT 应该是端口号 (例如 8080), 不是「{values['web_port']}」") from None
        if not 0 <= values["web_port"] <= 65535:
            raise ConfigError(f"BOT_WEB_PORT 应该在 0 到 65535 之间, 不是 {values['web_port']}")
    config = Config(**values)
    _check_webhook(config)
    try:
        ZoneInfo(config.tz)  # fail at start, in one line, rather than at the first reminder
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"BOT_TZ 时区「{config.tz}」不认识, 例如 Asia/Shanghai") from None
    return config


def _check_webhook(config: Config) -> None:
    """A webhook without a secret would let anyone on the internet post updates to the bot."""
    if not config.webhook_url:
        return
    if not config.webhook_url.startswith("https://"):
        raise ConfigError("BOT_WEBHOOK_URL 必须是 https:// 开头的公网地址 (Telegram 只往 HTTPS 推送)")
    if not config.webhook_secret or not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", config.webhook_secret):
        raise ConfigError("设置了 BOT_WEBHOOK_URL, 还要设置 BOT_WEBHOOK_SECRET:"
                          " 1 到 256 个英文字母、数字、_ 或 -, 例如用 openssl rand -hex 32 生成")


def require_token(config: Config) -> str:
    if not config.token:
        raise ConfigError(
            "没有设置 BOT_TOKEN: 请先在 @BotFather 创建机器人, 然后 export BOT_TOKEN=... 再运行;"
            " 想先试试, 请运行 python -m bot demo"
        )
    return config.token
