"""`Wildcat`: the hand-written way into the generated client.

Each method calls one generated endpoint function (wildcat_client.api.*), returns its parsed
model (or the one value worth having, e.g. a message id) and raises `WildcatError` — with the
typed `Error` model — for every error answer. Media downloads stream to a file. The generated
functions stay available through `Wildcat.client` for anything not wrapped here.
"""
from __future__ import annotations

import json
import mimetypes
import os
from collections.abc import Iterator
from email.message import Message as _Headers
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

import httpx

from .api.accounts import (accounts_account_status, accounts_connect, accounts_create_account,
                           accounts_delete_account, accounts_disconnect, accounts_get_account,
                           accounts_get_qr, accounts_get_qr_json, accounts_list_accounts,
                           accounts_logout, accounts_pair, accounts_update_account,
                           tokens_rotate_token)
from .api.chats import chats_chat_messages, chats_list_chats, chats_mark_read
from .api.system import cluster_events
from .api.messages import (messages_delete, messages_get_message, messages_react, messages_reply,
                           messages_send_media, messages_send_text)
from .api.webhooks import (webhooks_create_webhook, webhooks_delete_webhook,
                           webhooks_list_deliveries, webhooks_list_webhooks, webhooks_redeliver,
                           webhooks_update_webhook)
from .client import AuthenticatedClient, Client
from .models import (Account, AccountCreatedResponse, AccountStatusResponse, Chat, EventsPage,
                     ChatReadResponse, CreateAccount, CreateWebhook, CreateWebhookEventsItem,
                     Delete, Delivery, Error, Message, MessagesSendMediaBody,
                     MessagesSendMediaKind, Pair, QrJsonResponse, React, Reply, SendText,
                     UpdateAccount, UpdateWebhook, UpdateWebhookEventsItem, Webhook,
                     WebhookCreatedResponse, WebhooksListDeliveriesStatus, WebhookSummary)
from .types import UNSET, File, Response

MEDIA_KINDS = tuple(kind.value for kind in MessagesSendMediaKind)
CHUNK = 64 * 1024


class WildcatError(Exception):
    """An error answer from WILDCAT: `status`, `code` (snake_case), `message`, and `error`,
    the typed `Error` model (None when the body was not WILDCAT's error JSON)."""

    def __init__(self, status: int, error: Error | None, body: bytes = b"",
                 headers: dict[str, str] | None = None):
        self.status = status
        self.error = error
        self.headers = headers or {}
        self.code = error.code if error is not None else "unexpected_response"
        self.message = error.error if error is not None else body[:200].decode("utf-8", "replace")
        super().__init__(f"{status} {self.code}: {self.message}")

    @property
    def retry_after(self) -> str | None:
        """The Retry-After header of a 429 or 503, when the server gave one."""
        return self.headers.get("retry-after")


def _error_of(status: int, content: bytes, headers: httpx.Headers) -> WildcatError:
    try:
        error = Error.from_dict(json.loads(content))
    except (ValueError, KeyError, TypeError):
        error = None
    return WildcatError(status, error, content, {k.lower(): v for k, v in headers.items()})


def _result(response: Response[Any]) -> Any:
    """The parsed body of a 2xx answer, or WildcatError."""
    if 200 <= response.status_code < 300 and response.parsed is not None \
            and not isinstance(response.parsed, Error):
        return response.parsed
    raise _error_of(response.status_code, response.content, response.headers)


def _upload(media: str | os.PathLike | bytes | BinaryIO, file_name: str | None,
            mime_type: str | None) -> File:
    if isinstance(media, (str, os.PathLike)):
        path = Path(media)
        return File(payload=BytesIO(path.read_bytes()), file_name=file_name or path.name,
                    mime_type=mime_type or mimetypes.guess_type(path.name)[0]
                    or "application/octet-stream")
    payload = BytesIO(media) if isinstance(media, bytes) else media
    return File(payload=payload, file_name=file_name or "upload",
                mime_type=mime_type or "application/octet-stream")


class Wildcat:
    """A WILDCAT server: `Wildcat("http://localhost:3000", api_key="...")`.

    `api_key` is WILDCAT_API_KEY or an account's token (sent as `Authorization: Bearer`);
    leave it out when the server runs without one.
    """

    def __init__(self, base_url: str, api_key: str | None = None, *, timeout: float = 60.0,
                 httpx_args: dict[str, Any] | None = None):
        options = dict(base_url=base_url.rstrip("/"), timeout=httpx.Timeout(timeout),
                       httpx_args=httpx_args or {})
        self.client: AuthenticatedClient | Client = (
            AuthenticatedClient(token=api_key, **options) if api_key else Client(**options))

    def close(self) -> None:
        self.client.get_httpx_client().close()

    def __enter__(self) -> Wildcat:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- accounts ------------------------------------------------------------------------
    def create_account(self, account_id: str, name: str | None = None) -> AccountCreatedResponse:
        """Create an account; it starts logging in (QR). The response has its token, once."""
        body = CreateAccount(id=account_id, name=name if name is not None else UNSET)
        return _result(accounts_create_account.sync_detailed(client=self.client, body=body))

    def accounts(self) -> list[Account]:
        return _result(accounts_list_accounts.sync_detailed(client=self.client)).accounts

    def account(self, account_id: str) -> Account:
        return _result(accounts_get_account.sync_detailed(account_id, client=self.client)).account

    def rename_account(self, account_id: str, name: str) -> Account:
        return _result(accounts_update_account.sync_detailed(
            account_id, client=self.client, body=UpdateAccount(name=name))).account

    def delete_account(self, account_id: str) -> None:
        _result(accounts_delete_account.sync_detailed(account_id, client=self.client))

    def status(self, account_id: str) -> AccountStatusResponse:
        return _result(accounts_account_status.sync_detailed(account_id, client=self.client))

    def connect(self, account_id: str) -> None:
        _result(accounts_connect.sync_detailed(account_id, client=self.client))

    def disconnect(self, account_id: str) -> None:
        _result(accounts_disconnect.sync_detailed(account_id, client=self.client))

    def logout(self, account_id: str) -> None:
        _result(accounts_logout.sync_detailed(account_id, client=self.client))

    def pairing_code(self, account_id: str, phone: str) -> str:
        """A pairing code to type on the phone instead of scanning the QR."""
        return _result(accounts_pair.sync_detailed(account_id, client=self.client,
                                                   body=Pair(phone=phone))).code

    def qr(self, account_id: str) -> QrJsonResponse:
        """The pending login QR's payload (`.qr`), to render yourself."""
        return _result(accounts_get_qr_json.sync_detailed(account_id, client=self.client))

    def qr_png(self, account_id: str) -> bytes:
        """The pending login QR as a PNG image."""
        return _result(accounts_get_qr.sync_detailed(account_id, client=self.client)) \
            .payload.read()

    def rotate_token(self, account_id: str) -> str:
        return _result(tokens_rotate_token.sync_detailed(account_id, client=self.client)).token

    # -- messages ------------------------------------------------------------------------
    def send_text(self, account_id: str, to: str, text: str) -> str:
        """Send a text message; returns its message id."""
        return _result(messages_send_text.sync_detailed(
            account_id, client=self.client, body=SendText(to=to, message=text))).message_id

    def send_media(self, account_id: str, kind: str, to: str,
                   media: str | os.PathLike | bytes | BinaryIO, *, caption: str | None = None,
                   file_name: str | None = None, mime_type: str | None = None,
                   ptt: bool = False) -> str:
        """Send an image, video, audio or document (a path, bytes or an open binary file);
        returns the message id. `ptt=True` sends audio as a voice note."""
        if kind not in MEDIA_KINDS:
            raise ValueError(f"kind must be one of {', '.join(MEDIA_KINDS)}")
        body = MessagesSendMediaBody(to=to)
        setattr(body, kind, _upload(media, file_name, mime_type))
        if caption is not None:
            body.caption = caption
        if file_name is not None and kind == "document":
            body.file_name = file_name
        if ptt:
            body.ptt = True
        return _result(messages_send_media.sync_detailed(
            account_id, MessagesSendMediaKind(kind), client=self.client, body=body)).message_id

    def reply(self, account_id: str, to: str, text: str, quoted_message_id: str) -> str:
        body = Reply(to=to, message=text, quoted_message_id=quoted_message_id)
        return _result(messages_reply.sync_detailed(account_id, client=self.client,
                                                    body=body)).message_id

    def react(self, account_id: str, to: str, message_id: str, emoji: str) -> None:
        """React with `emoji` ("" removes the reaction)."""
        _result(messages_react.sync_detailed(account_id, client=self.client, body=React(
            to=to, message_id=message_id, emoji=emoji)))

    def delete_message(self, account_id: str, to: str, message_id: str) -> None:
        _result(messages_delete.sync_detailed(account_id, client=self.client,
                                              body=Delete(to=to, message_id=message_id)))

    def message(self, account_id: str, message_id: str) -> Message:
        return _result(messages_get_message.sync_detailed(account_id, message_id,
                                                          client=self.client)).message

    def download_media(self, account_id: str, message_id: str,
                       dest: str | os.PathLike) -> Path:
        """Stream a message's media (or a mediaId's) into `dest` (a file, or a directory
        where the server's file name is used); returns the file's path."""
        url = (f"/accounts/{quote(account_id, safe='')}/messages/"
               f"{quote(message_id, safe='')}/media")
        with self.client.get_httpx_client().stream("GET", url) as response:
            if response.status_code != 200:
                raise _error_of(response.status_code, response.read(), response.headers)
            path = Path(dest)
            if path.is_dir():
                path = path / _file_name(response, message_id)
            with open(path, "wb") as out:
                for chunk in response.iter_bytes(CHUNK):
                    out.write(chunk)
        return path

    # -- chats ---------------------------------------------------------------------------
    def chats(self, account_id: str, *, limit: int = 50, skip: int = 0) -> list[Chat]:
        return _result(chats_list_chats.sync_detailed(account_id, client=self.client,
                                                      limit=limit, skip=skip)).chats

    def chat_messages(self, account_id: str, chat_id: str, *, limit: int = 50, skip: int = 0,
                      before: int | None = None, after: int | None = None) -> list[Message]:
        """A chat's messages, newest first (`before`/`after`: exclusive epoch ms)."""
        return _result(chats_chat_messages.sync_detailed(
            account_id, chat_id, client=self.client, limit=limit, skip=skip,
            before=UNSET if before is None else before,
            after=UNSET if after is None else after)).messages

    def iter_chat_messages(self, account_id: str, chat_id: str, *,
                           page_size: int = 100) -> Iterator[Message]:
        """Every message of a chat, newest first, a page at a time (paged by timestamp, so
        messages arriving meanwhile do not shift the pages)."""
        before = None
        while True:
            page = self.chat_messages(account_id, chat_id, limit=page_size, before=before)
            yield from page
            if len(page) < page_size:
                return
            before = page[-1].timestamp

    def mark_read(self, account_id: str, chat_id: str) -> ChatReadResponse:
        return _result(chats_mark_read.sync_detailed(account_id, chat_id, client=self.client))

    # -- webhooks ------------------------------------------------------------------------
    def create_webhook(self, url: str, *, events: list[str] | None = None,
                       secret: str | None = None,
                       account_id: str | None = None) -> WebhookCreatedResponse:
        """Register a webhook (`created` is False when it was registered already with these
        settings; the same url with other settings is a 409 `webhook_exists`)."""
        body = CreateWebhook(
            url=url, secret=UNSET if secret is None else secret,
            account_id=UNSET if account_id is None else account_id,
            events=UNSET if events is None else [CreateWebhookEventsItem(e) for e in events])
        return _result(webhooks_create_webhook.sync_detailed(client=self.client, body=body))

    def update_webhook(self, webhook_id: str, *, url: str | None = None,
                       events: list[str] | None = None, secret: str | None = None,
                       enabled: bool | None = None) -> Webhook:
        """Change a webhook; only the arguments given are changed."""
        body = UpdateWebhook(
            url=UNSET if url is None else url, secret=UNSET if secret is None else secret,
            enabled=UNSET if enabled is None else enabled,
            events=UNSET if events is None else [UpdateWebhookEventsItem(e) for e in events])
        return _result(webhooks_update_webhook.sync_detailed(webhook_id, client=self.client,
                                                             body=body)).webhook

    def webhooks(self, account_id: str | None = None) -> list[WebhookSummary]:
        """Webhooks with their delivery counts (with account_id: its own and the global)."""
        return _result(webhooks_list_webhooks.sync_detailed(
            client=self.client,
            account_id=UNSET if account_id is None else account_id)).webhooks

    def delete_webhook(self, webhook_id: str) -> None:
        _result(webhooks_delete_webhook.sync_detailed(webhook_id, client=self.client))

    def deliveries(self, webhook_id: str, *, status: str | None = None, limit: int = 50,
                   skip: int = 0) -> list[Delivery]:
        """A webhook's deliveries, newest first (`status`: pending, delivered, failed)."""
        return _result(webhooks_list_deliveries.sync_detailed(
            webhook_id, client=self.client, limit=limit, skip=skip,
            status=UNSET if status is None else WebhooksListDeliveriesStatus(status))).deliveries

    def iter_deliveries(self, webhook_id: str, *, status: str | None = None,
                        page_size: int = 100) -> Iterator[Delivery]:
        """Every delivery of a webhook, newest first, a page at a time."""
        skip = 0
        while True:
            page = self.deliveries(webhook_id, status=status, limit=page_size, skip=skip)
            yield from page
            if len(page) < page_size:
                return
            skip += len(page)

    # -- the event log -----------------------------------------------------------------
    def events(self, *, after: int = 0, account_id: str | None = None,
               events: list[str] | None = None, limit: int = 100) -> EventsPage:
        """One page of the event log after cursor `after` (`page.next_` continues it)."""
        return _result(cluster_events.sync_detailed(
            client=self.client, after=after, limit=limit,
            account_id=UNSET if account_id is None else account_id,
            events=UNSET if not events else ",".join(events)))

    def iter_events(self, *, after: int = 0, account_id: str | None = None,
                    events: list[str] | None = None,
                    page_size: int = 100) -> Iterator[dict[str, Any]]:
        """Every logged event after cursor `after`, oldest first, each a dict with its
        `cursor` (resume later with `after=` the last one seen)."""
        while True:
            page = self.events(after=after, account_id=account_id, events=events,
                               limit=page_size)
            for item in page.events:
                yield item.to_dict()
            if not page.has_more or not page.events:
                return
            after = page.next_

    def redeliver(self, delivery_id: str) -> Delivery:
        return _result(webhooks_redeliver.sync_detailed(delivery_id,
                                                        client=self.client)).delivery


def _file_name(response: httpx.Response, fallback: str) -> str:
    """The file name of Content-Disposition (`filename*=UTF-8''…` or `filename=`), made safe."""
    header = _Headers()
    header["content-disposition"] = response.headers.get("content-disposition", "")
    name = header.get_filename() or fallback
    return os.path.basename(name.replace("\\", "/")) or fallback
