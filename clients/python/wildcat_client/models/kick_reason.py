from enum import StrEnum


class KickReason(StrEnum):
    CLIENT_OUTDATED = "client_outdated"
    STREAM_REPLACED = "stream_replaced"
    TEMPORARY_BAN = "temporary_ban"

    def __str__(self) -> str:
        return str(self.value)
