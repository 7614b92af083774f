"""The bot's log file has a size limit and rotates, unless the operator turns it off."""
from __future__ import annotations

import logging
import logging.handlers

import pytest

from bot.config import Config
from bot.ops.logs import FILE_BYTES, configure


@pytest.fixture(autouse=True)
def root_logger_restored():
    """What configure() adds to the root logger is taken off again after each test."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        if handler not in saved:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_a_running_bot_logs_to_a_rotating_file_beside_its_database(tmp_path):
    config = Config(db=tmp_path / "data" / "bot.sqlite3")
    path = configure(config, "INFO", to_file=True)
    assert path == tmp_path / "data" / "sanzhang.log"
    rotating = [h for h in logging.getLogger().handlers
                if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert len(rotating) == 1 and rotating[0].maxBytes == FILE_BYTES and rotating[0].backupCount > 0
    logging.getLogger("bot").warning("写进文件")
    rotating[0].flush()
    assert "写进文件" in path.read_text(encoding="utf-8")


def test_the_operator_can_turn_the_file_off(tmp_path):
    config = Config(db=tmp_path / "bot.sqlite3", log_file="-")
    before = set(logging.getLogger().handlers)
    assert configure(config, "INFO", to_file=True) is None
    added = set(logging.getLogger().handlers) - before
    assert added and not any(isinstance(h, logging.FileHandler) for h in added)
