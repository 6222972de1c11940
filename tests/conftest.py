"""Fixtures: the app factory on a real store (SQLite and mongomock) with the sandbox, and the
pieces several test modules share. Plain helpers are in tests/util.py."""
import os
import shutil
import tempfile
import types

import pytest

from tests.sandboxes import RejectingSandbox
from tests.util import (A, A_JID, B, B_JID, CHROMEDRIVER, CHROMIUM, OWN, connected_account,
                        ffmpeg, make_store, test_config)
from wildcat.factory import create_app


@pytest.fixture(scope="session", autouse=True)
def conforming_responses():
    """Every Flask test client checks its responses against the app's OpenAPI document
    (tests/conformance.py): a flow receiving an undocumented answer fails."""
    from flask import Flask
    from tests.conformance import ConformingClient
    previous, Flask.test_client_class = Flask.test_client_class, ConformingClient
    yield
    Flask.test_client_class = previous


@pytest.fixture(params=["sqlite", "mongomock"])
def store_kind(request):
    return request.param


@pytest.fixture
def config(tmp_path):
    return test_config(tmp_path)


@pytest.fixture
def app(config, store_kind, tmp_path):
    app = create_app(config, store=make_store(store_kind, tmp_path))
    runtime = app.extensions["wildcat"]
    runtime.start()
    yield app
    runtime.stop(timeout=10)


@pytest.fixture
def runtime(app):
    return app.extensions["wildcat"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def account(client):
    """A connected sandbox account `mybot`, logged in as OWN."""
    return connected_account(client, "mybot", phone=OWN.split("@")[0])


@pytest.fixture
def events(runtime):
    """Every event the app publishes, in order."""
    received = []
    unsubscribe = runtime.bus.subscribe(received.append)
    yield received
    unsubscribe()


@pytest.fixture
def make_app(tmp_path):
    """Build and start more apps (each on its own store) with config overrides."""
    apps = []

    def build(kind="sqlite", driver=None, **overrides):
        path = tmp_path / f"app{len(apps)}"
        app = create_app(test_config(path, **overrides), store=make_store(kind, path),
                         driver=driver)
        app.extensions["wildcat"].start()
        apps.append(app)
        return app
    yield build
    for app in apps:
        app.extensions["wildcat"].stop(timeout=10)


@pytest.fixture
def make_driver(tmp_path):
    """Build NeonizeDrivers whose session hosts are real children (a fake WhatsApp client
    inside, tests/fake_sessions.py, by default); closed at the end of the test."""
    from workers.neonize.parent_driver import NeonizeDriver
    drivers = []

    def make(factory="tests.fake_sessions:FakeSession", accounts_per_host=None, **kwargs):
        config = types.SimpleNamespace(data_dir=str(tmp_path / "data"), log_level="WARNING")
        if accounts_per_host is not None:
            config.accounts_per_host = accounts_per_host
        driver = NeonizeDriver(config, session_factory=factory, **kwargs)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.close()


@pytest.fixture
def accounts(client):
    """Two connected sandbox accounts, A (alice, A_JID) and B (bob, B_JID)."""
    connected_account(client, A, A_JID.split("@")[0])
    connected_account(client, B, B_JID.split("@")[0])
    return client


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium driven by selenium, one per test module."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="wildcat-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test that took screenshots (the `shots` list of tests/test_dashboard.py)
    reports their paths with its failure."""
    outcome = yield
    report = outcome.get_result()
    shots = getattr(item, "wildcat_screenshots", None)
    if report.failed and shots:
        report.sections.append(("screenshots", "\n".join(shots)))


@pytest.fixture
def rejecting_sandbox():
    """A sandbox driver whose network refuses sends to numbers starting with 1999."""
    return RejectingSandbox()


@pytest.fixture(scope="session")
def mp3():
    return ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "libmp3lame",
                  suffix=".mp3")


@pytest.fixture(scope="session")
def mp4():
    return ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=10", "-c:v", "mpeg4",
                  "-pix_fmt", "yuv420p", suffix=".mp4")


@pytest.fixture
def permissive_umask():
    """umask 000 for one test: file modes the code promises must not come from the umask."""
    previous = os.umask(0)
    yield
    os.umask(previous)
