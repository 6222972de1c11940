"""Response conformance: every response the suite's flows receive is checked against the
OpenAPI document of the app that answered (as schemathesis's response checks do).

tests/conftest.py makes every Flask test client a `ConformingClient`, so each flow checks its
own responses and fails where the answer breaks the spec; `httpx_response_hook` does the same
for real HTTP through the generated client. A check covers: the status is documented for the
operation, the Content-Type is one of the documented media types, and a JSON body validates
against the documented schema (OpenAPI 3.0 semantics: nullable, formats).
"""
import json
import threading

from flask.testing import FlaskClient
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from werkzeug.exceptions import HTTPException

from wildcat.openapi import build_spec, openapi_path

_lock = threading.Lock()
_checkers = {}


class ResponseViolation(AssertionError):
    """A response that its operation's documentation does not allow."""


class SpecChecker:
    """One app's OpenAPI document, with a compiled validator per response schema."""

    def __init__(self, spec):
        self.spec = spec
        self._validators = {}

    def operation(self, rule, method):
        return self.spec["paths"].get(openapi_path(rule), {}).get(method.lower())

    def _response(self, op, status):
        documented = op["responses"].get(str(status)) or op["responses"].get("default")
        if isinstance(documented, dict) and "$ref" in documented:
            documented = self.spec["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
        return documented

    def problems(self, rule, method, status, content_type, body):
        """What is wrong with this response (an empty list when it conforms)."""
        op = self.operation(rule, method)
        if op is None:
            return []   # HEAD/OPTIONS, or a route this app does not document
        where = f"{method} {openapi_path(rule)} → {status}"
        documented = self._response(op, status)
        if documented is None and status == 500:
            # Never documented (no input may cause one), but when a test provokes one, it
            # must still be the generic error shape.
            documented = {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
        if documented is None:
            return [f"{where}: status not documented (documented: {sorted(op['responses'])})"]
        content = documented.get("content")
        if not content:
            return []
        media = (content_type or "").split(";")[0].strip().lower()
        key = next((k for k in content if k == media), None) or next(
            (k for k in content if k == "*/*" or (k.endswith("/*") and media.startswith(k[:-1]))),
            None)
        if key is None:
            return [f"{where}: Content-Type {content_type!r} not documented ({sorted(content)})"]
        if media != "application/json" or body is None:
            return []
        try:
            document = json.loads(body)
        except ValueError as exc:
            return [f"{where}: body is not JSON: {exc}"]
        validator = self._validator(content[key].get("schema") or {})
        return [f"{where}: {'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}"
                for e in validator.iter_errors(document)][:5]

    def _validator(self, schema):
        key = json.dumps(schema, sort_keys=True)
        validator = self._validators.get(key)
        if validator is None:
            root = {"allOf": [schema], "components": self.spec["components"]}
            validator = self._validators[key] = OAS30Validator(
                root, format_checker=oas30_format_checker)
        return validator


def checker_for(app):
    """The app's checker, shared by apps with the same routes (building a spec costs ~50 ms)."""
    routes = tuple(sorted((r.rule, tuple(sorted(r.methods))) for r in app.url_map.iter_rules()))
    with _lock:
        checker = _checkers.get(routes)
    if checker is None:
        with app.app_context():
            checker = SpecChecker(build_spec(app))
        with _lock:
            _checkers[routes] = checker
    return checker


def check_flask_response(app, response):
    request = getattr(response, "request", None)
    if request is None:
        return
    try:
        rule, _ = app.url_map.bind_to_environ(request.environ).match(
            method=request.method, return_rule=True)
    except HTTPException:
        return   # no such route or method: nothing is documented to compare with
    body = response.get_data() if response.mimetype == "application/json" else None
    problems = checker_for(app).problems(rule, request.method, response.status_code,
                                         response.headers.get("Content-Type"), body)
    if problems:
        raise ResponseViolation("response does not conform to the OpenAPI document:\n  " +
                                "\n  ".join(problems))


class ConformingClient(FlaskClient):
    """A Flask test client that checks every response it returns against the spec."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        check_flask_response(self.application, response)
        return response


def httpx_response_hook(app):
    """An httpx `response` event hook checking answers of a real server running `app`'s
    routes (the generated client's requests in the tour)."""
    adapter = app.url_map.bind("localhost")
    checker = checker_for(app)

    def hook(response):
        request = response.request
        try:
            rule, _ = adapter.match(request.url.path, method=request.method, return_rule=True)
        except HTTPException:
            return
        media = response.headers.get("Content-Type", "")
        body = response.read() if media.startswith("application/json") else None
        problems = checker.problems(rule, request.method, response.status_code, media, body)
        if problems:
            raise ResponseViolation("response does not conform to the OpenAPI document:\n  "
                                    + "\n  ".join(problems))
    return hook
