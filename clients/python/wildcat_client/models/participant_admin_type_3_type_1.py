from enum import StrEnum


class ParticipantAdminType3Type1(StrEnum):
    ADMIN = "admin"
    SUPERADMIN = "superadmin"

    def __str__(self) -> str:
        return str(self.value)
