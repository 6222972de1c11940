from enum import StrEnum


class HealthResponseDispatcher(StrEnum):
    ALIVE = "alive"

    def __str__(self) -> str:
        return str(self.value)
