"""Account use cases: create, read, delete, connect, disconnect, log out, pair, QR."""
import logging
import threading
import time

from wildcat import commands, domain
from wildcat.capacity import account_capacity
from wildcat.errors import AccountCapacity, AccountExists, AccountNotFound, AccountUnavailable, \
    CollectionInUse, NoQr
from wildcat.explain import explain
from wildcat.schemas.settings import mask_proxy
from wildcat.store.base import DuplicateKey

log = logging.getLogger(__name__)

PUBLIC_FIELDS = ("_id", "name", "collectionName", "status", "createdAt", "lastUpdate",
                 "reason", "lastError", "errorKind", "nextRetryAt", "until", "banCode", "jid",
                 "pushName", "connectedAt", "sendPolicy", "rejectCalls")


def public_view(account, worker, owner=None, liveness=None):
    """The account as the API shows it: stored fields plus the live state, `owner` (the
    instance holding its lease; None when nobody does), the proxy without its password and
    `lastSeenAt` from `liveness`."""
    view = {k: account[k] for k in PUBLIC_FIELDS if account.get(k) is not None}
    view.setdefault("name", None)
    view["owner"] = owner
    view["attempts"] = account.get("attempts") or 0
    view["proxy"] = mask_proxy(account.get("proxy"))
    view["rejectCalls"] = bool(account.get("rejectCalls"))
    # a worker standing by for an account another instance owns knows no live state
    state = worker.state() if worker and owner in (None, worker.owner) else None
    view["currentStatus"] = (state.status if state else
                             account.get("status", domain.NOT_STARTED) if owner else
                             domain.NOT_STARTED)
    view["hasQR"] = bool(state and state.qr)
    if liveness and liveness.get("lastSeenAt"):
        view["lastSeenAt"] = ms_to_iso(liveness["lastSeenAt"])
    view["explanation"] = explain(view)
    return view


def ms_to_iso(ms):
    """Epoch ms as the API's ISO-8601 UTC timestamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms / 1000)) + ".%03dZ" % (ms % 1000)


def keepalive_timeouts(runtime):
    """How many accounts this process runs are connected but deaf (keepalive timed out)."""
    return sum(1 for account_id, worker in runtime.supervisor.workers().items()
               if worker.state().status == domain.RECONNECTING
               and (runtime.driver.liveness({"_id": account_id}) or {}).get("keepaliveTimeout"))


def get_account(runtime, account_id):
    account = runtime.store.get_account(account_id)
    if account is None:
        raise AccountNotFound()
    return account


def worker_for(runtime, account_id):
    """The account's live worker (404 when the account does not exist)."""
    get_account(runtime, account_id)
    worker = runtime.supervisor.get(account_id)
    if worker is None or not worker.is_alive():
        raise AccountUnavailable()
    return worker


def connected_worker(runtime, account_id):
    """The account's worker when it can send now (404 unknown, 409 not connected)."""
    worker = worker_for(runtime, account_id)
    worker.require_connected()
    return worker


_create_lock = threading.Lock()     # one creation at a time: the checks below hold


def _check_room_and_collection(runtime, account_id, collection):
    """503 when the process cannot hold another account; 409 when the session collection
    is another account's (or holds a session nobody owns): sessions are never shared."""
    accounts = runtime.store.list_accounts()
    if any(a["_id"] == account_id for a in accounts):
        raise AccountExists()
    per_instance = account_capacity(runtime.config)
    instances = max(1, len(runtime.instances.live()))
    limit = per_instance * instances         # the instances of one deployment are alike
    if len(accounts) >= limit:
        where = "This server holds" if instances == 1 else \
            f"The {instances} instances sharing this store hold"
        raise AccountCapacity(f"{where} {len(accounts)} accounts, as many as they can "
                              f"(limit {per_instance} per instance: WILDCAT_MAX_ACCOUNTS or "
                              "the open-files limit)",
                              details={"limit": limit, "perInstance": per_instance,
                                       "instances": instances})
    for other in accounts:
        if other["_id"] != account_id and domain.collection_name(other) == collection:
            raise CollectionInUse()
    if runtime.store.load_snapshot(collection) is not None:
        raise CollectionInUse("That collectionName holds a session of no account")


def create_account(runtime, data):
    account_id = data["id"]
    account = {"_id": account_id, "name": data.get("name"),
               "status": domain.NOT_STARTED, "createdAt": domain.iso_now(),
               "lastUpdate": domain.iso_now()}
    account["collectionName"] = data.get("collectionName") or domain.collection_name(account)
    with _create_lock:
        _check_room_and_collection(runtime, account_id, account["collectionName"])
        try:
            runtime.store.create_account(account)
        except DuplicateKey:
            raise AccountExists() from None
    worker = runtime.supervisor.add(account_id)
    try:
        worker.execute(commands.Connect())
    except Exception as exc:   # the account exists; its worker retries or reports the state
        log.warning("account %s: first connect failed: %s", account_id, exc)
    return public_view(runtime.store.get_account(account_id) or account, worker)


def list_accounts(runtime):
    owners = {lease["accountId"]: lease["owner"]
              for lease in runtime.store.live_leases(domain.now_ms())}
    return [public_view(a, runtime.supervisor.get(a["_id"]), owners.get(a["_id"]),
                        runtime.driver.liveness(a))
            for a in runtime.store.list_accounts()]


def account_view(runtime, account_id):
    account = get_account(runtime, account_id)
    lease = runtime.store.get_lease(account_id)
    alive = lease is not None and lease["expiresAt"] > domain.now_ms()
    return public_view(account, runtime.supervisor.get(account_id),
                       lease["owner"] if alive else None, runtime.driver.liveness(account))


def update_account(runtime, account_id, data):
    """Change the account's settings (PATCH); returns the account as the API shows it."""
    account = get_account(runtime, account_id)
    fields = {"lastUpdate": domain.iso_now()}
    for name in ("name", "proxy", "sendPolicy", "rejectCalls"):
        if name in data:
            fields[name] = data[name]
    runtime.store.update_account(account_id, fields)
    log.info("account %s: settings changed (%s)", account_id, ", ".join(sorted(data)))
    if "proxy" in data and data["proxy"] != account.get("proxy"):
        log.info("account %s: proxy now %s", account_id, mask_proxy(data["proxy"]) or "none")
        worker = runtime.supervisor.get(account_id)
        if worker is not None and worker.is_alive():
            worker.execute(commands.Reconnect())
    return account_view(runtime, account_id)


def delete_account(runtime, account_id):
    """Unlink and forget the account; `account.deleted` is its only event."""
    get_account(runtime, account_id)
    runtime.supervisor.remove(account_id)
    runtime.store.delete_account(account_id)
    runtime.forget_account(account_id)
    runtime.events.emit(domain.make_event(domain.ACCOUNT_DELETED, account_id))


def connect(runtime, account_id):
    return worker_for(runtime, account_id).execute(commands.Connect())


def disconnect(runtime, account_id):
    return worker_for(runtime, account_id).execute(commands.Disconnect())


def logout(runtime, account_id):
    return worker_for(runtime, account_id).execute(commands.Logout())


def pair(runtime, account_id, phone):
    return worker_for(runtime, account_id).execute(commands.Pair(phone=phone.lstrip("+")))


def status(runtime, account_id):
    account = get_account(runtime, account_id)
    worker = runtime.supervisor.get(account_id)
    state = worker.state() if worker else None
    return {"status": state.status if state else account.get("status", domain.NOT_STARTED),
            "accountId": account_id, "lastUpdate": account.get("lastUpdate"),
            "reason": account.get("reason"), "hasQR": bool(state and state.qr)}


def pending_qr(runtime, account_id):
    """The QR payload waiting to be scanned (404 no_qr when none)."""
    get_account(runtime, account_id)
    worker = runtime.supervisor.get(account_id)
    state = worker.state() if worker else None
    if state is None or not state.qr or state.status != domain.CONNECTING:
        raise NoQr()
    return state.qr
