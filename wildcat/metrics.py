"""Prometheus metrics: process-wide counters fed by hooks, gauges read at scrape time.

Hooks for other modules (cheap, thread-safe, never raise):
- `observe_send_latency(seconds)` (or `with send_timer(): ...`): the messaging service,
  once per send through the API.
- `count_session_host_restart(account_id)`: the neonize driver, each time it restarts a
  session host child process.
Messages in/out are counted from the event bus (`message` = in, `message.sent` = out).
"""
import contextlib
import logging
import time

from flask import g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from wildcat import domain

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # understood by every Prometheus
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)

MESSAGES = Counter("wildcat_messages_total", "Messages through WhatsApp: in = received "
                   "(message events), out = sent through the API (message.sent events)",
                   ["direction", "account"], registry=REGISTRY)
EVENTS = Counter("wildcat_events_total", "Events published on the event bus, by name",
                 ["event"], registry=REGISTRY)
SEND_LATENCY = Histogram("wildcat_send_latency_seconds",
                         "Time to hand one message to WhatsApp, from request to server ack",
                         buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
                         registry=REGISTRY)
SESSION_HOST_RESTARTS = Counter("wildcat_session_host_restarts_total",
                                "Session host child processes restarted, by account",
                                ["account"], registry=REGISTRY)
HTTP_REQUESTS = Counter("wildcat_http_requests_total", "HTTP requests served",
                        ["method", "endpoint", "status"], registry=REGISTRY)
FORWARD_SECONDS = Histogram("wildcat_forward_seconds",
                            "Time from forwarding a request to its owner to the owner's "
                            "response headers", registry=REGISTRY)
HTTP_DURATION = Histogram("wildcat_http_request_duration_seconds", "HTTP request duration",
                          ["endpoint"], registry=REGISTRY,
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10))

_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
_DIRECTIONS = {domain.MESSAGE: "in", domain.MESSAGE_SENT: "out"}


def observe_send_latency(seconds: float) -> None:
    """Record how long one send through the API took (seconds)."""
    try:
        SEND_LATENCY.observe(max(0.0, float(seconds)))
    except Exception:
        log.debug("send latency not recorded", exc_info=True)


@contextlib.contextmanager
def send_timer():
    """`with send_timer(): session.send(...)` observes the latency of a send that succeeded."""
    started = time.monotonic()
    yield
    observe_send_latency(time.monotonic() - started)


def count_session_host_restart(account_id: str) -> None:
    """Count one restart of an account's session host process."""
    try:
        SESSION_HOST_RESTARTS.labels(account=str(account_id)).inc()
    except Exception:
        log.debug("account %s: restart not counted", account_id, exc_info=True)


def on_event(event: dict) -> None:
    """Event bus subscriber: count events and messages in/out."""
    name = event.get("event") or "unknown"
    EVENTS.labels(event=name).inc()
    direction = _DIRECTIONS.get(name)
    if direction:
        MESSAGES.labels(direction=direction, account=str(event.get("accountId"))).inc()


def account_statuses(runtime) -> dict:
    """{status: count} over the stored accounts, using each worker's live status."""
    counts = dict.fromkeys(domain.ACCOUNT_STATUSES, 0)
    workers = runtime.supervisor.workers()
    for account in runtime.store.list_accounts():
        worker = workers.get(account["_id"])
        # a worker standing by for an account another instance owns knows no live status
        live = worker is not None and worker.lease.held
        status = worker.state().status if live else account.get("status", domain.NOT_STARTED)
        counts[status] = counts.get(status, 0) + 1
    return counts


class RuntimeCollector:
    """Gauges read from the runtime at scrape time: accounts, deliveries, outbox depth."""

    def __init__(self, runtime):
        self.runtime = runtime

    def collect(self):
        info = GaugeMetricFamily("wildcat_instance", "The instance that answered this scrape",
                                 labels=["instance"])
        info.add_metric([self.runtime.config.instance_id], 1)
        yield info
        try:
            statuses = account_statuses(self.runtime)
            counts = self.runtime.store.count_deliveries()
        except Exception as exc:
            log.warning("metrics: the store does not answer: %s", type(exc).__name__)
            yield GaugeMetricFamily("wildcat_store_up", "1 when the store answered", value=0)
            return
        yield GaugeMetricFamily("wildcat_store_up", "1 when the store answered", value=1)
        accounts = GaugeMetricFamily("wildcat_accounts", "Accounts by live status",
                                     labels=["status"])
        for status, count in statuses.items():
            accounts.add_metric([status], count)
        yield accounts
        deliveries = GaugeMetricFamily("wildcat_webhook_deliveries",
                                       "Webhook deliveries in the outbox by outcome",
                                       labels=["status"])
        for status in sorted(set(domain.DELIVERY_STATUSES) | set(counts)):
            deliveries.add_metric([status], counts.get(status, 0))
        yield deliveries
        yield GaugeMetricFamily("wildcat_webhook_outbox_depth",
                                "Webhook deliveries waiting to be sent (pending)",
                                value=counts.get("pending", 0))
        yield GaugeMetricFamily("wildcat_accounts_owned",
                                "Accounts whose lease this instance holds",
                                value=sum(1 for w in self.runtime.supervisor.workers().values()
                                          if w.lease.held))
        yield GaugeMetricFamily("wildcat_workers_alive", "Account worker threads alive",
                                value=sum(1 for w in self.runtime.supervisor.workers().values()
                                          if w.is_alive()))


class _Scrape:
    """A registry-like view over the process registry plus one runtime's gauges."""

    def __init__(self, runtime):
        self._collectors = (REGISTRY, RuntimeCollector(runtime))

    def collect(self):
        for collector in self._collectors:
            yield from collector.collect()


def render(runtime) -> bytes:
    """The Prometheus text exposition of every metric."""
    return generate_latest(_Scrape(runtime))


def render_process() -> bytes:
    """The process-wide metrics only (no runtime gauges)."""
    return generate_latest(REGISTRY)


def register_metrics(app, runtime):
    """Count bus events and HTTP requests for this app."""
    runtime.bus.subscribe(on_event)

    @app.before_request
    def _start_timer():
        g.metrics_started = time.monotonic()

    @app.after_request
    def _count_request(response):
        endpoint = request.endpoint or "unmatched"
        method = request.method if request.method in _METHODS else "OTHER"
        HTTP_REQUESTS.labels(method=method, endpoint=endpoint,
                             status=str(response.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            HTTP_DURATION.labels(endpoint=endpoint).observe(time.monotonic() - started)
        return response
