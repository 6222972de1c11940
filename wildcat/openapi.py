"""The OpenAPI 3 document (`/openapi.json`), built from the URL map, the marshmallow schemas
and the route table in wildcat/openapi_routes.py; Swagger UI at `/docs` from the
swagger-ui-bundle package (no CDN)."""
import copy
import dataclasses
import json
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, current_app, make_response, render_template, \
    send_from_directory
from marshmallow import fields

from wildcat.errors import NotFound, codes_by_status
from wildcat.schemas import responses as r
from wildcat.schemas.common import Jid, MessageId

bp = Blueprint("openapi", __name__)

VERSION = "0.1.0"
JID_PATTERN = (r"^(\+?[1-9][0-9]{6,14}|[0-9]{5,20}(:[0-9]{1,3})?@s\.whatsapp\.net"
               r"|[0-9]{5,20}(-[0-9]{5,20})?@g\.us|[0-9]{5,25}(:[0-9]{1,3})?@lid)$")
# Printable ASCII without space, '#', '/', '?' or '\' (what real message ids are made of).
MESSAGE_ID_PATTERN = r'^[!"$-.0->@-\[\]-~]{1,128}$'
CHAT_ID_PATTERN = (r'^(\+?[1-9][0-9]{6,14}|[!"$-.0->A-\[\]-~]{1,100}@[!"$-.0->@-\[\]-~]{1,60})$')
ERROR_SUMMARIES = {
    400: "Invalid request: a body or query field is missing or wrong",
    401: "A valid API key (or this account's token) is required",
    403: "Not allowed: a credential out of its scope, or a request from another site",
    404: "Not found",
    405: "Method not allowed",
    408: "The request did not arrive in time (WILDCAT_HEADER_TIMEOUT / _BODY_IDLE_TIMEOUT)",
    409: "Conflict with the account's state",
    413: "The body is over its route's limit (1 MB for JSON, 16 KB for the login form, "
         "WILDCAT_MAX_UPLOAD_MB for media uploads)",
    414: "The request line is too long (answered by the HTTP worker)",
    415: "The uploaded file's type is not accepted",
    416: "The Range cannot be satisfied",
    429: "Over WILDCAT_SEND_RATE_PER_MINUTE; see Retry-After",
    431: "A request header is too large (answered by the HTTP worker)",
    500: "Unexpected server error",
    502: "WhatsApp or the session host refused",
    503: "Unavailable for now; see Retry-After where given",
    504: "The account did not answer in time",
}


def error_descriptions() -> dict[int, str]:
    """Each status's description with its codes, from the one error table (wildcat.errors)."""
    return {status: ERROR_SUMMARIES.get(status, "Error") + " (" +
            ", ".join(f"`{code}`" for code in codes) + ")"
            for status, codes in codes_by_status().items()}


REQUEST_ID = {"X-Request-Id": {"description": "The request id (the caller's if sane)",
                               "schema": {"type": "string"}}}
BINARY = {"type": "string", "format": "binary"}
HTML = {"text/html": {"schema": {"type": "string"}}}
REDIRECT = {"description": "Redirect (Location header)",
            "headers": {"Location": {"schema": {"type": "string"}}}}
_ACCOUNT_ROUTE_PREFIXES = ("/accounts/<account_id>", "/sandbox/accounts/<account_id>")


@dataclasses.dataclass
class Doc:
    """One operation: summary, body (json | multipart | form), query, success, errors."""
    summary: str
    tag: str
    ok: object = r.OkResponse            # a response schema, a content dict, None (no body)
    status: int = 200
    body: type | None = None
    body_type: str = "json"
    files: tuple = ()                    # multipart file fields (required)
    optional_files: tuple = ()           # multipart file fields (one of them, by the path)
    form_extra: dict = dataclasses.field(default_factory=dict)  # more form properties
    query: type | None = None
    errors: tuple = ()
    public: bool = False
    description: str = ""
    extra: dict = dataclasses.field(default_factory=dict)   # other responses by status
    account_scoped: bool = True          # False: the account token does not open it
    example: dict | None = None          # a request body example (Swagger UI, schemathesis)
    form_variant: tuple = ()             # (schema, file fields): a multipart body besides JSON

    def operation(self, plugin, operation_id, rule, method="GET"):
        scoped = rule.rule.startswith(_ACCOUNT_ROUTE_PREFIXES)
        op = {"operationId": operation_id, "summary": self.summary, "tags": [self.tag]}
        description = self.description
        if scoped and self.account_scoped and not self.public:
            description += "\n\nAlso open to the account's own token."
        if description.strip():
            op["description"] = description.strip()
        if self.public:
            op["security"] = []
        if self.query is not None:
            op["parameters"] = [{"in": "query", "schema": self.query}]
        if self.body is not None or self.files:
            op["requestBody"] = self._body(plugin)
        errors = set(self.errors)
        validated = self.body or self.query or self.files or "<chat_id>" in rule.rule or \
            "<message_id>" in rule.rule
        errors |= {400} if validated else set()
        # A credential out of its scope (403), the store not answering (503).
        errors |= set() if self.public else {401, 403, 503}
        errors |= {503, 504} if 502 in errors else set()   # an account command: busy, timed out
        errors |= {404} if scoped else set()
        # The request edge (wildcat/limits.py, origin.py, http_worker.py): a body over the
        # route's limit (413), a body that stalls (408), a page on another site (403).
        errors |= {403, 408, 413} if method not in ("GET", "HEAD", "OPTIONS") else set()
        op["responses"] = {str(self.status): self._success()}
        op["responses"].update({str(k): v for k, v in self.extra.items()})
        op["responses"].update({str(s): f"E{s}" for s in sorted(errors)})
        return op

    def _success(self):
        if self.ok is None and self.status == 101:
            return {"description": "Switching Protocols: the WebSocket is open; each message "
                                   "is one event's JSON"}
        if self.ok is None:
            return {"description": "Redirect (see Location)",
                    "headers": {**REQUEST_ID, **REDIRECT["headers"]}}
        content = self.ok if isinstance(self.ok, dict) else {
            "application/json": {"schema": self.ok}}
        return {"description": "Success", "headers": REQUEST_ID, "content": content}

    def _body(self, plugin):
        if self.body_type == "json":
            media = {"schema": self.body}
            if self.example is not None:
                media["example"] = self.example
            content = {"application/json": media}
            if self.form_variant:
                form_schema, files = self.form_variant
                content["multipart/form-data"] = {"schema": self._form_schema(
                    plugin, form_schema, files, ())}
            return {"required": True, "content": content}
        schema = self._form_schema(plugin, self.body, self.files, self.optional_files)
        media = "multipart/form-data" if self.body_type == "multipart" else \
            "application/x-www-form-urlencoded"
        return {"required": True, "content": {media: {"schema": schema}}}

    def _form_schema(self, plugin, body, files, optional_files):
        schema = plugin.converter.schema2jsonschema(body) if body else {
            "type": "object", "properties": {}}
        schema.setdefault("properties", {})
        for name in files + optional_files:
            schema["properties"][name] = dict(BINARY)
        for name in files:
            schema.setdefault("required", []).append(name)
        schema["properties"].update(self.form_extra)
        # A file may also be sent: other fields are text, extra ones refused.
        if files or optional_files:
            schema.pop("additionalProperties", None)
        return schema


def _custom_fields(self, field, **kwargs):
    """Patterns for the string fields that validate in code rather than with a Regexp (a
    request's webhook url, checked by a function, is documented as an http(s) URL)."""
    if isinstance(field, Jid):
        return {"pattern": JID_PATTERN, "description": field.metadata.get(
            "description", "A WhatsApp JID or an international phone number")}
    if isinstance(field, MessageId):
        return {"pattern": MESSAGE_ID_PATTERN}
    if field.name == "events" and isinstance(field, fields.List) and field.validators:
        from wildcat.domain import EVENT_NAMES
        return {"items": {"type": "string", "enum": [*EVENT_NAMES, "*"]}, "uniqueItems": True}
    if field.name == "url" and isinstance(field, fields.String) and field.validators:
        return {"format": "uri", "pattern": r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/\S*)?$",
                "maxLength": 2048}
    return {}


def _ecma_patterns(node):
    """Python-only regex syntax (`\\Z`) turned into ECMA 262, which OpenAPI patterns use."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                node[key] = value.replace(r"\Z", "$")
            else:
                _ecma_patterns(value)
    elif isinstance(node, list):
        for item in node:
            _ecma_patterns(item)
    return node


_NULL_OBJECT = {"type": "object", "nullable": True}


def _nullable_refs(node):
    """apispec writes a nullable nested schema as `anyOf: [{type: object, nullable}, $ref]`,
    which generators turn into an extra untyped model; `allOf: [$ref]` + `nullable` is the
    OpenAPI 3.0 form they read as "that model or null"."""
    if isinstance(node, dict):
        any_of = node.get("anyOf")
        if isinstance(any_of, list) and len(any_of) == 2 and _NULL_OBJECT in any_of:
            ref = next(item for item in any_of if item != _NULL_OBJECT)
            if set(ref) == {"$ref"}:
                del node["anyOf"]
                node.update(allOf=[ref], nullable=True)
        for value in node.values():
            _nullable_refs(value)
    elif isinstance(node, list):
        for item in node:
            _nullable_refs(item)
    return node


def openapi_path(rule):
    """`/accounts/<account_id>` → `/accounts/{account_id}` (converters dropped)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def _path_arguments(rule):
    """The rule's arguments in path order (`rule.arguments` is a set: its order changes from
    one process to the next, and the document must not)."""
    return re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule.rule)


def _operation_id(rule, method, methods):
    name = rule.endpoint.replace(".", "_")
    return f"{name}_{method.lower()}" if len(methods) > 1 else name


def build_spec(app) -> dict:
    """The OpenAPI document of every documented route of `app`."""
    from wildcat.openapi_routes import PATH_PARAMS, ROUTES, describe

    plugin = MarshmallowPlugin()
    spec = APISpec(title="WILDCAT", version=VERSION, openapi_version="3.0.3",
                   plugins=[plugin], info={"description": describe()},
                   security=[{"ApiKeyAuth": []}, {"BearerAuth": []}])
    plugin.converter.add_attribute_function(_custom_fields)
    spec.components.security_scheme("ApiKeyAuth", {
        "type": "apiKey", "in": "header", "name": "X-API-Key",
        "description": "WILDCAT_API_KEY (admin) or an account token"})
    spec.components.security_scheme("BearerAuth", {
        "type": "http", "scheme": "bearer",
        "description": "`Authorization: Bearer <WILDCAT_API_KEY or account token>`"})
    spec.components.schema("Error", schema=r.ErrorResponse)
    for status, text in error_descriptions().items():
        spec.components.response(f"E{status}", {
            "description": text, "headers": REQUEST_ID,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})

    paths = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        for method in methods:
            doc = ROUTES.get((method, rule.rule))
            if doc is None:
                continue
            operation = doc.operation(plugin, _operation_id(rule, method, methods), rule, method)
            paths.setdefault(openapi_path(rule), {"ops": {}, "params": [
                dict(PATH_PARAMS[name], name=name, **{"in": "path", "required": True})
                for name in _path_arguments(rule)]})["ops"][method.lower()] = operation
    for path, item in paths.items():
        spec.path(path=path, operations=item["ops"], parameters=item["params"] or None)
    return _nullable_refs(_ecma_patterns(spec.to_dict()))


def get_spec():
    cached = current_app.extensions.get("wildcat.openapi")
    if cached is None:
        cached = current_app.extensions["wildcat.openapi"] = build_spec(current_app)
    return copy.deepcopy(cached)


def spec_json(spec: dict) -> str:
    """The document as served: UTF-8, not \\u-escaped (YAML-based readers reject the
    surrogate pairs an escaped emoji becomes)."""
    return json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=False)


@bp.get("/openapi.json")
def spec():
    return Response(spec_json(get_spec()), mimetype="application/json")


# Swagger UI: its own scripts only; it sets inline styles and data: images itself.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")


@bp.get("/docs")
def docs():
    response = make_response(render_template("docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/docs/<path:filename>")
def docs_asset(filename):
    import swagger_ui_bundle
    if filename == "init.js":
        return send_from_directory(current_app.root_path + "/static", "docs-init.js")
    if not filename.startswith("swagger-ui") or not filename.endswith((".js", ".css")):
        raise NotFound()
    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)
