"""The cluster as the API shows it: the instances sharing this store and what they own."""
import datetime

from wildcat.domain import now_ms


def _iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")


def cluster_view(runtime):
    """Every registered instance (alive or not yet purged) with the accounts it owns."""
    now = now_ms()
    ttl_ms = int(runtime.config.lease_ttl * 1000)
    accounts = {a["_id"] for a in runtime.store.list_accounts()}
    owned = {}
    for lease in runtime.store.live_leases(now):
        if lease["accountId"] in accounts:
            owned.setdefault(lease["owner"], []).append(lease["accountId"])
    instances = []
    for record in runtime.store.list_instances():
        ids = sorted(owned.get(record["_id"], []))
        instances.append({
            "id": record["_id"], "address": record.get("address"),
            "startedAt": record.get("startedAt"), "heartbeatAt": _iso(record["heartbeatAt"]),
            "alive": record["heartbeatAt"] > now - ttl_ms,
            "self": record["_id"] == runtime.config.instance_id,
            "accountsOwned": len(ids), "accounts": ids})
    held = {a for ids in owned.values() for a in ids}
    return {"instance": runtime.config.instance_id, "instances": instances,
            "accounts": {"total": len(accounts), "owned": len(held),
                         "unowned": len(accounts - held)}}


def events_page(runtime, after=0, limit=100, accountId=None, events=None):
    """A page of the event log after a cursor (every account's, wherever it is owned)."""
    return runtime.event_log.page(after, limit, account_id=accountId, events=events)
