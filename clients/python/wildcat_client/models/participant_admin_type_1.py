from enum import StrEnum


class ParticipantAdminType1(StrEnum):
    ADMIN = "admin"
    SUPERADMIN = "superadmin"

    def __str__(self) -> str:
        return str(self.value)
