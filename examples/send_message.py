"""Send a WhatsApp message through WILDCAT.

    WILDCAT_URL=http://127.0.0.1:3000 WILDCAT_API_KEY=... \
        python examples/send_message.py mybot 919876543210 "Hello!"

The key may be the admin key or the account's own token (wct_...). Needs `requests`.
"""
import os
import sys

import requests


def send_text(base, api_key, account, to, text):
    """POST /accounts/<account>/message/send; returns the new message id."""
    response = requests.post(f"{base}/accounts/{account}/message/send",
                             json={"to": to, "message": text},
                             headers={"X-API-Key": api_key} if api_key else {}, timeout=30)
    body = response.json()
    if not body.get("ok"):
        # Every error is {ok: false, error, code}: 409 account_not_connected, 429 rate_limited…
        raise SystemExit(f"send failed ({response.status_code} {body.get('code')}): "
                         f"{body.get('error')}")
    return body["messageId"]


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    account, to, text = sys.argv[1:]
    message_id = send_text(os.environ.get("WILDCAT_URL", "http://127.0.0.1:3000"),
                           os.environ.get("WILDCAT_API_KEY", ""), account, to, text)
    print(f"sent: {message_id}")
