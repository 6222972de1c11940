// A webhook receiver that checks WILDCAT's signature (Node 18+, no packages):
//   WEBHOOK_SECRET=the-secret-you-registered PORT=8080 node examples/webhook_receiver.mjs
import {createHmac, timingSafeEqual} from "node:crypto";
import {createServer} from "node:http";

const SECRET = process.env.WEBHOOK_SECRET;
const TOLERANCE_MS = 300_000;            // refuse replays of old deliveries
if (!SECRET) {
  console.error("set WEBHOOK_SECRET to the secret you registered the webhook with");
  process.exit(2);
}

// X-Wildcat-Signature is sha256=<hex HMAC-SHA256 of "<X-Wildcat-Timestamp>.<raw body>">.
function verify(headers, body) {
  const timestamp = headers["x-wildcat-timestamp"] || "";
  const signature = Buffer.from(headers["x-wildcat-signature"] || "");
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > TOLERANCE_MS) return false;
  const mac = createHmac("sha256", SECRET).update(timestamp + ".").update(body).digest("hex");
  const expected = Buffer.from("sha256=" + mac);
  return signature.length === expected.length && timingSafeEqual(signature, expected);
}

const seen = new Set();                  // X-Wildcat-Delivery ids: deliveries are at-least-once
const port = Number(process.env.PORT || 8080);
createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);    // verify the raw bytes, not re-serialised JSON
    if (!verify(req.headers, body)) {
      console.log("rejected: bad or missing signature");
      res.writeHead(401).end();
      return;
    }
    const delivery = req.headers["x-wildcat-delivery"];
    if (!seen.has(delivery)) {
      seen.add(delivery);
      const event = JSON.parse(body.toString("utf8"));
      console.log(`verified ${event.event} for ${event.accountId}: ${event.message || ""}`);
    }
    res.writeHead(204).end();
  });
}).listen(port, "127.0.0.1", () => console.log(`listening on http://127.0.0.1:${port}/hook`));
