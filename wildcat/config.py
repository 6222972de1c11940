"""The one place that reads the environment: typed, defaulted, refused when wrong."""
import dataclasses
import os
import uuid


class ConfigError(Exception):
    """A variable has a value WILDCAT cannot run with; the message names it."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclasses.dataclass
class Config:
    host: str = "0.0.0.0"
    port: int = 3000
    mongodb_uri: str = ""
    db_name: str = "wildcat"
    data_dir: str = "./data"
    driver: str = "neonize"
    api_key: str = ""
    log_level: str = "INFO"
    log_format: str = "text"
    threads: int = 32
    max_upload_mb: int = 50
    send_rate_per_minute: int = 60
    auto_connect_on_start: bool = True
    webhook_timeout: float = 10.0
    webhook_max_attempts: int = 8
    webhook_backoff_base: float = 2.0
    webhook_backoff_cap: float = 600.0
    webhook_secret: str = ""
    webhook_block_private: bool = False
    webhook_concurrency: int = 8
    webhook_poll_interval: float = 5.0
    webhook_retention_days: float = 7.0
    ws_ping_interval: float = 25.0
    ws_queue_size: int = 1000
    ws_max_clients: int = 0                 # 0: half of `threads` (each client holds one)
    ws_max_clients_per_token: int = 0  # 0: a quarter of ws_max_clients
    reconnect_backoff_base: float = 2.0
    reconnect_backoff_cap: float = 120.0
    lease_ttl: float = 30.0
    header_timeout: float = 10.0
    body_idle_timeout: float = 30.0
    body_timeout: float = 300.0
    max_accounts: int = 0                   # 0: as many as the open-files limit allows
    supervisor_interval: float = 5.0
    command_timeout: float = 60.0           # an API call's wait for its account (media: 5x)
    start_spread_seconds: float | None = None   # None: 0.2 s per account, at most 600 s
    send_queue_limit: int = 20              # paced sends waiting per account before 429
    accounts_per_host: int = 10             # accounts per neonize session-host process
    host_max_fds: int = 0                   # 0: 64 + 16 per account of a full host
    host_max_rss_mb: float = 0.0            # 0: 256 + 64 per account of a full host
    event_retention_hours: float = 24.0     # the event log's memory (GET /events, /ws?after=)
    web_concurrency: int = 1                # gunicorn workers of `python app.py`
    cluster_secret: str = ""                # authenticates requests forwarded between instances
    advertise_url: str = ""                 # where other machines reach this server
    instance_id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex[:12])

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


def _int(env, name, default, minimum=None, maximum=None):
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _float(env, name, default, minimum=0.0):
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum or value != value:
        raise ConfigError(f"{name} must be >= {minimum}, got {raw!r}")
    return value


def _bool(env, name, default):
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _choice(env, name, default, choices):
    value = (env.get(name) or default).strip()
    if value.lower() not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(sorted(choices))}, got {value!r}")
    return value.lower()


def _url(env, name):
    value = (env.get(name) or "").strip().rstrip("/")
    if value and not (value.startswith(("http://", "https://")) and len(value) > 8):
        raise ConfigError(f"{name} must be an http:// or https:// URL, got {value!r}")
    return value


def load_config(env=None, **overrides) -> Config:
    """Build the Config from the environment (os.environ by default); raise ConfigError."""
    env = os.environ if env is None else env
    cfg = Config(
        host=(env.get("HOST") or "0.0.0.0").strip(),
        port=_int(env, "PORT", 3000, 1, 65535),
        mongodb_uri=(env.get("MONGODB_URI") or env.get("MONGO_URL") or "").strip(),
        db_name=(env.get("DB_NAME") or "wildcat").strip(),
        data_dir=(env.get("WILDCAT_DATA_DIR") or "./data").strip(),
        driver=_choice(env, "WILDCAT_DRIVER", "neonize", {"neonize", "sandbox"}),
        api_key=(env.get("WILDCAT_API_KEY") or "").strip(),
        log_level=_choice(env, "LOG_LEVEL", "INFO",
                          {"debug", "info", "warning", "error", "critical"}).upper(),
        log_format=_choice(env, "LOG_FORMAT", "text", {"text", "json"}),
        threads=_int(env, "WILDCAT_THREADS", 32, 2, 1024),
        max_upload_mb=_int(env, "WILDCAT_MAX_UPLOAD_MB", 50, 1, 2048),
        send_rate_per_minute=_int(env, "WILDCAT_SEND_RATE_PER_MINUTE", 60, 0, 100000),
        auto_connect_on_start=_bool(env, "AUTO_CONNECT_ON_START", True),
        webhook_timeout=_float(env, "WILDCAT_WEBHOOK_TIMEOUT", 10.0, 0.1),
        webhook_max_attempts=_int(env, "WILDCAT_WEBHOOK_MAX_ATTEMPTS", 8, 1, 100),
        webhook_backoff_base=_float(env, "WILDCAT_WEBHOOK_BACKOFF_BASE", 2.0, 0.0),
        webhook_backoff_cap=_float(env, "WILDCAT_WEBHOOK_BACKOFF_CAP", 600.0, 0.0),
        webhook_secret=(env.get("WILDCAT_WEBHOOK_SECRET") or "").strip(),
        webhook_block_private=_bool(env, "WILDCAT_WEBHOOK_BLOCK_PRIVATE", False),
        webhook_concurrency=_int(env, "WILDCAT_WEBHOOK_CONCURRENCY", 8, 1, 256),
        webhook_poll_interval=_float(env, "WILDCAT_WEBHOOK_POLL_INTERVAL", 5.0, 0.05),
        webhook_retention_days=_float(env, "WILDCAT_WEBHOOK_RETENTION_DAYS", 7.0, 0.0),
        ws_ping_interval=_float(env, "WILDCAT_WS_PING_INTERVAL", 25.0, 0.1),
        ws_queue_size=_int(env, "WILDCAT_WS_QUEUE_SIZE", 1000, 1, 1_000_000),
        ws_max_clients=_int(env, "WILDCAT_WS_MAX_CLIENTS", 0, 0, 100_000),
        ws_max_clients_per_token=_int(env, "WILDCAT_WS_MAX_CLIENTS_PER_TOKEN", 0, 0,
                                      100_000),
        reconnect_backoff_base=_float(env, "WILDCAT_RECONNECT_BACKOFF_BASE", 2.0, 0.0),
        reconnect_backoff_cap=_float(env, "WILDCAT_RECONNECT_BACKOFF_CAP", 120.0, 0.0),
        lease_ttl=_float(env, "WILDCAT_LEASE_TTL", 30.0, 1.0),
        header_timeout=_float(env, "WILDCAT_HEADER_TIMEOUT", 10.0, 0.1),
        body_idle_timeout=_float(env, "WILDCAT_BODY_IDLE_TIMEOUT", 30.0, 0.1),
        body_timeout=_float(env, "WILDCAT_BODY_TIMEOUT", 300.0, 0.1),
        max_accounts=_int(env, "WILDCAT_MAX_ACCOUNTS", 0, 0, 1_000_000),
        supervisor_interval=_float(env, "WILDCAT_SUPERVISOR_INTERVAL", 5.0, 0.05),
        command_timeout=_float(env, "WILDCAT_COMMAND_TIMEOUT", 60.0, 0.1),
        start_spread_seconds=_float(env, "WILDCAT_START_SPREAD_SECONDS", None, 0.0),
        send_queue_limit=_int(env, "WILDCAT_SEND_QUEUE_LIMIT", 20, 1, 10_000),
        accounts_per_host=_int(env, "WILDCAT_ACCOUNTS_PER_HOST", 10, 1, 1000),
        host_max_fds=_int(env, "WILDCAT_HOST_MAX_FDS", 0, 0, 1_000_000),
        host_max_rss_mb=_float(env, "WILDCAT_HOST_MAX_RSS_MB", 0.0, 0.0),
        web_concurrency=_int(env, "WEB_CONCURRENCY", 1, 1, 64),
        event_retention_hours=_float(env, "WILDCAT_EVENT_RETENTION_HOURS", 24.0, 0.0),
        cluster_secret=(env.get("WILDCAT_CLUSTER_SECRET") or "").strip(),
        advertise_url=_url(env, "WILDCAT_ADVERTISE_URL"),
    )
    return dataclasses.replace(cfg, **overrides)
