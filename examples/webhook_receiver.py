"""A webhook receiver that checks WILDCAT's signature before trusting a request.

    WEBHOOK_SECRET=the-secret-you-registered PORT=8080 python examples/webhook_receiver.py

Register it with:  POST /webhooks {"url": "http://<this host>:8080/hook", "secret": "..."}
Standard library only. Answers 204 to a valid delivery, 401 to anything else.
"""
import hashlib
import hmac
import http.server
import json
import os
import sys
import time

SECRET = os.environ.get("WEBHOOK_SECRET", "")
TOLERANCE_S = 300          # refuse replays of old deliveries


def verify(secret: str, headers, body: bytes) -> bool:
    """X-Wildcat-Signature is sha256=<hex HMAC-SHA256 of "<X-Wildcat-Timestamp>.<body>">."""
    timestamp = headers.get("X-Wildcat-Timestamp", "")
    signature = headers.get("X-Wildcat-Signature", "")
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > TOLERANCE_S * 1000:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


class Handler(http.server.BaseHTTPRequestHandler):
    seen = set()           # X-Wildcat-Delivery ids: deliveries are at-least-once

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not verify(SECRET, self.headers, body):
            self.send_response(401)
            self.end_headers()
            print("rejected: bad or missing signature", flush=True)
            return
        delivery = self.headers.get("X-Wildcat-Delivery")
        if delivery not in self.seen:
            self.seen.add(delivery)
            event = json.loads(body)
            print(f"verified {event['event']} for {event['accountId']}: "
                  f"{event.get('message', '')}", flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    if not SECRET:
        sys.exit("set WEBHOOK_SECRET to the secret you registered the webhook with")
    port = int(os.environ.get("PORT", "8080"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"listening on http://127.0.0.1:{port}/hook", flush=True)
    server.serve_forever()
