from enum import StrEnum


class SandboxInboundFilesBodyType(StrEnum):
    AUDIO = "audio"
    CALL = "call"
    CONTACT = "contact"
    DOCUMENT = "document"
    EDIT = "edit"
    IMAGE = "image"
    LOCATION = "location"
    POLL = "poll"
    POLL_VOTE = "poll_vote"
    PRESENCE = "presence"
    REACTION = "reaction"
    REVOKE = "revoke"
    STICKER = "sticker"
    TEXT = "text"
    VIDEO = "video"
    VOICE = "voice"

    def __str__(self) -> str:
        return str(self.value)
