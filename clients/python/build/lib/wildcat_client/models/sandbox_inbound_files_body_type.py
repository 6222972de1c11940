from enum import StrEnum


class SandboxInboundFilesBodyType(StrEnum):
    AUDIO = "audio"
    DOCUMENT = "document"
    EDIT = "edit"
    IMAGE = "image"
    REACTION = "reaction"
    REVOKE = "revoke"
    STICKER = "sticker"
    TEXT = "text"
    VIDEO = "video"
    VOICE = "voice"

    def __str__(self) -> str:
        return str(self.value)
