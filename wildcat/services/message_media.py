"""Reading one stored message, and its media (downloaded again when the eager download
failed)."""
import logging

from wildcat.commands import Download
from wildcat.drivers.base import DriverError, NotConnected
from wildcat.errors import AccountNotConnected, MediaUnavailable, MessageNotFound, NoMedia
from wildcat.services.accounts import get_account, worker_for
from wildcat.services.message_shapes import media_url, public_message
from wildcat.services.outbound import open_own_media
from wildcat.services.sending import stored_message

log = logging.getLogger(__name__)


def message_view(runtime, account_id, message_id):
    """GET .../messages/:messageId: the stored message in the public shape."""
    get_account(runtime, account_id)
    msg = stored_message(runtime, account_id, message_id)
    view = public_message(msg)
    if view["hasMedia"]:
        view["mediaUrl"] = media_url(account_id, msg["messageId"])
    return view


def open_message_media(runtime, account_id, ident):
    """(message, opened MediaFile) for a message id or a mediaId; downloads again through
    the account's worker when the eager download failed (hasMedia without a stored blob)."""
    get_account(runtime, account_id)
    store = runtime.store
    msg = store.get_message(account_id, ident) or store.find_message_by_media_id(account_id, ident)
    if msg is None:
        raise MessageNotFound()
    if not msg.get("hasMedia"):
        raise NoMedia()
    blob = open_own_media(store, account_id, msg.get("mediaId"))
    if blob is None:
        media_id = _download_again(runtime, account_id, msg["messageId"])
        msg = store.get_message(account_id, msg["messageId"]) or msg
        blob = open_own_media(store, account_id, media_id)
        if blob is None:
            raise MediaUnavailable("The media could not be stored")
    return msg, blob


def _download_again(runtime, account_id, message_id):
    worker = worker_for(runtime, account_id)
    try:
        return worker.execute(Download(message_id=message_id))
    except NotConnected:
        raise AccountNotConnected("Account is not connected; the media must be downloaded "
                                  "again from WhatsApp") from None
    except DriverError as exc:
        log.warning("account %s: media of %s unavailable: %s", account_id, message_id, exc)
        raise MediaUnavailable(f"The media could not be downloaded: {str(exc)[:300]}") from None
