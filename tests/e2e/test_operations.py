"""What an operator runs and watches: webhook mode, /healthz, /metrics."""
from __future__ import annotations

import json
import sqlite3

import httpx
import pytest

from sandbox.playground import WEBHOOK_SECRET, WEBHOOK_URL, Playground

REPORT = "3单元201家的厨房管道老化漏水了"


@pytest.fixture
async def hooked(tmp_path):
    """The bot receives its updates by webhook, behind the fake's stand-in for the TLS proxy."""
    async with Playground(tmp_path / "bot.sqlite3", webhook=True) as playground:
        yield playground


async def get(pg: Playground, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=pg.web_url, timeout=5) as client:
        return await client.get(path)


async def post_update(pg: Playground, update: dict, secret: str | None) -> httpx.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with httpx.AsyncClient(base_url=pg.web_url, timeout=5) as client:
        return await client.post("/telegram/hook", content=json.dumps(update), headers=headers)


def a_report_update(pg: Playground, update_id: int, message_id: int) -> dict:
    user, group = pg.user("李红"), pg.group()
    return {"update_id": update_id, "message": {
        "message_id": message_id, "date": 1_795_000_000, "text": REPORT,
        "from": user.to_api(), "chat": group.to_api()}}


# -- health ----------------------------------------------------------------------------------

async def test_healthz_says_the_database_queue_and_telegram_are_fine(pg):
    await pg.say("李红", REPORT, where=pg.group())
    answer = await get(pg, "/healthz")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["ok"] is True and body["database"] == "ok" and body["telegram"] == "ok"
    assert body["last_update_at"] is not None
    assert body["outbox"] == {"pending": 0, "failed": 0}


async def test_healthz_is_503_when_the_database_does_not_answer(pg, monkeypatch):
    async def broken() -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(pg.services.store, "ping", broken)
    answer = await get(pg, "/healthz")
    assert answer.status_code == 503 and answer.json()["database"] == "unreachable"


async def test_healthz_reports_telegram_unreachable_without_failing(pg):
    pg.fake.outage(status=502, method="getUpdates")
    await pg.fake.wait_for(lambda: not pg.app.bot.reachable, timeout=10)
    answer = await get(pg, "/healthz")
    assert answer.status_code == 200 and answer.json()["telegram"] == "unreachable"
    pg.fake.end_outage()
    await pg.fake.wait_for(lambda: pg.app.bot.reachable, timeout=10)


# -- metrics ---------------------------------------------------------------------------------

async def test_metrics_count_updates_tickets_and_sends(pg):
    await pg.say("李红", REPORT, where=pg.group())
    await pg.say("李红", "/whoami")
    answer = await get(pg, "/metrics")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    lines = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
             for line in answer.text.splitlines() if line and not line.startswith("#")}
    assert lines["sanzhang_updates_handled_total"] >= 2
    assert lines['sanzhang_tickets{status="open"}'] == 1
    assert lines['sanzhang_sends_total{result="sent"}'] >= 3  # receipt, card, whoami answer
    assert lines["sanzhang_send_seconds_count"] >= 3
    assert lines['sanzhang_outbox_messages{status="pending"}'] == 0
    assert lines["sanzhang_parse_seconds_count"] >= 1  # the report was read
    assert "sanzhang_flood_waits_total" in lines


# -- webhook ---------------------------------------------------------------------------------

async def test_in_webhook_mode_a_report_arrives_by_post_and_is_answered(hooked):
    info = hooked.fake.api.get_webhook_info({})
    assert info["url"] == WEBHOOK_URL
    replies = await hooked.say("李红", REPORT, where=hooked.group())
    assert replies[0].text.startswith("已记录 #1")
    assert not hooked.fake.calls("getUpdates")  # nothing is polled while the webhook is set


async def test_a_post_without_the_right_secret_is_refused_and_changes_nothing(hooked):
    for secret in (None, "guess", WEBHOOK_SECRET + "x"):
        answer = await post_update(hooked, a_report_update(hooked, 9000, 900), secret)
        assert answer.status_code == 403
    await hooked.settle()
    assert not [m for m in hooked.fake.sent(hooked.group()) if "已记录" in (m.text or "")]
    async with hooked.services.store.read() as r:
        assert await r.inbox.outcome(9000) is None


async def test_no_200_before_the_update_is_stored_and_a_retry_is_handled_once(hooked, monkeypatch):
    intake = hooked.app.bot_data["intake"]
    real_receive = intake.receive

    async def disk_full(updates):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(intake, "receive", disk_full)
    update = a_report_update(hooked, 9001, 901)
    answer = await post_update(hooked, update, WEBHOOK_SECRET)
    assert answer.status_code == 500  # Telegram will try again
    monkeypatch.setattr(intake, "receive", real_receive)
    for _ in range(2):  # the retry, and one more that crossed with our answer
        answer = await post_update(hooked, update, WEBHOOK_SECRET)
        assert answer.status_code == 200
    await hooked.settle()
    receipts = [m for m in hooked.fake.sent(hooked.group()) if "已记录 #" in (m.text or "")]
    assert len(receipts) == 1
