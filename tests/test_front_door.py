"""The front door: `/` redirects to the dashboard, `/favicon.ico` is served, unknown paths stay
JSON 404s, and a real `python app.py` prints where the dashboard and docs are."""
import re

from tests.util import ServerProcess, test_config
from wildcat.banner import startup_lines

KEY = "front-door-key-0123456789"


def test_root_redirects_to_the_dashboard_even_with_an_api_key(make_app):
    client = make_app(api_key=KEY).test_client()
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    # The dashboard then asks a browser without a session to sign in.
    page = client.get("/dashboard", headers={"Accept": "text/html"})
    assert page.status_code == 303 and "/dashboard/login" in page.headers["Location"]
    unknown = client.get("/nope", headers={"X-API-Key": KEY})
    assert unknown.status_code == 404
    assert unknown.json == {"ok": False, "error": unknown.json["error"], "code": "not_found"}
    assert client.post("/", headers={"X-API-Key": KEY}).status_code == 405


def test_favicon_is_a_real_icon_and_public(make_app):
    response = make_app(api_key=KEY).test_client().get("/favicon.ico")
    assert response.status_code == 200
    assert response.data[:4] == b"\x00\x00\x01\x00"          # the ICO magic number
    assert response.mimetype == "image/x-icon"          # as documented in the OpenAPI


def test_startup_lines_name_urls_driver_store_and_key(tmp_path):
    lines = startup_lines(test_config(tmp_path, host="0.0.0.0", port=8123))
    text = "\n".join(lines)
    assert "listening on 0.0.0.0:8123 (all interfaces)" in text
    assert "dashboard: http://127.0.0.1:8123/dashboard" in text
    assert "API docs:  http://127.0.0.1:8123/docs" in text
    assert "driver: sandbox" in text and "store: SQLite at " in text
    assert "API key: NOT SET" in text
    mongo = startup_lines(test_config(tmp_path, api_key=KEY,
                                      mongodb_uri="mongodb://user:hunter2@db1:27017,db2/x"))
    text = "\n".join(mongo)
    assert "store: MongoDB database 'wildcat' on db1:27017,db2" in text
    assert "hunter2" not in text and "user" not in text and KEY not in text
    assert "API key: set" in text


def test_a_real_server_prints_its_front_door(tmp_path):
    server = ServerProcess({"WILDCAT_API_KEY": KEY}, str(tmp_path / "data")).start()
    try:
        log = server.log()
    finally:
        server.stop()
    port = server.port
    for pattern in (rf"WILDCAT listening on 127\.0\.0\.1:{port}\b",
                    rf"dashboard: http://127\.0\.0\.1:{port}/dashboard",
                    rf"API docs:  http://127\.0\.0\.1:{port}/docs",
                    r"driver: sandbox", r"store: SQLite at .*wildcat\.db", r"API key: set"):
        assert re.search(pattern, log), (pattern, log)
    assert KEY not in log
