"""Where the log goes: stderr, and a size-limited file beside the database that rotates."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from bot.config import Config

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Five files of 5 MB: weeks of a busy bot's INFO lines, never a full disk.
FILE_BYTES = 5 * 1024 * 1024
FILE_COUNT = 5


def log_file(config: Config) -> Path | None:
    """BOT_LOG_FILE, or sanzhang.log beside the database; "-" turns the file off."""
    if config.log_file == "-":
        return None
    if config.log_file:
        return Path(config.log_file)
    return Path(config.db).parent / "sanzhang.log"


def configure(config: Config, level: str, to_file: bool) -> Path | None:
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    path = log_file(config) if to_file else None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(
            path, maxBytes=FILE_BYTES, backupCount=FILE_COUNT, encoding="utf-8"))
    root = logging.getLogger()
    root.setLevel(level)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    # Every HTTP call and every scheduler tick would drown what matters.
    for noisy in ("httpx", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
