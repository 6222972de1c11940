from enum import StrEnum


class SandboxGroupEventAction(StrEnum):
    ADD = "add"
    DEMOTE = "demote"
    JOIN = "join"
    LEAVE = "leave"
    PROMOTE = "promote"
    REMOVE = "remove"
    UPDATE = "update"

    def __str__(self) -> str:
        return str(self.value)
