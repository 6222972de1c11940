"""Group use cases: list, create, read, change settings and members, invite links, join,
leave, picture.

Each asks the account's worker with a typed group command (wildcat/commands.py); the worker
runs the driver call on the account's thread and records what changed (store, then events)
through the inbound pipeline's group step (wildcat/services/groups_inbound.py). WhatsApp's
refusals come back as the driver's NotInGroup / NotGroupAdmin / InvalidInvite, which
errors.py answers as 404 group_not_found, 403 not_admin and 404 invite_not_found.
"""
import io
import logging

from PIL import Image, UnidentifiedImageError

from wildcat import commands
from wildcat.errors import InvalidImage, NotAdmin, UnsupportedMedia, ValidationFailed
from wildcat.jid import is_group
from wildcat.schemas.groups import INVITE_LINK
from wildcat.services.accounts import connected_worker
from wildcat.services.groups_inbound import find

log = logging.getLogger(__name__)

GROUP_FIELDS = ("id", "subject", "description", "owner", "createdAt", "announce", "locked",
                "participants")
PICTURE_TYPES = ("image/jpeg", "image/png")
PICTURE_SIZE = 640            # WhatsApp keeps group pictures as square JPEGs up to 640 px
PICTURE_MAX_PIXELS = 50_000_000   # larger is refused before it is decoded (no pixel bombs)


def group_view(group: dict) -> dict:
    """The group as the API shows it (route 3's shape)."""
    view = {key: group.get(key) for key in GROUP_FIELDS}
    view["announce"], view["locked"] = bool(view["announce"]), bool(view["locked"])
    view["participants"] = [{"jid": p.get("jid"), "phone": p.get("phone"),
                             "lid": p.get("lid"), "admin": p.get("admin") or None}
                            for p in group.get("participants") or []]
    return view


def summary(group: dict, me: str | None) -> dict:
    """One line of GET groups."""
    entry = find(group.get("participants") or [], me) if me else None
    return {"id": group["id"], "subject": group.get("subject"),
            "participantsCount": len(group.get("participants") or []),
            "isAdmin": bool(entry and entry.get("admin")),
            "announce": bool(group.get("announce")), "locked": bool(group.get("locked"))}


def invite_view(code: str) -> dict:
    return {"code": code, "link": INVITE_LINK + code}


def list_groups(runtime, account_id):
    worker = connected_worker(runtime, account_id)
    groups = worker.execute(commands.ListGroups())
    me = worker.state().jid
    return [summary(g, me) for g in sorted(groups, key=lambda g: g["id"])]


def get_group(runtime, account_id, group_id):
    worker = connected_worker(runtime, account_id)
    return group_view(worker.execute(commands.GetGroup(group_id=group_id)))


def create_group(runtime, account_id, data):
    worker = connected_worker(runtime, account_id)
    if worker.state().jid in data["participants"]:
        raise ValidationFailed("participants lists this account itself; give the others")
    group = worker.execute(commands.CreateGroup(subject=data["subject"].strip(),
                                                participants=data["participants"]))
    log.info("account %s: created group %s with %d participants", account_id, group["id"],
             len(data["participants"]))
    return group_view(group)


def update_group(runtime, account_id, group_id, data):
    worker = connected_worker(runtime, account_id)
    changes = dict(data)
    if "subject" in changes:
        changes["subject"] = changes["subject"].strip()
    if changes.get("description") == "":
        changes["description"] = None        # "" clears it: WhatsApp has no empty topic
    group = worker.execute(commands.UpdateGroup(group_id=group_id, changes=changes))
    log.info("account %s: group %s changed (%s)", account_id, group_id,
             ", ".join(sorted(changes)))
    return group_view(group)


def update_participants(runtime, account_id, group_id, data):
    worker = connected_worker(runtime, account_id)
    results = worker.execute(commands.UpdateParticipants(
        group_id=group_id, action=data["action"], participants=data["participants"]))
    return [{"jid": r["jid"], "ok": bool(r.get("ok")), "error": r.get("error")}
            for r in results]


def invite(runtime, account_id, group_id, revoke=False):
    worker = connected_worker(runtime, account_id)
    code = worker.execute(commands.GroupInvite(group_id=group_id, revoke=revoke))
    if revoke:
        log.info("account %s: invite link of %s revoked", account_id, group_id)
    return invite_view(code)


def join(runtime, account_id, code):
    worker = connected_worker(runtime, account_id)
    group = worker.execute(commands.JoinGroup(code=code))
    log.info("account %s: joined group %s by invite", account_id, group["id"])
    return group["id"]


def leave(runtime, account_id, group_id):
    worker = connected_worker(runtime, account_id)
    worker.execute(commands.LeaveGroup(group_id=group_id))
    log.info("account %s: left group %s", account_id, group_id)


def set_picture(runtime, account_id, group_id, upload):
    """Set the group picture from an uploaded JPEG or PNG (sent as a square JPEG)."""
    worker = connected_worker(runtime, account_id)
    if upload.mimetype not in PICTURE_TYPES:
        raise UnsupportedMedia(f"the picture must be a JPEG or PNG; the file is "
                               f"{upload.mimetype}", details={"detected": upload.mimetype})
    worker.execute(commands.SetGroupPicture(group_id=group_id,
                                            image=square_jpeg(upload.open())))


def square_jpeg(stream) -> bytes:
    """The image centre-cropped to a square of at most PICTURE_SIZE px, as JPEG."""
    try:
        with Image.open(stream) as image:       # reads the header only
            if image.width * image.height > PICTURE_MAX_PIXELS:
                raise InvalidImage(f"The image is too large: at most {PICTURE_MAX_PIXELS:,} "
                                   "pixels")
            image = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise InvalidImage() from None
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    image = image.crop((left, top, left + side, top + side))
    if side > PICTURE_SIZE:
        image = image.resize((PICTURE_SIZE, PICTURE_SIZE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def check_send(runtime, account_id, worker, to):
    """Refuse early what WhatsApp would refuse: a message to an announce-only group this
    account is in without being an admin (the driver refuses too; this spares the trip)."""
    if not is_group(to):
        return
    me = worker.state().jid
    group = runtime.store.get_group(account_id, to)
    entry = find(group.get("participants") or [], me) if group and me else None
    if group and group.get("announce") and entry is not None and not entry.get("admin"):
        raise NotAdmin("Only admins can send messages to this announce-only group")
