"""Eager download of inbound media into the blob store, bounded in size, time and threads."""
import io
import logging
import mimetypes
import threading

from wildcat import media

log = logging.getLogger(__name__)


def media_filename(doc: dict) -> str:
    """The file name a stored blob gets: the sender's (cleaned), else the message id plus
    extension."""
    if doc.get("fileName"):
        return media.safe_filename(doc["fileName"], doc.get("mimetype"), "file")
    ext = mimetypes.guess_extension((doc.get("mimetype") or "").split(";")[0].strip()) or ""
    return media.safe_filename(doc["messageId"] + ext, doc.get("mimetype"), "media")


class _Download:
    """One download running on a helper thread; `abandoned` once its waiter gave up."""

    def __init__(self):
        self.lock = threading.Lock()
        self.finished = threading.Event()
        self.abandoned = False
        self.data = None
        self.error = None


class MediaFetcher:
    """Downloads media for the inbound pipeline.

    The download runs on a short-lived helper thread while the account worker waits at most
    `wait` seconds, so a stuck media server never holds the account's queue for long. A
    download that outlives its wait is abandoned by the worker (the message is published
    with `hasMedia` and no `mediaId`; GET .../media retries) but still attaches its blob when
    it finishes. At most `max_late` abandoned downloads run at once; beyond that new
    messages skip the eager download.
    """

    def __init__(self, store, *, wait=30.0, max_late=4):
        self.store, self.wait, self.max_late = store, wait, max_late
        self._lock = threading.Lock()
        self._late = 0

    def attach(self, worker, doc, data=None):
        """Store the media of the stored message `doc`; return its mediaId, or None."""
        cap = worker.config.max_upload_bytes
        if data is None:
            if (doc.get("fileLength") or 0) > cap:
                log.warning("account %s: media of %s is over the size cap; not downloaded",
                            worker.account_id, doc["messageId"])
                return None
            data = self._download(worker, doc)
            if data is None:
                return None
        if len(data) > cap:
            log.warning("account %s: media of %s is over the size cap; not stored",
                        worker.account_id, doc["messageId"])
            return None
        return self._store(worker.account_id, doc, data)

    def _store(self, account_id, doc, data):
        # Sniffed like an upload: an "image" whose bytes are SVG is stored as SVG.
        mimetype = media.received_mimetype(data, doc.get("mimetype"), doc.get("fileName"))
        info = self.store.put_media(account_id, io.BytesIO(data), filename=media_filename(doc),
                                    mimetype=mimetype)
        fields = {"mediaId": info["mediaId"], "fileLength": info["length"]}
        if mimetype != doc.get("mimetype"):
            log.info("account %s: media of %s declared %s is %s", account_id,
                     doc["messageId"], ascii(doc.get("mimetype")), mimetype)
            fields["mimetype"] = doc["mimetype"] = mimetype
        self.store.update_message(account_id, doc["messageId"], fields)
        return info["mediaId"]

    def _download(self, worker, doc):
        download, account_id = worker.media_downloader(), worker.account_id
        if download is None:
            return None
        with self._lock:
            if self._late >= self.max_late:
                log.warning("account %s: %d slow media downloads pending; %s left for later",
                            account_id, self._late, doc["messageId"])
                return None
        job = _Download()
        cap = worker.config.max_upload_bytes
        threading.Thread(target=self._run, args=(job, download, account_id, doc, cap),
                         name=f"media-{account_id}", daemon=True).start()
        job.finished.wait(self.wait)
        with job.lock:
            if not job.finished.is_set():
                job.abandoned = True
                with self._lock:
                    self._late += 1
                log.warning("account %s: media download of %s still running after %.0fs; "
                            "publishing without it", account_id, doc["messageId"], self.wait)
                return None
        if job.error is not None:
            log.warning("account %s: media download of %s failed: %s", account_id,
                        doc["messageId"], job.error)
            return None
        return job.data

    def _run(self, job, download, account_id, doc, cap):
        try:
            data, error = download(doc), None
        except Exception as exc:   # noqa: BLE001 - reported to the waiter or logged
            data, error = None, exc
        with job.lock:
            job.data, job.error = data, error
            job.finished.set()
            abandoned = job.abandoned
        if abandoned:
            try:
                self._finish_late(account_id, doc, data, error, cap)
            finally:
                with self._lock:
                    self._late -= 1

    def _finish_late(self, account_id, doc, data, error, cap):
        if error is not None or data is None or len(data) > cap:
            log.warning("account %s: late media download of %s gave nothing: %s",
                        account_id, doc["messageId"], error)
            return
        current = self.store.get_message(account_id, doc["messageId"])
        if current is not None and not current.get("mediaId"):
            self._store(account_id, doc, data)
            log.info("account %s: late media of %s stored", account_id, doc["messageId"])
