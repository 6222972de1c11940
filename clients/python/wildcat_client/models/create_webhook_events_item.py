from enum import StrEnum


class CreateWebhookEventsItem(StrEnum):
    ACCOUNT_DELETED = "account.deleted"
    CALL = "call"
    CONNECTION_UPDATE = "connection.update"
    GROUP_JOINED = "group.joined"
    GROUP_PARTICIPANTS = "group.participants"
    GROUP_UPDATE = "group.update"
    HISTORY_SYNC = "history.sync"
    MESSAGE = "message"
    MESSAGE_ACK = "message.ack"
    MESSAGE_EDITED = "message.edited"
    MESSAGE_REACTION = "message.reaction"
    MESSAGE_REVOKED = "message.revoked"
    MESSAGE_SENT = "message.sent"
    POLL_VOTE = "poll.vote"
    PRESENCE = "presence"
    QR = "qr"
    VALUE_16 = "*"

    def __str__(self) -> str:
        return str(self.value)
