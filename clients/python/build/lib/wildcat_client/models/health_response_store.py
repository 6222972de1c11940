from enum import StrEnum


class HealthResponseStore(StrEnum):
    OK = "ok"

    def __str__(self) -> str:
        return str(self.value)
