"""Response shapes, for the OpenAPI document only (views build their bodies with jsonify).

Every response schema allows keys it does not name (`unknown = INCLUDE`), so an additive
field never breaks a client; the named keys and their types are the contract.
"""
from marshmallow import INCLUDE, Schema, fields, validate

from wildcat import domain



class Open(Schema):
    class Meta:
        unknown = INCLUDE


def _ok():
    return fields.Boolean(required=True, validate=validate.Equal(True),
                          metadata={"description": "Always true on success"})


class ErrorResponse(Open):
    """Every error: `{ok: false, error, code, details?}`."""
    ok = fields.Boolean(required=True, validate=validate.Equal(False))
    error = fields.String(required=True, metadata={"description": "A message for humans"})
    code = fields.String(required=True, metadata={"description": "snake_case, for programs"})
    details = fields.Raw(metadata={"description": "Field errors, health checks, …"})


class OkResponse(Open):
    ok = _ok()


class MessageResponse(OkResponse):
    message = fields.String(required=True)


class PingResponse(OkResponse):
    pong = fields.Boolean(required=True)
    time = fields.String(required=True, metadata={"format": "date-time"})


class AccountCounts(Open):
    total = fields.Integer(required=True)
    keepaliveTimeout = fields.Integer(metadata={
        "description": "Accounts shown `reconnecting` because WhatsApp stopped answering "
        "their keepalives while they said connected"})


class HealthResponse(OkResponse):
    instance = fields.String(required=True, metadata={"description": "The answering instance"})
    status = fields.String(required=True, validate=validate.Equal("ok"))
    time = fields.String(required=True)
    store = fields.String(required=True, validate=validate.Equal("ok"))
    supervisor = fields.String(required=True, validate=validate.Equal("alive"))
    dispatcher = fields.String(required=True, validate=validate.Equal("alive"))
    accounts = fields.Nested(AccountCounts)


class ClusterInstance(Open):
    id = fields.String(required=True)
    address = fields.String(allow_none=True, metadata={
        "description": "Where other instances forward live-connection requests"})
    startedAt = fields.String(allow_none=True, metadata={"format": "date-time"})
    heartbeatAt = fields.String(required=True, metadata={"format": "date-time"})
    alive = fields.Boolean(required=True, metadata={
        "description": "Beat within one WILDCAT_LEASE_TTL"})
    self = fields.Boolean(required=True, metadata={"description": "The instance answering"})
    accountsOwned = fields.Integer(required=True)
    accounts = fields.List(fields.String(), required=True)


class ClusterAccounts(Open):
    total = fields.Integer(required=True)
    owned = fields.Integer(required=True)
    unowned = fields.Integer(required=True)


class ClusterResponse(OkResponse):
    instance = fields.String(required=True, metadata={"description": "The answering instance"})
    instances = fields.List(fields.Nested(ClusterInstance), required=True)
    accounts = fields.Nested(ClusterAccounts, required=True)


class EventsPage(OkResponse):
    events = fields.List(fields.Dict(), required=True, metadata={
        "description": "Events in cursor order, each the webhook body plus its `cursor`"})
    next = fields.Integer(required=True, metadata={
        "description": "Pass as `after` for the next page (or to /ws?after=)"})
    hasMore = fields.Boolean(required=True)


class Account(Open):
    _id = fields.String(required=True, data_key="_id")
    name = fields.String(required=True, allow_none=True)
    collectionName = fields.String()
    status = fields.String(validate=validate.OneOf(domain.ACCOUNT_STATUSES))
    currentStatus = fields.String(required=True, validate=validate.OneOf(domain.ACCOUNT_STATUSES))
    hasQR = fields.Boolean(required=True)
    createdAt = fields.String()
    lastUpdate = fields.String()
    reason = fields.String(metadata={"description": "Why it is in this status (README)"})
    lastError = fields.String()
    errorKind = fields.String(metadata={"description": "The kind of lastError"})
    attempts = fields.Integer(metadata={
        "description": "Failed connect attempts since the last connection"})
    nextRetryAt = fields.String(metadata={"description": "When the next attempt dials"})
    until = fields.String(metadata={"description": "End of a temporary ban"})
    banCode = fields.String()
    jid = fields.String(metadata={"description": "Own JID once connected"})
    pushName = fields.String()
    connectedAt = fields.String(metadata={"description": "When it last became connected"})
    explanation = fields.String(metadata={
        "description": "The status, its reason and lastError in words, for operators"})
    owner = fields.String(allow_none=True, metadata={
        "description": "The instance holding the account's lease (null: none holds it)"})
    proxy = fields.String(allow_none=True, metadata={
        "description": "The account's proxy, password masked (***)"})
    sendPolicy = fields.Dict(metadata={
        "description": "{typing, minDelayMs, maxDelayMs, dailyLimit} or absent"})
    lastSeenAt = fields.String(metadata={
        "format": "date-time", "description": "Last event heard from WhatsApp for this account (known "
        "on the instance that runs it)"})
    rejectCalls = fields.Boolean(metadata={"description": "Incoming calls are declined"})


class AccountResponse(OkResponse):
    account = fields.Nested(Account, required=True)


class AccountCreatedResponse(AccountResponse):
    token = fields.String(required=True, metadata={
        "description": "The account's own API token. Shown once: only its hash is stored."})


class AccountListResponse(OkResponse):
    accounts = fields.List(fields.Nested(Account), required=True)


class AccountStatusResponse(OkResponse):
    status = fields.String(required=True, validate=validate.OneOf(domain.ACCOUNT_STATUSES))
    accountId = fields.String(required=True)
    lastUpdate = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    hasQR = fields.Boolean()


class ConnectionResponse(MessageResponse):
    status = fields.String(allow_none=True)


class PairResponse(OkResponse):
    code = fields.String(required=True, metadata={"description": "Type it on the phone"})


class QrJsonResponse(OkResponse):
    accountId = fields.String(required=True)
    qr = fields.String(required=True, metadata={"description": "The QR payload"})


class TokenResponse(OkResponse):
    accountId = fields.String(required=True)
    token = fields.String(required=True, metadata={"description": "Shown once"})


# -- sandbox -----------------------------------------------------------------------------
class ScanResponse(OkResponse):
    jid = fields.String(required=True)


class MessageIdResponse(OkResponse):
    messageId = fields.String(required=True)


class HistoryResponse(OkResponse):
    chats = fields.Integer(required=True)
    messages = fields.Integer(required=True)


class SentItem(Open):
    type = fields.String()
    to = fields.String(allow_none=True)


class SentResponse(OkResponse):
    sent = fields.List(fields.Nested(SentItem), required=True)


class ConnectAttempt(Open):
    at = fields.Integer(required=True, metadata={"description": "Epoch ms"})
    proxy = fields.String(allow_none=True, metadata={
        "description": "The proxy it connected through (password masked)"})
    outcome = fields.String(validate=validate.OneOf(["connected", "qr", "failed"]))


class ConnectionsResponse(OkResponse):
    connections = fields.List(fields.Nested(ConnectAttempt), required=True)


# -- messages and chats ------------------------------------------------------------------
class Message(Open):
    """A stored message (keys without a value are left out)."""
    messageId = fields.String(required=True)
    chatId = fields.String()
    sender = fields.String(data_key="from", metadata={
        "description": "Who sent it (in a group: the participant)"})
    timestamp = fields.Integer(required=True, metadata={"description": "Epoch milliseconds"})
    type = fields.String(required=True, metadata={
        "description": "text, image, video, audio, voice, document, sticker, …"})
    fromMe = fields.Boolean(required=True)
    isGroup = fields.Boolean()
    pushName = fields.String(metadata={"description": "The sender's WhatsApp name"})
    hasMedia = fields.Boolean(required=True)
    text = fields.String()
    caption = fields.String()
    quotedMessageId = fields.String(metadata={"description": "The message this one replies to"})
    mediaId = fields.String(metadata={"description": "The stored media (absent until stored)"})
    mediaUrl = fields.String(metadata={"description": "Where GET downloads the media"})
    mimetype = fields.String()
    fileName = fields.String()
    fileLength = fields.Integer(metadata={"description": "Media size in bytes"})
    status = fields.String(validate=validate.OneOf(("received", *domain.MESSAGE_STATUSES)))
    reactions = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "Each reactor's JID and their emoji"})
    deleted = fields.Boolean()
    edited = fields.Boolean()
    # issue 11
    editedAt = fields.Integer(metadata={"description": "When it was last edited (ms)"})
    fromLid = fields.String(allow_none=True, metadata={"description": "The author's LID"})
    fromPhone = fields.String(allow_none=True, metadata={"description": "The author's E.164"})
    location = fields.Dict(metadata={"description": "{latitude, longitude, name, address}"})
    contacts = fields.List(fields.Dict(), metadata={"description": "[{name, phone}]"})
    poll = fields.Dict(metadata={
        "description": "{question, multiple, options: [{name, voters: [jid]}]} (the tally)"})


class MessageViewResponse(OkResponse):
    message = fields.Nested(Message, required=True)


class MessagesResponse(OkResponse):
    messages = fields.List(fields.Nested(Message), required=True)


class LastMessage(Open):
    """The preview of a chat's newest message."""
    messageId = fields.String(required=True)
    sender = fields.String(data_key="from", allow_none=True)
    fromMe = fields.Boolean(required=True)
    type = fields.String(required=True)
    text = fields.String(allow_none=True, metadata={"description": "Text or caption, cut short"})
    timestamp = fields.Integer(required=True, metadata={"description": "Epoch milliseconds"})


class Chat(Open):
    chatId = fields.String(required=True)
    name = fields.String(allow_none=True)
    unreadCount = fields.Integer(required=True)
    lastMessageTime = fields.Integer(allow_none=True)
    isGroup = fields.Boolean()
    lastMessage = fields.Nested(LastMessage, allow_none=True)


class ChatsResponse(OkResponse):
    chats = fields.List(fields.Nested(Chat), required=True)


class ChatReadResponse(OkResponse):
    chatId = fields.String(required=True)
    unreadCount = fields.Integer(required=True)
    messageIds = fields.List(fields.String(), required=True)


# -- webhooks ----------------------------------------------------------------------------
class Webhook(Open):
    id = fields.String(required=True)
    url = fields.String(required=True)
    accountId = fields.String(allow_none=True)
    events = fields.List(fields.String())
    hasSecret = fields.Boolean()
    enabled = fields.Boolean(metadata={"description": "false: deliveries wait, none is sent"})
    createdAt = fields.String(allow_none=True)
    updatedAt = fields.String(allow_none=True)


class WebhookDeliveryCounts(Open):
    pending = fields.Integer()
    delivered = fields.Integer()
    failed = fields.Integer()


class WebhookSummary(Webhook):
    deliveries = fields.Nested(WebhookDeliveryCounts)
    lastError = fields.String(allow_none=True, metadata={
        "description": "The latest error among its 20 newest deliveries"})
    lastErrorAt = fields.String(allow_none=True)


class WebhookResponse(OkResponse):
    webhook = fields.Nested(Webhook, required=True)


class WebhookCreatedResponse(OkResponse):
    url = fields.String(required=True)
    created = fields.Boolean(required=True)
    id = fields.String(required=True)
    webhook = fields.Nested(Webhook)


class WebhooksResponse(OkResponse):
    webhooks = fields.List(fields.Nested(WebhookSummary), required=True)


class WebhookDeletedResponse(OkResponse):
    id = fields.String(required=True)
    deleted = fields.Boolean(required=True)


class Delivery(Open):
    id = fields.String(required=True)
    webhookId = fields.String(required=True)
    accountId = fields.String(allow_none=True)
    event = fields.String(required=True, validate=validate.OneOf(domain.EVENT_NAMES))
    status = fields.String(required=True, validate=validate.OneOf(domain.DELIVERY_STATUSES))
    attempts = fields.Integer()
    lastStatusCode = fields.Integer(allow_none=True)
    lastError = fields.String(allow_none=True)
    nextAttemptAt = fields.String(allow_none=True, metadata={"format": "date-time"})
    lastAttemptAt = fields.String(allow_none=True, metadata={"format": "date-time"})
    deliveredAt = fields.String(allow_none=True, metadata={"format": "date-time"})
    redeliveries = fields.Integer()
    createdAt = fields.String(required=True, metadata={"format": "date-time"})
    payload = fields.Dict(allow_none=True)


class DeliveriesResponse(OkResponse):
    deliveries = fields.List(fields.Nested(Delivery), required=True)
    limit = fields.Integer()
    skip = fields.Integer()


class DeliveryResponse(OkResponse):
    delivery = fields.Nested(Delivery, required=True)


# -- chat extras (issue 11) ----------------------------------------------------------------
class NumberCheck(Open):
    phone = fields.String(required=True)
    exists = fields.Boolean(required=True)
    jid = fields.String(required=True, allow_none=True)
    lid = fields.String(required=True, allow_none=True)


class NumberCheckResponse(OkResponse):
    results = fields.List(fields.Nested(NumberCheck), required=True)


class Contact(Open):
    jid = fields.String(required=True, metadata={"description": "Phone JID, or the LID when "
                                                 "the phone number is unknown"})
    lid = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True, metadata={"description": "E.164"})
    name = fields.String(required=True, allow_none=True)
    pushName = fields.String(required=True, allow_none=True)
    blocked = fields.Boolean()


class ContactsResponse(OkResponse):
    contacts = fields.List(fields.Nested(Contact), required=True)


class ContactDetail(Contact):
    pictureUrl = fields.String(required=True, allow_none=True,
                               metadata={"description": "null when hidden or unset"})
    about = fields.String(required=True, allow_none=True)


class ContactResponse(OkResponse):
    contact = fields.Nested(ContactDetail, required=True)


class RegisteredResponse(OkResponse):
    registered = fields.Integer(required=True)


class InboundResponse(OkResponse):
    """The sandbox's inbound: a message's id, or for `type: call` the call's id (presence
    answers `{ok}` alone)."""
    messageId = fields.String(metadata={"description": "The message injected (message types)"})
    callId = fields.String(metadata={"description": "The call offered (type call)"})

