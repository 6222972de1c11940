"""Liveness (/ping), health (/health) and Prometheus metrics (/metrics)."""
import logging

from flask import Blueprint, Response, jsonify

from wildcat import metrics
from wildcat.api import runtime
from wildcat.errors import Unhealthy
from wildcat.domain import iso_now
from wildcat.services import accounts as accounts_service

log = logging.getLogger(__name__)

bp = Blueprint("system", __name__)


@bp.get("/ping")
def ping():
    return jsonify(ok=True, pong=True, time=iso_now())


def health_report(rt):
    """(healthy, checks): the store answers, the supervisor and dispatcher threads live."""
    checks = {"store": "ok", "supervisor": "alive", "dispatcher": "alive"}
    try:
        rt.store.ping()
    except Exception as exc:
        log.warning("health: the store does not answer: %s", type(exc).__name__)
        checks["store"] = "unreachable"
    if not rt.supervisor.is_alive():
        checks["supervisor"] = "dead"
    if not rt.dispatcher.is_alive():
        checks["dispatcher"] = "dead"
    healthy = checks == {"store": "ok", "supervisor": "alive", "dispatcher": "alive"}
    if checks["store"] == "ok":
        try:
            checks["accounts"] = _account_counts(rt)
        except Exception:
            log.exception("health: counting accounts failed")
    return healthy, checks


def _account_counts(rt):
    counts = {k: v for k, v in metrics.account_statuses(rt).items() if v}
    return {"total": sum(counts.values()), **counts,
            "keepaliveTimeout": accounts_service.keepalive_timeouts(rt)}


@bp.get("/health")
def health():
    healthy, checks = health_report(runtime())
    if not healthy:
        wrong = [f"{name} {state}" for name, state in checks.items()
                 if state in ("unreachable", "dead")]
        raise Unhealthy("Unhealthy: " + ", ".join(wrong), details=checks)
    return jsonify(ok=True, status="ok", instance=runtime().config.instance_id, time=iso_now(),
                   **checks)


@bp.get("/metrics")
def prometheus_metrics():
    return Response(metrics.render(runtime()), mimetype=None,
                    headers={"Content-Type": metrics.CONTENT_TYPE, "Cache-Control": "no-store"})
