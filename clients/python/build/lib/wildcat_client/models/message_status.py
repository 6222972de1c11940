from enum import StrEnum


class MessageStatus(StrEnum):
    DELIVERED = "delivered"
    PENDING = "pending"
    PLAYED = "played"
    READ = "read"
    RECEIVED = "received"
    SENT = "sent"

    def __str__(self) -> str:
        return str(self.value)
