"""Makes the outbox's Bot API calls with PTB and sorts Telegram's answers into core results."""
from __future__ import annotations

import asyncio
import datetime as dtm
import warnings
from pathlib import Path

from telegram import Bot, InputFile
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError

from telegram.warnings import PTBUserWarning

from bot.delivery.outbox import Failed, Moved, Result, RetryLater, Sent
from bot.model.messages import file_upload, uploaded_bytes
from storage.outbox import OutboxRow

# The outbox stores calls as plain Bot API parameters, so they go out through do_api_request on
# purpose; PTB's hint to use the typed method instead does not apply.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.", category=PTBUserWarning)


def _seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class TelegramDelivery:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def __call__(self, row: OutboxRow, message_id: int | None) -> Result:
        params = dict(row.params, chat_id=row.chat_id)
        if message_id is not None:
            params["message_id"] = message_id
        for key, value in params.items():  # files waiting on disk (bot.model.messages) go up as uploads
            if (on_disk := file_upload(value)) is not None:
                try:
                    data = await asyncio.to_thread(Path(on_disk[0]).read_bytes)
                except OSError as exc:
                    return Failed(f"文件不见了: {exc.strerror or exc}")
                params[key] = InputFile(data, filename=on_disk[1])
            elif (upload := uploaded_bytes(value)) is not None:
                params[key] = InputFile(upload[0], filename=upload[1])
        try:
            answer = await self._bot.do_api_request(row.method, api_kwargs=params)
        except RetryAfter as exc:
            return RetryLater(str(exc), _seconds(exc.retry_after))
        except ChatMigrated as exc:
            return Moved(exc.new_chat_id)
        except Forbidden as exc:
            return Failed(exc.message, blocked_user=row.chat_id > 0)
        except BadRequest as exc:
            # PTB capitalises Telegram's text ("Message is not modified: …"): compare without case.
            if "message is not modified" in exc.message.lower():
                return Sent(message_id)
            return Failed(exc.message)
        except NetworkError as exc:  # includes TimedOut and 5xx answers
            if "Request Entity Too Large" in exc.message:  # 413: a file over 50 MB, refused for good
                return Failed(exc.message)
            return RetryLater(exc.message)
        except TelegramError as exc:
            return RetryLater(exc.message)
        if isinstance(answer, dict):
            return Sent(answer.get("message_id", message_id))
        return Sent(message_id)

