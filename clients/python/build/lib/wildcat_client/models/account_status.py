from enum import StrEnum


class AccountStatus(StrEnum):
    CONNECTED = "connected"
    CONNECTING = "connecting"
    DISCONNECTED = "disconnected"
    LOGGED_OUT = "logged_out"
    NOT_STARTED = "not_started"
    RECONNECTING = "reconnecting"

    def __str__(self) -> str:
        return str(self.value)
