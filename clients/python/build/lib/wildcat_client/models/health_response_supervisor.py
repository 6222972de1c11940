from enum import StrEnum


class HealthResponseSupervisor(StrEnum):
    ALIVE = "alive"

    def __str__(self) -> str:
        return str(self.value)
