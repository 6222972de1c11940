from enum import StrEnum


class ConnectAttemptOutcome(StrEnum):
    CONNECTED = "connected"
    FAILED = "failed"
    QR = "qr"

    def __str__(self) -> str:
        return str(self.value)
