// Send a WhatsApp message through WILDCAT (Node 18+, no packages):
//   WILDCAT_URL=http://127.0.0.1:3000 WILDCAT_API_KEY=... node examples/send_message.mjs mybot 919876543210 "Hello!"
const [account, to, text] = process.argv.slice(2);
if (!text) {
  console.error("usage: node send_message.mjs <account> <to> <text>");
  process.exit(2);
}
const base = process.env.WILDCAT_URL || "http://127.0.0.1:3000";
const headers = {"Content-Type": "application/json"};
if (process.env.WILDCAT_API_KEY) headers["X-API-Key"] = process.env.WILDCAT_API_KEY;

const response = await fetch(`${base}/accounts/${encodeURIComponent(account)}/message/send`, {
  method: "POST", headers, body: JSON.stringify({to, message: text}),
});
const body = await response.json();
if (!body.ok) {
  // Every error is {ok: false, error, code}: 409 account_not_connected, 429 rate_limited, ...
  console.error(`send failed (${response.status} ${body.code}): ${body.error}`);
  process.exit(1);
}
console.log(`sent: ${body.messageId}`);
