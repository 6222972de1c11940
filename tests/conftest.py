"""Fixtures: the app factory on a real store (SQLite and mongomock) with the sandbox."""
import os
from types import SimpleNamespace

import pytest

from wildcat.config import load_config
from wildcat.factory import create_app


def make_store(kind, tmp_path):
    if kind == "sqlite":
        from wildcat.store.sqlite import SQLiteStore
        return SQLiteStore(str(tmp_path / "data" / "wildcat.db"))
    import mongomock
    import mongomock.gridfs
    from wildcat.store.mongo import MongoStore
    mongomock.gridfs.enable_gridfs_integration()
    client = mongomock.MongoClient()
    client.options = SimpleNamespace(timeout=None)  # pymongo 4.20's GridFS reads it; mongomock lacks it
    return MongoStore(client, "wildcat_test")


def test_config(tmp_path, **overrides):
    values = dict(driver="sandbox", data_dir=str(tmp_path / "data"), reconnect_backoff_base=0.05,
                  reconnect_backoff_cap=0.3, lease_ttl=3.0, webhook_backoff_base=0.05,
                  webhook_backoff_cap=0.5, webhook_timeout=2.0, send_rate_per_minute=0)
    values.update(overrides)
    return load_config({}, **values)


test_config.__test__ = False


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
def events(runtime):
    """Every event the app publishes, in order."""
    received = []
    runtime.bus.subscribe(received.append)
    return received


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
def permissive_umask():
    """umask 000 for one test: file modes the code promises must not come from the umask."""
    previous = os.umask(0)
    yield
    os.umask(previous)
