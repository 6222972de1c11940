"""An account's state in words for an operator: why it is in that status, what to do next."""

RELOGIN = "press Connect and scan a new QR code"
REASONS = {
    "awaiting_qr_scan": "Waiting for the QR code to be scanned (WhatsApp → Linked devices), "
                        "or for a pairing code to be typed",
    "restoring_session": "Reconnecting with the saved session",
    "dialing": "Connecting to WhatsApp's servers",
    "connected": "Connected",
    "connection_lost": "Connection lost — reconnecting by itself",
    "connect_failed": "Could not connect — retrying by itself",
    "session_host_died": "The WhatsApp session process stopped — reconnecting by itself",
    "session_host_replaced": "The WhatsApp session process was replaced (it held too many "
                             "resources) — reconnecting by itself, no QR needed",
    "keepalive_timeout": "Connected, but WhatsApp stopped answering — reconnecting by itself",
    "client_stopped": "The WhatsApp session was stopped",
    "user_disconnect": "Disconnected from here; the session is kept — press Connect "
                       "(no QR needed)",
    "user_logout": f"Logged out from here: the device was unlinked — {RELOGIN}",
    "logged_out": f"Logged out from the phone — {RELOGIN}",
    "unlinked_from_phone": f"Logged out from the phone — {RELOGIN}",
    "qr_timeout": "QR expired — press Connect",
    "stream_replaced": "Replaced by another session of this device (is a second server "
                       "using the same session?) — press Connect",
    "temporary_ban": "WhatsApp temporarily banned this number — wait before reconnecting, "
                     "then send less",
    "client_outdated": "WhatsApp refused this client version — upgrade WILDCAT",
}
STATUSES = {
    "not_started": "Not started — press Connect",
    "connecting": REASONS["dialing"],
    "connected": "Connected",
    "reconnecting": "Reconnecting",
    "disconnected": "Disconnected — press Connect",
    "logged_out": f"Logged out — {RELOGIN}",
}
# Substrings of whatsmeow/Go/Python errors, most specific first.
ERRORS = (
    (("no such host", "name resolution", "name or service not known", "getaddrinfo",
      "server misbehaving"),
     "WhatsApp's servers cannot be reached from this machine (the DNS lookup failed)"),
    (("connection refused", "network is unreachable", "no route to host", "i/o timeout",
      "timed out", "timeout", "connection reset"),
     "WhatsApp's servers cannot be reached from this machine"),
    (("x509", "certificate", "tls"),
     "The secure connection to WhatsApp failed (check the clock and any proxy)"),
    (("websocket: bad handshake", "403", "forbidden"),
     "WhatsApp refused the connection"),
)


def explain_error(error: str | None) -> str | None:
    """A connection error in words (the raw text stays in `lastError`)."""
    if not error:
        return None
    lowered = error.lower()
    for needles, words in ERRORS:
        if any(n in lowered for n in needles):
            return words
    return "Could not connect: " + error[:200]


def explain(account: dict) -> str:
    """One sentence: the live status, its reason, and the last connection error if any."""
    status = account.get("currentStatus") or account.get("status") or "not_started"
    reason = account.get("reason")
    if status == "connected":
        return "Connected"
    if status == "not_started" or (status == "connecting"
                                   and reason not in ("awaiting_qr_scan", "dialing")):
        words = STATUSES.get(status, status)
    elif reason == "temporary_ban" and account.get("until"):
        words = REASONS[reason].replace(" — ", f" until {account['until']} — ", 1)
    elif status == "logged_out" and reason not in REASONS:
        words = STATUSES["logged_out"]            # a reason code from whatsmeow
    else:
        words = REASONS.get(reason) or STATUSES.get(status, status)
    error = explain_error(account.get("lastError")) if status == "reconnecting" else None
    return f"{error} — retrying by itself" if error else words
