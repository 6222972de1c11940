"""The OpenAPI document covers every route of the URL map and validates; Swagger UI serves."""
import re

import pytest
from openapi_spec_validator import validate

from tests.util import make_store, test_config
from wildcat.factory import create_app
from wildcat.openapi_routes import ROUTES

SKIP_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def sandbox_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("openapi")
    return create_app(test_config(tmp, api_key="k"), store=make_store("sqlite", tmp))


@pytest.fixture(scope="module")
def spec(sandbox_app):
    response = sandbox_app.test_client().get("/openapi.json", headers={"X-API-Key": "k"})
    assert response.status_code == 200
    return response.json


def url_map_routes(app):
    return {(m, rule.rule) for rule in app.url_map.iter_rules()
            for m in rule.methods - SKIP_METHODS}


def spec_path(rule):
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_route_is_documented(sandbox_app, spec):
    missing = sorted(url_map_routes(sandbox_app) - set(ROUTES))
    assert not missing, f"routes without an entry in wildcat/openapi_routes.py: {missing}"
    for method, rule in url_map_routes(sandbox_app):
        assert method.lower() in spec["paths"][spec_path(rule)], (method, rule)


def test_no_stale_documentation(sandbox_app):
    stale = sorted(set(ROUTES) - url_map_routes(sandbox_app))
    assert not stale, f"documented routes that do not exist: {stale}"


def test_the_spec_validates(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_operations_document_bodies_parameters_and_errors(spec):
    seen_ids = set()
    for path, item in spec["paths"].items():
        path_params = {p["name"] for p in item.get("parameters", [])}
        assert path_params == set(re.findall(r"{([^}]+)}", path)), path
        for method, op in item.items():
            if method == "parameters":
                continue
            assert op["operationId"] not in seen_ids
            seen_ids.add(op["operationId"])
            assert op["summary"] and op["tags"], (method, path)
            codes = set(op["responses"])
            assert any(c.startswith(("2", "3", "1")) for c in codes), (method, path)
            if op.get("security") != []:
                assert "401" in codes, (method, path)
            if "{account_id}" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in op or any(p["in"] == "query" for p in op.get("parameters", [])):
                assert "400" in codes, (method, path)
    assert len(seen_ids) >= 35


def test_bodies_and_queries_come_from_the_schemas(spec):
    paths = spec["paths"]
    create = paths["/accounts"]["post"]["requestBody"]["content"]["application/json"]
    schema = spec["components"]["schemas"][create["schema"]["$ref"].rsplit("/", 1)[1]]
    assert schema["required"] == ["id"] and schema["additionalProperties"] is False
    assert "\\Z" not in str(spec) and schema["properties"]["id"]["pattern"].endswith("$")
    qr = paths["/accounts/{account_id}/qr"]["get"]["parameters"]
    assert qr[0]["name"] == "format" and "svg" in qr[0]["schema"]["enum"]
    media = paths["/accounts/{account_id}/message/send/{kind}"]["post"]["requestBody"]
    form = media["content"]["multipart/form-data"]["schema"]
    for kind in ("image", "video", "audio", "document"):
        assert form["properties"][kind] == {"type": "string", "format": "binary"}
    assert form["properties"]["to"]["pattern"].startswith("^(")
    created = paths["/accounts"]["post"]["responses"]["201"]["content"]["application/json"]
    assert created["schema"]["$ref"].endswith("AccountCreatedResponse")
    assert paths["/ping"]["get"]["security"] == []
    assert spec["components"]["securitySchemes"]["ApiKeyAuth"]["name"] == "X-API-Key"


def test_swagger_ui_is_served_from_the_package(sandbox_app):
    client = sandbox_app.test_client()
    headers = {"X-API-Key": "k"}
    page = client.get("/docs", headers=headers)
    assert page.status_code == 200 and b"swagger-ui-bundle.js" in page.data
    assert b"//cdn" not in page.data and b"https://" not in page.data
    bundle = client.get("/docs/swagger-ui-bundle.js", headers=headers)
    assert bundle.status_code == 200 and len(bundle.data) > 100_000
    assert client.get("/docs/swagger-ui.css", headers=headers).status_code == 200
    assert b"/openapi.json" in client.get("/docs/init.js", headers=headers).data
    assert client.get("/docs/../../etc/passwd", headers=headers).status_code == 404
    assert client.get("/docs/index.html", headers=headers).status_code == 404
    assert client.get("/docs").status_code == 401
