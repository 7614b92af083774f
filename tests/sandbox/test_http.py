"""The HTTP surface with raw requests: routing, parameter decoding and Telegram's error bodies."""
from __future__ import annotations

import json

import httpx

from sandbox import FakeTelegram


async def test_wrong_token_is_401_and_unknown_method_404(fake: FakeTelegram, http: httpx.AsyncClient) -> None:
    async with httpx.AsyncClient() as client:
        r = await client.post(f"{fake.url}/bot1:WRONG/getMe")
    assert r.status_code == 401
    assert r.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    r = await http.post("/fooBar")
    assert r.status_code == 404
    assert r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_are_case_insensitive_and_get_works(http: httpx.AsyncClient, fake: FakeTelegram) -> None:
    r = await http.get("/GETME")
    assert r.json()["ok"] is True and r.json()["result"]["username"] == "sanzhang_bot"
    assert fake.calls("getme")[0].method == "getMe"


async def test_params_from_query_form_and_json(fake: FakeTelegram, http: httpx.AsyncClient) -> None:
    user = fake.add_user("李", username="li")
    fake.send_text(user, None, "你好")
    # text "123" must stay a string; chat_id "…" becomes a number
    r = await http.post("/sendMessage", data={"chat_id": str(user.id), "text": "123"})
    assert r.json()["result"]["text"] == "123"
    r = await http.get("/sendMessage", params={"chat_id": user.id, "text": "007"})
    assert r.json()["result"]["text"] == "007"
    keyboard = {"inline_keyboard": [[{"text": "a", "callback_data": "1"}]]}
    r = await http.post("/sendMessage", json={"chat_id": user.id, "text": 42, "reply_markup": keyboard})
    body = r.json()["result"]
    assert body["text"] == "42" and body["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "1"
    # JSON-encoded values inside a form body are decoded
    r = await http.post("/sendMessage", data={"chat_id": user.id, "text": "x", "disable_notification": "true",
                                              "reply_markup": json.dumps({"remove_keyboard": True})})
    assert r.json()["ok"] is True
    assert fake.sent(user)[-1].markup == {"remove_keyboard": True}
    assert fake.calls("sendMessage")[-1].params["disable_notification"] is True


async def test_error_bodies(fake: FakeTelegram, http: httpx.AsyncClient) -> None:
    r = await http.post("/sendMessage", data={"chat_id": 777, "text": "x"})
    assert (r.status_code, r.json()) == (400, {"ok": False, "error_code": 400,
                                                "description": "Bad Request: chat not found"})
    user = fake.add_user("张")
    r = await http.post("/sendMessage", data={"chat_id": user.id, "text": "x"})
    assert (r.status_code, r.json()["description"]) == (403, "Forbidden: bot can't initiate conversation with a user")
    r = await http.post("/sendMessage", data={"chat_id": user.id, "text": "<b>x", "parse_mode": "HTML"})
    assert r.json()["description"] == ("Bad Request: can't parse entities: Can't find end tag corresponding to "
                                       "start tag \"b\"")
    r = await http.post("/sendMessage", data={"chat_id": user.id, "text": "x", "reply_markup": "{nope"})
    assert r.json()["description"] == "Bad Request: can't parse reply keyboard markup JSON object"


async def test_migrated_and_flood_errors_carry_parameters(fake: FakeTelegram, http: httpx.AsyncClient) -> None:
    user = fake.add_user("赵")
    group = fake.add_group("老群", [user], supergroup=False)
    new = fake.migrate_to_supergroup(group)
    r = await http.post("/sendMessage", data={"chat_id": group.id, "text": "x"})
    assert r.status_code == 400
    assert r.json() == {"ok": False, "error_code": 400,
                        "description": "Bad Request: group chat was upgraded to a supergroup chat",
                        "parameters": {"migrate_to_chat_id": new.id}}
    fake.flood_control = True
    for _ in range(20):
        assert (await http.post("/sendMessage", data={"chat_id": new.id, "text": "x"})).status_code == 200
    r = await http.post("/sendMessage", data={"chat_id": new.id, "text": "x"})
    assert r.status_code == 429
    body = r.json()
    assert body["description"] == f"Too Many Requests: retry after {body['parameters']['retry_after']}"
    assert body["parameters"]["retry_after"] >= 1


async def test_multipart_upload_and_download(fake: FakeTelegram, http: httpx.AsyncClient) -> None:
    user = fake.add_user("钱")
    fake.send_text(user, None, "hi")
    r = await http.post("/sendDocument", data={"chat_id": str(user.id), "caption": "名单"},
                        files={"document": ("名单.csv", b"a,b\n1,2\n", "text/csv")})
    doc = r.json()["result"]["document"]
    assert doc["file_name"] == "名单.csv" and doc["mime_type"] == "text/csv" and doc["file_size"] == 8
    path = (await http.post("/getFile", data={"file_id": doc["file_id"]})).json()["result"]["file_path"]
    async with httpx.AsyncClient() as client:
        got = await client.get(f"{fake.file_base_url}{fake.token}/{path}")
        assert got.content == b"a,b\n1,2\n"
        missing = await client.get(f"{fake.file_base_url}{fake.token}/documents/nope")
        assert missing.status_code == 404
    r = await http.post("/getFile", data={"file_id": "nope"})
    assert r.json()["description"] == "Bad Request: invalid file_id"


async def test_control_endpoints_mirror_the_python_api(fake: FakeTelegram, http: httpx.AsyncClient) -> None:
    async with httpx.AsyncClient(base_url=f"{fake.url}/control") as control:
        user = (await control.post("/users", json={"first_name": "孙"})).json()["result"]
        group = (await control.post("/groups", json={"title": "群", "member_ids": [user["id"]]})).json()["result"]
        sent = (await control.post("/send_text", json={"user_id": user["id"], "chat_id": group["id"],
                                                       "text": "/start"})).json()["result"]
        assert sent["entities"][0]["type"] == "bot_command"
        await http.post("/sendMessage", data={"chat_id": group["id"], "text": "收到"})
        listed = (await control.get("/sent", params={"chat_id": group["id"]})).json()["result"]
        assert [m["text"] for m in listed] == ["收到"]
        bad = await control.post("/send_text", json={"user_id": 1, "text": "x"})
        assert bad.status_code == 400 and "unknown user" in bad.json()["description"]
        await control.post("/faults", json={"n": 1, "status": 500})
        assert (await http.post("/getMe")).status_code == 500
        assert (await http.post("/getMe")).status_code == 200
