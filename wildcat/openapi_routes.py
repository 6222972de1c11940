"""What each route takes and returns, for the OpenAPI document (wildcat/openapi.py).

One entry per (METHOD, Flask rule). tests/test_openapi.py fails when a route of the URL map
has no entry here, so a new route cannot ship undocumented.
"""
from wildcat.openapi import BINARY, CHAT_ID_PATTERN, HTML, MESSAGE_ID_PATTERN, REDIRECT, Doc
from wildcat.schemas import responses as r
from wildcat.schemas.accounts import (ACCOUNT_ID, CreateAccountSchema, PairSchema, QrQuerySchema,
                                      UpdateAccountSchema)
from wildcat.schemas.chats import ChatMessagesQuerySchema, ChatsQuerySchema
from wildcat.schemas.dashboard import LoginSchema
from wildcat.schemas.messages import (DeleteSchema, ReactSchema, ReplySchema, SendAudioSchema,
                                      SendDocumentSchema, SendTextSchema)
from wildcat.schemas.sandbox import (FailConnectsSchema, HistorySchema, InboundFormSchema,
                                     InboundSchema, KickSchema, NetworkSchema, ReceiptSchema,
                                     RegisteredSchema, ScanSchema)
from wildcat.schemas.chat_extras import (CheckNumbersSchema, ContactsQuerySchema, EditSchema,
                                         PresenceSchema, SendContactSchema, SendLocationSchema,
                                         SendPollSchema, SendStickerSchema, StatusImageSchema,
                                         StatusTextSchema)
from wildcat.schemas.webhooks import (CreateWebhookSchema, DeliveriesQuerySchema,
                                      EventsQuerySchema,
                                      StreamQuerySchema, UpdateWebhookSchema,
                                      WebhooksQuerySchema)

PATH_PARAMS = {
    "account_id": {"description": "The account id", "schema": {
        "type": "string", "pattern": ACCOUNT_ID}},
    "chat_id": {"description": "A chat JID (or a phone number)", "schema": {
        "type": "string", "pattern": CHAT_ID_PATTERN, "maxLength": 128}},
    "message_id": {"description": "A message id (or a media id, for …/media)", "schema": {
        "type": "string", "pattern": MESSAGE_ID_PATTERN}},
    "kind": {"description": "The media type", "schema": {
        "type": "string", "enum": ["image", "video", "audio", "document"]}},
    "webhook_id": {"description": "The webhook id", "schema": {"type": "string"}},
    "jid": {"description": "A phone JID, a LID or +phone", "schema": {
        "type": "string", "pattern": CHAT_ID_PATTERN, "maxLength": 128}},
    "delivery_id": {"description": "The delivery id", "schema": {"type": "string"}},
    "filename": {"description": "A file name", "schema": {"type": "string"}},
}
# Media of any type; `application/octet-stream` first, so generators read it as bytes.
ANY_BINARY = {"application/octet-stream": {"schema": BINARY}, "*/*": {"schema": BINARY}}

def describe():
    return ("Self-hosted multi-account WhatsApp gateway. Every response is JSON "
            "`{ok: true, ...}`; every error `{ok: false, error, code, details?}`. With "
            "WILDCAT_API_KEY set, every route but `/ping` and the dashboard's login page needs "
            "`X-API-Key: <key>` or `Authorization: Bearer <key>`; an account's own token "
            "(returned once by `POST /accounts`) opens that account's routes only.")


A, C, M, W, S, SYS, UI = ("Accounts", "Chats", "Messages", "Webhooks", "Sandbox", "System",
                          "Dashboard")
_conn = dict(tag=A, ok=r.ConnectionResponse, errors=(409, 502))
_sandbox = dict(tag=S, errors=(409,), description="Sandbox driver only.")

ROUTES = {
    # -- system ----------------------------------------------------------------------------
    ("GET", "/ping"): Doc("Liveness: the process answers", SYS, r.PingResponse, public=True),
    ("GET", "/health"): Doc(
        "Health: the store answers, the supervisor and dispatcher threads are alive", SYS,
        r.HealthResponse, errors=(503,),
        description="`accounts` counts accounts by live status; `keepaliveTimeout` counts "
        "those that said connected but stopped hearing from WhatsApp."),
    ("GET", "/cluster"): Doc(
        "The instances sharing this store (processes and servers), what each owns", SYS,
        r.ClusterResponse, description="Admin key only. An instance is alive while it "
        "beats within one WILDCAT_LEASE_TTL; a dead one is purged by the survivors."),
    ("GET", "/events"): Doc(
        "The event log: every account's events after a cursor, oldest first", SYS,
        r.EventsPage, query=EventsQuerySchema, description="Admin key only. Kept "
        "WILDCAT_EVENT_RETENTION_HOURS (24). Page with `next`; hand the last cursor to "
        "`/ws?after=` to go on live without a gap."),
    ("GET", "/metrics"): Doc("Prometheus metrics (text exposition format 0.0.4)", SYS,
                             {"text/plain": {"schema": {"type": "string"}}}),
    ("GET", "/openapi.json"): Doc("This OpenAPI document", SYS,
                                  {"application/json": {"schema": {"type": "object"}}}),
    ("GET", "/docs"): Doc("Swagger UI", SYS, HTML, extra={303: REDIRECT}),
    ("GET", "/docs/<path:filename>"): Doc(
        "Swagger UI's assets (from the swagger-ui-bundle package)", SYS,
        {"application/javascript": {"schema": {"type": "string"}},
         "text/javascript": {"schema": {"type": "string"}},
         "text/css": {"schema": {"type": "string"}}}, errors=(404,),
        description="JavaScript is `text/javascript` or `application/javascript`, as the "
                    "host's MIME table names it."),
    # -- accounts --------------------------------------------------------------------------
    ("POST", "/accounts"): Doc(
        "Create an account and start its login (QR)", A, r.AccountCreatedResponse, 201,
        CreateAccountSchema, example={"id": "mybot", "name": "My WhatsApp Bot"},
        errors=(409,), description="The response carries the account's own API token, "
        "once; only its SHA-256 is stored. 409 `collection_in_use`: the collectionName is "
        "another account's; 503 `account_capacity`: this server holds as many accounts as "
        "it can."),
    ("GET", "/accounts"): Doc("List accounts with their live status", A,
                              r.AccountListResponse),
    ("GET", "/accounts/<account_id>"): Doc("One account", A, r.AccountResponse),
    ("PATCH", "/accounts/<account_id>"): Doc(
        "Change the account's settings: name, proxy, sendPolicy", A, r.AccountResponse,
        body=UpdateAccountSchema, errors=(409, 503, 504),
        example={"name": "Support line", "proxy": "socks5://user:pass@203.0.113.7:1080",
                 "sendPolicy": {"typing": True, "minDelayMs": 2000, "maxDelayMs": 6000,
                                "dailyLimit": 500}},
        description="Changing the proxy reconnects the account through it (the password "
        "is never returned: `proxy` shows `***`). sendPolicy null turns pacing off."),
    ("DELETE", "/accounts/<account_id>"): Doc(
        "Delete an account: its messages, media, webhooks, session; unlinks the device", A,
        r.MessageResponse, account_scoped=False, description="Admin key only."),
    ("GET", "/accounts/<account_id>/status"): Doc("Connection status", A,
                                                  r.AccountStatusResponse),
    ("POST", "/accounts/<account_id>/connect"): Doc("Connect (a QR appears if needed)",
                                                    **_conn),
    ("POST", "/accounts/<account_id>/disconnect"): Doc(
        "Disconnect, keeping the session (reconnecting needs no QR)", **_conn),
    ("POST", "/accounts/<account_id>/logout"): Doc("Log out: unlink the device", **_conn),
    ("POST", "/accounts/<account_id>/pair"): Doc(
        "Log in with a pairing code instead of a QR", A, r.PairResponse, body=PairSchema,
        example={"phone": "919876543210"},
        errors=(409, 502)),
    ("GET", "/accounts/<account_id>/qr"): Doc(
        "The pending login QR: PNG, or ?format=svg|txt|json", A,
        {"image/png": {"schema": BINARY}, "image/svg+xml": {"schema": {"type": "string"}},
         "text/plain": {"schema": {"type": "string"}},
         "application/json": {"schema": r.QrJsonResponse}}, query=QrQuerySchema,
        description="The body's type follows `format`: a PNG image by default. Clients that "
                    "want the QR payload as JSON in one type call `GET …/qr.json`."),
    ("GET", "/accounts/<account_id>/qr.json"): Doc(
        "The pending login QR's payload as JSON (render it yourself)", A, r.QrJsonResponse),
    ("POST", "/accounts/<account_id>/token"): Doc(
        "Rotate the account's API token (the old one stops working)", A, r.TokenResponse,
        account_scoped=False, description="Admin key only. The token is shown once."),
    # -- messages --------------------------------------------------------------------------
    ("POST", "/accounts/<account_id>/message/send"): Doc(
        "Send a text message", M, r.MessageIdResponse, body=SendTextSchema,
        example={"to": "919876543210@s.whatsapp.net", "message": "Hello! How are you?"},
        errors=(409, 429, 502)),
    ("POST", "/accounts/<account_id>/message/send/<kind>"): Doc(
        "Send an image, video, audio or document (multipart)", M, r.MessageIdResponse,
        body=SendDocumentSchema, body_type="multipart",
        optional_files=("image", "video", "audio", "document"),
        form_extra={"ptt": {"type": "boolean", "description": "audio: send as a voice note"}},
        errors=(409, 413, 415, 429, 502, 503),
        description="The file goes in the field named like the kind (`image`, `video`, "
                    "`audio` or `document`; exactly one). Fields: `to`; `caption` (image, "
                    "video, document); `fileName` (document); " +
                    f"audio takes only {', '.join(SendAudioSchema().fields)}."),
    ("POST", "/accounts/<account_id>/message/reply"): Doc(
        "Reply to (quote) a message", M, r.MessageIdResponse, body=ReplySchema,
        example={"to": "919876543210@s.whatsapp.net", "message": "Thanks!",
                 "quotedMessageId": "3EB0QUOTED123ID"},
        errors=(409, 429, 502)),
    ("POST", "/accounts/<account_id>/message/react"): Doc(
        "React to a message with an emoji (empty emoji removes it)", M, r.MessageResponse,
        body=ReactSchema, errors=(409, 429, 502), example={
            "to": "919876543210@s.whatsapp.net", "messageId": "3EB0123ABCD456EF",
            "emoji": "\U0001f44d"}),
    ("POST", "/accounts/<account_id>/message/delete"): Doc(
        "Delete a message for everyone", M, r.MessageResponse, body=DeleteSchema,
        example={"to": "919876543210@s.whatsapp.net", "messageId": "3EB0123ABCD456EF"},
        errors=(403, 409, 429, 502)),
    ("GET", "/accounts/<account_id>/messages/<message_id>"): Doc(
        "One stored message", M, r.MessageViewResponse),
    ("GET", "/accounts/<account_id>/messages/<message_id>/media"): Doc(
        "A message's media, streamed (HTTP Range supported)", M,
        ANY_BINARY, errors=(409, 416, 502), extra={206: {
            "description": "Partial content (Range)", "content": ANY_BINARY}},
        description="The body is the media's bytes with its own `Content-Type` (e.g. "
                    "`image/jpeg`); `application/octet-stream` when it is not known."),
    # -- chat extras (issue 11) ------------------------------------------------------------
    ("POST", "/accounts/<account_id>/message/send/location"): Doc(
        "Send a location", M, r.MessageIdResponse, body=SendLocationSchema,
        errors=(409, 429, 502), example={
            "to": "919876543210@s.whatsapp.net", "latitude": 52.5163, "longitude": 13.3777,
            "name": "Brandenburg Gate", "address": "Pariser Platz, Berlin"},
        description="`latitude` in [-90, 90], `longitude` in [-180, 180]."),
    ("POST", "/accounts/<account_id>/message/send/contact"): Doc(
        "Send contact cards (WILDCAT builds the vCards)", M, r.MessageIdResponse,
        body=SendContactSchema, errors=(409, 429, 502), example={
            "to": "919876543210@s.whatsapp.net",
            "contacts": [{"name": "Ann Smith", "phone": "+15551230001"}]},
        description="1 to 20 cards; `phone` in international form."),
    ("POST", "/accounts/<account_id>/message/send/poll"): Doc(
        "Send a poll", M, r.MessageIdResponse, body=SendPollSchema, errors=(409, 429, 502),
        example={"to": "919876543210@s.whatsapp.net", "question": "Lunch?",
                 "options": ["Pizza", "Sushi", "Salad"], "multiple": False},
        description="2 to 12 distinct options. Votes arrive as `poll.vote` events; "
                    "GET …/messages/:id shows the current tally under `poll`."),
    ("POST", "/accounts/<account_id>/message/send/sticker"): Doc(
        "Send a sticker (multipart `sticker`: PNG, JPEG, GIF or WebP)", M,
        r.MessageIdResponse, body=SendStickerSchema, body_type="multipart",
        files=("sticker",), errors=(409, 413, 415, 429, 502),
        description="Converted to a 512x512 WebP (scaled to fit, transparent margins; the "
                    "first frame of an animation). Other file types: 415."),
    ("POST", "/accounts/<account_id>/message/edit"): Doc(
        "Edit one of your own text messages", M, r.MessageResponse, body=EditSchema,
        errors=(403, 409, 429, 502), example={
            "to": "919876543210@s.whatsapp.net", "messageId": "3EB0123ABCD456EF",
            "message": "Corrected text"},
        description="Only your own text messages, in the chat `to`, within 15 minutes of "
                    "sending (403 `cannot_edit`); the stored text is "
                    "updated, `editedAt` set and `message.edited` published."),
    ("POST", "/accounts/<account_id>/presence"): Doc(
        "Show typing / recording / paused in a chat, or set available / unavailable", M,
        r.OkResponse, body=PresenceSchema, errors=(409, 502),
        example={"to": "919876543210@s.whatsapp.net", "state": "composing"},
        description="`composing`, `recording` and `paused` need `to`; `available` and "
                    "`unavailable` take none."),
    ("POST", "/accounts/<account_id>/contacts/check"): Doc(
        "Which numbers are on WhatsApp", C, r.NumberCheckResponse, body=CheckNumbersSchema,
        errors=(409, 502), example={"phones": ["+919876543210", "+15551230001"]},
        description="1 to 50 numbers. `jid` and `lid` are null when a number does not exist; "
                    "what exists is remembered as a contact (and its LID pairing learned)."),
    ("GET", "/accounts/<account_id>/contacts"): Doc(
        "Stored contacts, by JID descending (`before`: the last jid of the previous page)",
        C, r.ContactsResponse, query=ContactsQuerySchema),
    ("GET", "/accounts/<account_id>/contacts/<jid>"): Doc(
        "One contact, with WhatsApp's picture URL and about text", C, r.ContactResponse,
        errors=(400, 409, 502), description="`jid`: a phone JID, a LID or `+phone`. 404 "
        "`contact_not_found` when the number is not on WhatsApp."),
    ("POST", "/accounts/<account_id>/contacts/<jid>/block"): Doc(
        "Block a contact", C, r.OkResponse, errors=(400, 409, 502)),
    ("POST", "/accounts/<account_id>/contacts/<jid>/unblock"): Doc(
        "Unblock a contact", C, r.OkResponse, errors=(400, 409, 502)),
    ("POST", "/accounts/<account_id>/status/send/text"): Doc(
        "Post a text status (status@broadcast)", M, r.MessageIdResponse, body=StatusTextSchema,
        errors=(409, 429, 502), example={"text": "Open 9-5 today", "backgroundColor": "#1E88E5"}),
    ("POST", "/accounts/<account_id>/status/send/image"): Doc(
        "Post an image status (multipart `image`, `caption?`)", M, r.MessageIdResponse,
        body=StatusImageSchema, body_type="multipart", files=("image",),
        errors=(409, 413, 415, 429, 502)),
    # -- chats -----------------------------------------------------------------------------
    ("GET", "/accounts/<account_id>/chats"): Doc("Chats, newest activity first", C,
                                                 r.ChatsResponse, query=ChatsQuerySchema),
    ("GET", "/accounts/<account_id>/chats/<chat_id>/messages"): Doc(
        "A chat's messages, newest first", C, r.MessagesResponse,
        query=ChatMessagesQuerySchema(exclude=("chatId",))),
    ("POST", "/accounts/<account_id>/chats/<chat_id>/read"): Doc(
        "Mark a chat read (sends read receipts)", C, r.ChatReadResponse, errors=(409, 502)),
    # -- webhooks --------------------------------------------------------------------------
    ("POST", "/webhooks"): Doc(
        "Register a webhook (201 created, 200 when registered already with these settings)",
        W, r.WebhookCreatedResponse, 201, CreateWebhookSchema, errors=(404, 409),
        example={"url": "https://your-app.com/whatsapp-webhook", "events": ["message"]},
        extra={200: {"description": "Already registered",
                     "content": {"application/json": {"schema": r.WebhookCreatedResponse}}}},
        description="Admin key only, also for webhooks scoped to one account (accountId). "
                    "The same url (and accountId) with other events or secret is 409 "
                    "`webhook_exists` with `details.id`: change it with PATCH."),
    ("GET", "/webhooks"): Doc(
        "List webhooks with their delivery counts and latest error (with accountId: its own "
        "and the global ones)", W, r.WebhooksResponse, query=WebhooksQuerySchema),
    ("PATCH", "/webhooks/<webhook_id>"): Doc(
        "Change a webhook's url, accountId, events, secret or enabled", W, r.WebhookResponse,
        body=UpdateWebhookSchema, errors=(404, 409),
        example={"events": ["message", "message.ack"], "enabled": False},
        description="Only the fields given change; `accountId: null` makes it global, "
                    "`secret: null` removes its own secret. A disabled webhook keeps "
                    "collecting deliveries (pending) and sends none until it is enabled. "
                    "409 `webhook_exists` when another webhook has the new url (and accountId)."),
    ("DELETE", "/webhooks/<webhook_id>"): Doc("Delete a webhook and its deliveries", W,
                                              r.WebhookDeletedResponse, errors=(404,)),
    ("GET", "/webhooks/<webhook_id>/deliveries"): Doc(
        "A webhook's deliveries, newest first (?status=failed for its failures)", W,
        r.DeliveriesResponse, query=DeliveriesQuerySchema, errors=(404,)),
    ("POST", "/webhooks/deliveries/<delivery_id>/redeliver"): Doc(
        "Queue a delivery again", W, r.DeliveryResponse, errors=(404, 409)),
    ("GET", "/ws"): Doc(
        "WebSocket stream of every event (the webhook JSON), upgrade required", W,
        None, 101, query=StreamQuerySchema, errors=(404, 503),
        description="A WebSocket handshake (RFC 6455), not a request an HTTP client can "
        "answer: open it with a WebSocket client. Browsers pass `?apiKey=`. An account token "
        "works with `?accountId=<its account>`. Without an Upgrade header the answer is 400."),
    # -- sandbox ---------------------------------------------------------------------------
    ("POST", "/sandbox/accounts/<account_id>/scan"): Doc(
        "Play the phone: scan the pending QR", ok=r.ScanResponse, body=ScanSchema,
        example={"phone": "15550001111"},
        **_sandbox),
    ("POST", "/sandbox/accounts/<account_id>/inbound"): Doc(
        "Inject a message received from WhatsApp (JSON; multipart with a `media` file)",
        ok=r.InboundResponse, body=InboundSchema,
        form_variant=(InboundFormSchema, ("media",)), **{**_sandbox, "description":
            "Sandbox driver only. Types also: `location` (latitude, longitude, name?, address?), "
            "`contact` (contacts), `poll` (question, options, multiple?), `poll_vote` "
            "(messageId, options), `sticker` (multipart), `presence` (state) and `call` "
            "(isVideo?; answers `callId`). `fromLid` sends from a LID: with `from`, a LID "
            "whose phone WhatsApp reveals; without, a LID alone."},
        example={"from": "919876543210@s.whatsapp.net", "text": "Hello!"}),
    ("POST", "/sandbox/accounts/<account_id>/receipt"): Doc(
        "Inject a delivery/read receipt", ok=r.OkResponse, body=ReceiptSchema, **_sandbox),
    ("POST", "/sandbox/accounts/<account_id>/history"): Doc(
        "Inject a history-sync batch", ok=r.HistoryResponse, body=HistorySchema, **_sandbox),
    ("POST", "/sandbox/accounts/<account_id>/registered"): Doc(
        "Set which numbers are on WhatsApp (and their LIDs)", ok=r.RegisteredResponse,
        body=RegisteredSchema, **_sandbox, example={
            "phones": ["+919876543210"], "lids": {"+919876543210": "123456789012345@lid"}}),
    ("POST", "/sandbox/accounts/<account_id>/drop"): Doc(
        "Lose the connection (then reconnect by the normal path)", **_sandbox),
    ("POST", "/sandbox/accounts/<account_id>/network"): Doc(
        "Make WhatsApp's servers unreachable for the account (connects fail with a DNS "
        "error, the connection drops) or reachable again", ok=r.OkResponse,
        body=NetworkSchema, example={"reachable": False}, **_sandbox),
    ("POST", "/sandbox/accounts/<account_id>/unlink"): Doc(
        "The phone removed the device (logged_out)", **_sandbox),
    ("GET", "/sandbox/accounts/<account_id>/sent"): Doc(
        "What the simulated network received from the account", S, r.SentResponse,
        description="Sandbox driver only. Each record has `at` (epoch ms); typing "
        "indicators are records of type `presence`."),
    ("GET", "/sandbox/accounts/<account_id>/connections"): Doc(
        "The account's connect attempts: when, through which proxy (password masked), "
        "with what outcome", S, r.ConnectionsResponse, description="Sandbox driver only."),
    ("POST", "/sandbox/accounts/<account_id>/fail-connects"): Doc(
        "Make every connect of the account fail with `error` until cleared", ok=r.OkResponse,
        body=FailConnectsSchema, **_sandbox),
    ("DELETE", "/sandbox/accounts/<account_id>/fail-connects"): Doc(
        "Let the account's connects succeed again", ok=r.OkResponse, **_sandbox),
    ("POST", "/sandbox/accounts/<account_id>/kick"): Doc(
        "WhatsApp ends the connection for good: stream_replaced, temporary_ban (with "
        "expireSeconds) or client_outdated", ok=r.OkResponse, body=KickSchema,
        example={"reason": "temporary_ban", "expireSeconds": 3600}, **_sandbox),
    # -- dashboard -------------------------------------------------------------------------
    ("GET", "/"): Doc("The front door: redirects (302) to /dashboard", UI, None, 302,
                      public=True),
    ("GET", "/favicon.ico"): Doc("The icon browsers show in the tab", UI,
                                 {"image/x-icon": {"schema": {"type": "string",
                                                              "format": "binary"}}},
                                 public=True),
    ("GET", "/dashboard"): Doc(
        "The operator's dashboard (HTML)", UI, HTML, extra={303: REDIRECT},
        description="A browser without a session is sent to the login page (303). "
                    "`?apiKey=<key>` signs the browser in and redirects to drop the key."),
    ("GET", "/dashboard/login"): Doc("The dashboard's login page", UI, HTML, public=True,
                                     extra={303: REDIRECT}),
    ("POST", "/dashboard/login"): Doc(
        "Sign in with the API key or an account token (that account only): sets an HttpOnly "
        "session cookie", UI, None, 303,
        LoginSchema, "form", public=True,
        extra={401: {"description": "Wrong key (the login page again)", "content": HTML}}),
    ("POST", "/dashboard/logout"): Doc("Sign out (clears the session cookie)", UI, None, 303,
                                       public=True),
    ("GET", "/dashboard/static/<path:filename>"): Doc(
        "The dashboard's CSS and JavaScript", UI,
        {"text/css": {"schema": {"type": "string"}},
         "text/javascript": {"schema": {"type": "string"}}}, public=True, errors=(404,)),
}

# -- groups (issue 12) ---------------------------------------------------------------------
from wildcat.openapi_groups import GROUP_ID_PARAM, GROUP_ROUTES  # noqa: E402

PATH_PARAMS["group_id"] = GROUP_ID_PARAM
ROUTES.update(GROUP_ROUTES)
