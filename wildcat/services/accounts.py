"""Account use cases: create, read, delete, connect, disconnect, log out, pair, QR."""
import logging

from wildcat.drivers.base import DriverError, NotConnected
from wildcat.errors import AccountExists, AccountNotFound, ApiError, Conflict, NotFound
from wildcat.store.base import DuplicateKey
from workers.account_worker import CONNECTING, NOT_STARTED, iso_now

log = logging.getLogger(__name__)

PUBLIC_FIELDS = ("_id", "name", "collectionName", "status", "createdAt", "lastUpdate",
                 "reason", "lastError", "jid", "pushName")


def public_view(account, worker):
    """The account as the API shows it: stored fields plus the live state."""
    view = {k: account[k] for k in PUBLIC_FIELDS if account.get(k) is not None}
    view.setdefault("name", None)
    view["currentStatus"] = worker.current_status if worker else NOT_STARTED
    view["hasQR"] = bool(worker and worker.qr)
    return view


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
        raise Conflict("The account's worker is not running on this instance",
                       code="account_unavailable")
    return worker


def create_account(runtime, data):
    account_id = data["id"]
    account = {"_id": account_id, "name": data.get("name"),
               "collectionName": data.get("collectionName") or f"auth_{account_id}",
               "status": NOT_STARTED, "createdAt": iso_now(), "lastUpdate": iso_now()}
    try:
        runtime.store.create_account(account)
    except DuplicateKey:
        raise AccountExists() from None
    worker = runtime.supervisor.add(account_id)
    try:
        worker.connect()
    except DriverError as exc:
        log.warning("account %s: first connect failed: %s", account_id, exc)
    return public_view(runtime.store.get_account(account_id) or account, worker)


def list_accounts(runtime):
    return [public_view(a, runtime.supervisor.get(a["_id"]))
            for a in runtime.store.list_accounts()]


def account_view(runtime, account_id):
    return public_view(get_account(runtime, account_id), runtime.supervisor.get(account_id))


def delete_account(runtime, account_id):
    get_account(runtime, account_id)
    runtime.supervisor.remove(account_id)
    runtime.store.delete_account(account_id)


def _drive(runtime, account_id, action):
    worker = worker_for(runtime, account_id)
    try:
        return action(worker)
    except NotConnected as exc:
        raise Conflict(str(exc), code="invalid_state") from None
    except DriverError as exc:
        raise ApiError(str(exc), status=502, code="driver_error") from None


def connect(runtime, account_id):
    return _drive(runtime, account_id, lambda w: w.connect())


def disconnect(runtime, account_id):
    return _drive(runtime, account_id, lambda w: w.disconnect())


def logout(runtime, account_id):
    return _drive(runtime, account_id, lambda w: w.logout())


def pair(runtime, account_id, phone):
    return _drive(runtime, account_id, lambda w: w.pair(phone.lstrip("+")))


def status(runtime, account_id):
    account = get_account(runtime, account_id)
    worker = runtime.supervisor.get(account_id)
    return {"status": worker.current_status if worker else account.get("status", NOT_STARTED),
            "accountId": account_id, "lastUpdate": account.get("lastUpdate"),
            "reason": account.get("reason"), "hasQR": bool(worker and worker.qr)}


def pending_qr(runtime, account_id):
    """The QR payload waiting to be scanned (404 no_qr when none)."""
    get_account(runtime, account_id)
    worker = runtime.supervisor.get(account_id)
    if worker is None or not worker.qr or worker.current_status != CONNECTING:
        raise NotFound("No QR code is pending for this account", code="no_qr")
    return worker.qr
