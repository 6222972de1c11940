"""Bad input of every shape gets a clear 4xx in the error shape and stores nothing."""
import pytest

from tests.util import connected_account


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.json
    assert body["ok"] is False and isinstance(body["error"], str) and body["error"]
    assert isinstance(body["code"], str)
    if code:
        assert body["code"] == code
    return body


BAD_IDS = [None, 123, 1.5, True, [], ["a"], {}, {"$ne": None}, "", " ", "a b", "../etc",
           "a/b", "x" * 65, "é", "😀", "a.b", "a\n", "\u0000"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_account_ids(client, runtime, bad):
    assert_error(client.post("/accounts", json={"id": bad}), 400)
    assert runtime.store.list_accounts() == []


def test_missing_id_uses_reference_message(client):
    body = assert_error(client.post("/accounts", json={"name": "x"}), 400)
    assert body["error"] == "id is required"


@pytest.mark.parametrize("body", [{"id": "a", "name": 5}, {"id": "a", "name": "x" * 201},
                                  {"id": "a", "collectionName": "../x"},
                                  {"id": "a", "collectionName": {"$gt": ""}},
                                  {"id": "a", "unknown": 1}])
def test_bad_fields(client, runtime, body):
    assert_error(client.post("/accounts", json=body), 400)
    assert runtime.store.list_accounts() == []


def test_non_json_and_wrong_types(client, runtime):
    assert_error(client.post("/accounts", data="id=a", content_type="text/plain"), 400,
                 "invalid_content_type")
    assert_error(client.post("/accounts", data="{not json", content_type="application/json"),
                 400, "invalid_json")
    for payload in ("[]", '"a"', "1", "null"):
        assert_error(client.post("/accounts", data=payload, content_type="application/json"),
                     400, "invalid_json")
    assert_error(client.post("/accounts"), 400)
    assert runtime.store.list_accounts() == []


def test_huge_and_unicode_bodies(client, runtime):
    assert_error(client.post("/accounts", json={"id": "a", "name": "🙂" * 10_000}), 400)
    response = client.post("/accounts", json={"id": "uni", "name": "Zoë 🙂 測試"})
    assert response.status_code == 201
    assert client.get("/accounts/uni").json["account"]["name"] == "Zoë 🙂 測試"


def test_unknown_route_and_method(client):
    assert_error(client.get("/nope"), 404, "not_found")
    body = assert_error(client.put("/accounts"), 405, "method_not_allowed")
    assert body["error"]


def test_weird_ids_in_path(client):
    for path in ["/accounts/..%2F..%2Fetc", "/accounts/%00", "/accounts/" + "x" * 500,
                 "/accounts/%7B%22%24ne%22%3A1%7D"]:
        assert client.get(path).status_code == 404


def test_unexpected_error_is_generic_500(app, client, runtime, monkeypatch):
    def boom():
        raise RuntimeError("secret internals /etc/passwd")
    monkeypatch.setattr(runtime.store, "list_accounts", boom)
    body = assert_error(client.get("/accounts"), 500, "internal_error")
    assert "secret" not in body["error"]


def test_sandbox_numbers_must_be_integers_in_json(client):
    connected_account(client, "num")
    body = {"from": "15550002222@s.whatsapp.net", "text": "hi", "timestamp": 1.5}
    assert_error(client.post("/sandbox/accounts/num/inbound", json=body), 400)
    history = {"chats": [{"chatId": "15550002222@s.whatsapp.net", "unreadCount": 2.0}]}
    assert_error(client.post("/sandbox/accounts/num/history", json=history), 400)
    body["timestamp"] = 1700000000000
    assert client.post("/sandbox/accounts/num/inbound", json=body).status_code == 200
