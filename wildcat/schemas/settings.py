"""Account settings given to PATCH /accounts/:id: the proxy and the send policy."""
import urllib.parse

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

PROXY_SCHEMES = ("socks5", "http", "https")
MAX_DELAY_MS = 120_000        # the longest pause between two paced sends
MAX_DAILY_LIMIT = 1_000_000


def parse_proxy(url: str) -> str:
    """The proxy URL normalised (`scheme://[user[:password]@]host:port`); ValueError with
    a message that never repeats the password."""
    if not url or len(url) > 2048 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValueError("proxy must be a URL like socks5://user:pass@host:1080")
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("proxy has an invalid host or port (1-65535)") from None
    if parts.scheme.lower() not in PROXY_SCHEMES:
        raise ValueError("proxy scheme must be one of socks5, http, https")
    if not parts.hostname:
        raise ValueError("proxy needs a host")
    if port is None or port == 0:
        raise ValueError("proxy needs a port (1-65535)")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("proxy must not have a path, query or fragment")
    if parts.password is not None and not parts.username:
        raise ValueError("proxy has a password without a user name")
    return "%s://%s%s" % (parts.scheme.lower(), _userinfo(parts, parts.password), _hostport(parts))


def mask_proxy(url: str | None) -> str | None:
    """The proxy as the API and the logs may show it: the password replaced by ***."""
    if not url:
        return None
    try:
        parts = urllib.parse.urlsplit(url)
        return "%s://%s%s" % (parts.scheme, _userinfo(parts, parts.password and "***"),
                              _hostport(parts))
    except ValueError:
        return "(invalid proxy)"


def _userinfo(parts, password):
    if not parts.username:
        return ""
    return parts.username + (":" + password if password is not None else "") + "@"


def _hostport(parts):
    host = parts.hostname
    if ":" in host:   # IPv6 literal
        host = "[%s]" % host
    return "%s:%d" % (host, parts.port)


class ProxyUrl(fields.String):
    """A proxy URL, validated and normalised; null clears it."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return parse_proxy(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class SendPolicySchema(Schema):
    """Human-paced sending: opt-in per account (null turns it off)."""
    typing = fields.Boolean(load_default=False, truthy={True}, falsy={False}, metadata={
        "description": "Show 'typing…' before a text, for a time proportional to its length"})
    minDelayMs = fields.Integer(strict=True, load_default=0,
                                validate=validate.Range(min=0, max=MAX_DELAY_MS))
    maxDelayMs = fields.Integer(strict=True, validate=validate.Range(min=0, max=MAX_DELAY_MS),
                                metadata={"description": "Defaults to minDelayMs"})
    dailyLimit = fields.Integer(strict=True, allow_none=True, load_default=None,
                                validate=validate.Range(min=1, max=MAX_DAILY_LIMIT),
                                metadata={"description": "Sends a UTC day; null: no limit"})

    @validates_schema
    def _bounds(self, data, **kwargs):
        if data.get("maxDelayMs", data.get("minDelayMs", 0)) < data.get("minDelayMs", 0):
            raise ValidationError("maxDelayMs must be >= minDelayMs", "maxDelayMs")

    def load(self, *args, **kwargs):
        data = super().load(*args, **kwargs)
        data.setdefault("maxDelayMs", data["minDelayMs"])
        return data
