from enum import StrEnum


class AccountsGetQrFormat(StrEnum):
    JSON = "json"
    PNG = "png"
    SVG = "svg"
    TXT = "txt"

    def __str__(self) -> str:
        return str(self.value)
