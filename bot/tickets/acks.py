"""Group receipts in a burst: past a few lines a minute, one message edited as reports come in.

Telegram lets a bot send about 20 messages a minute into one group, so one line per report would
make the 21st reporter of a busy minute wait a minute, and the 100th five. The first few reports of
a minute still get their own line (a reply to the report); after that the lines gather in one
message that is edited as reports arrive. Pending edits of one message are merged by the outbox,
so the group's budget goes to showing the newest list, and every report is acknowledged within
seconds however busy the group is.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.model.messages import edit_text, text_message
from storage import Tx

WINDOW = timedelta(minutes=1)
OWN_LINES = 3  # reports a minute that still get a line of their own
BATCH_LINES = 40  # lines in one gathered message (about 2000 characters of 4096), then a new one
BATCH_HEAD = "刚收到的报事:"
# 3 lines, about 3 gathered messages and 6 edits a minute (plus the last edit of a finished message)
# stay well under the group's 20, so a line never waits for the group's budget.
EDIT_EVERY = timedelta(seconds=10)


async def acknowledge(tx: Tx, chat_id: int, message_id: int | None, line: str, *,
                      alone: bool = False, ref: str | None = None) -> None:
    """Say `line` in a group about the report `message_id`; `alone` keeps it a message of its own."""
    state, data = await tx.chat_states.get(chat_id)
    data = data if state == "group_acks" else {}
    now = tx.now
    recent = [s for s in data.get("lines_at", []) if now - datetime.fromisoformat(s) < WINDOW]
    batch = data.get("batch")
    fresh = batch is not None and now - datetime.fromisoformat(batch["at"]) < WINDOW \
        and len(batch["lines"]) < BATCH_LINES
    # Once lines are being gathered, they keep being gathered until the group has been quiet a
    # minute: own lines coming back mid-burst would spend the group's budget twice.
    busy = batch is not None and now - datetime.fromisoformat(batch.get("last", batch["at"])) < WINDOW
    if alone or (len(recent) < OWN_LINES and not busy):
        await tx.outbox.enqueue(text_message(chat_id, line, reply_to=message_id, ref=ref))
        recent.append(now.isoformat())
    elif fresh:
        batch["lines"].append(line)
        batch["last"] = now.isoformat()
        # Edits go out at most every EDIT_EVERY; one still waiting just takes the newest text.
        due = max(now, datetime.fromisoformat(batch.get("next_edit", now.isoformat())))
        # Merged only into an edit not yet due: text merged into one the sender holds would be lost.
        queued = await tx.outbox.enqueue(edit_text(chat_id, batch["ref"], _gathered(batch["lines"])),
                                         not_before=due, merge_due=False)
        if queued is not None:  # a new edit, not merged into one still waiting
            batch["next_edit"] = (due + EDIT_EVERY).isoformat()
    else:
        batch = {"ref": f"acks:{chat_id}:{message_id}", "at": now.isoformat(), "lines": [line]}
        await tx.outbox.enqueue(text_message(chat_id, _gathered(batch["lines"]), ref=batch["ref"]))
    await tx.chat_states.set(chat_id, "group_acks", {"lines_at": recent, "batch": batch})


def _gathered(lines: list[str]) -> str:
    return "\n".join([BATCH_HEAD, *lines])
