#!/usr/bin/env bash
# The sandbox tour: every step a newcomer takes, against a server started with
#   WILDCAT_DRIVER=sandbox python app.py
# Usage: examples/sandbox_tour.sh   (WILDCAT_URL defaults to http://127.0.0.1:3000;
#        set WILDCAT_API_KEY if the server has one). Needs bash and curl. Exits non-zero on
# the first step that does not answer as expected.
set -euo pipefail

BASE="${WILDCAT_URL:-http://127.0.0.1:3000}"
ACCOUNT="${TOUR_ACCOUNT:-tour$$}"
HERE="$(cd "$(dirname "$0")" && pwd)"
AUTH=()
if [[ -n "${WILDCAT_API_KEY:-}" ]]; then AUTH=(-H "X-API-Key: ${WILDCAT_API_KEY}"); fi

step() { printf '\n== %s\n' "$*"; }
# call METHOD PATH [curl args...]: prints the JSON answer; fails on an HTTP error.
call() {
  local method="$1" path="$2"; shift 2
  curl -sS --fail-with-body -X "$method" "${AUTH[@]}" "$@" "$BASE$path"
  echo
}
json() { call "$1" "$2" -H 'Content-Type: application/json' -d "$3"; }
expect() {  # expect TEXT PATTERN: fail loudly unless TEXT contains PATTERN
  if ! grep -q -- "$2" <<<"$1"; then echo "expected '$2' in: $1" >&2; exit 1; fi
}
wait_for() {  # wait_for PATH PATTERN: poll until the answer contains PATTERN (10 s)
  local out=""
  for _ in $(seq 1 100); do
    out="$(call GET "$1")" && grep -q -- "$2" <<<"$out" && { echo "$out"; return 0; }
    sleep 0.1
  done
  echo "timed out waiting for '$2' at $1: $out" >&2; exit 1
}

step "1. the server answers"
out="$(call GET /ping)"; echo "$out"; expect "$out" '"pong":true'

step "2. create an account: it starts logging in and shows a QR code"
out="$(json POST /accounts "{\"id\": \"$ACCOUNT\", \"name\": \"Sandbox tour\"}")"
echo "$out"
expect "$out" '"token":"wct_'
wait_for "/accounts/$ACCOUNT" '"hasQR":true' >/dev/null

step "3. the QR code as text (also PNG, SVG, JSON: ?format=)"
qr="$(call GET "/accounts/$ACCOUNT/qr?format=txt")"
sed -n '1,4p' <<<"$qr"; echo "   ... (scan the whole code with the phone)"

step "4. 'scan' it with the simulated phone"
expect "$(json POST "/sandbox/accounts/$ACCOUNT/scan" '{"phone": "15550001111"}')" '"jid":"15550001111@s.whatsapp.net"'
wait_for "/accounts/$ACCOUNT/status" '"status":"connected"'

step "5. send a text message"
out="$(json POST "/accounts/$ACCOUNT/message/send" '{"to": "15550002222", "message": "Hello from the tour"}')"
echo "$out"
expect "$out" '"messageId"'

step "6. send an image (multipart: the file field is named after its type)"
out="$(call POST "/accounts/$ACCOUNT/message/send/image" -F to=15550002222 -F caption="A picture" -F "image=@$HERE/sample.png;type=image/png")"
echo "$out"
expect "$out" '"messageId"'

step "7. what the simulated network received"
expect "$(call GET "/sandbox/accounts/$ACCOUNT/sent")" '"mimetype":"image/png"'

step "8. a message arrives from WhatsApp (simulated), and shows in the chat"
json POST "/sandbox/accounts/$ACCOUNT/inbound" '{"from": "15550002222", "text": "Hi tour!", "pushName": "Ana"}'
expect "$(call GET "/accounts/$ACCOUNT/chats")" '"chatId":"15550002222@s.whatsapp.net"'
expect "$(call GET "/accounts/$ACCOUNT/chats/15550002222@s.whatsapp.net/messages")" '"text":"Hi tour!"'

step "9. a webhook receives every message (here: nobody listens, so it stays pending)"
out="$(json POST /webhooks "{\"url\": \"http://127.0.0.1:9/tour-hook\", \"accountId\": \"$ACCOUNT\", \"events\": [\"message\"]}")"
echo "$out"
hook="$(sed -E 's/.*"id":"([0-9a-f]+)".*/\1/' <<<"$out")"
json PATCH "/webhooks/$hook" '{"enabled": false}' >/dev/null
call DELETE "/webhooks/$hook"

step "10. disconnect (session kept), connect again without a QR"
call POST "/accounts/$ACCOUNT/disconnect"
wait_for "/accounts/$ACCOUNT/status" '"status":"disconnected"' >/dev/null
call POST "/accounts/$ACCOUNT/connect"
wait_for "/accounts/$ACCOUNT/status" '"status":"connected"'

step "11. log out (device unlinked) and delete the account"
call POST "/accounts/$ACCOUNT/logout"
expect "$(call DELETE "/accounts/$ACCOUNT")" '"ok":true'

printf '\nTour complete: the dashboard is at %s/dashboard\n' "$BASE"
