from enum import StrEnum


class ReceiptType(StrEnum):
    DELIVERED = "delivered"
    PLAYED = "played"
    READ = "read"

    def __str__(self) -> str:
        return str(self.value)
