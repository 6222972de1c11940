// Events tab: the live event stream with filters. Health tab: /health's checks and a few key
// figures from /metrics (outbox depth, sends per minute).
"use strict";
import {api, apiJson, el, isAdmin, onEvent, stream, when} from "./core.js";

const MAX_EVENTS = 200;
const HEALTH_POLL_MS = 5000;
const events = [];               // newest last, at most MAX_EVENTS
let paused = false;

function filters() {
  const f = document.getElementById("event-filters");
  return {account: f.elements.account.value.trim(), name: f.elements.name.value,
          text: f.elements.text.value.trim().toLowerCase()};
}

function matches(event, f) {
  if (f.account && event.accountId !== f.account) return false;
  if (f.name && event.event !== f.name && !(f.name === "message.*" &&
                                             String(event.event).startsWith("message"))) {
    return false;
  }
  return !f.text || JSON.stringify(event).toLowerCase().includes(f.text);
}

function summary(event) {
  switch (event.event) {
    case "message": case "message.sent":
      return `${event.fromMe ? "to" : "from"} ${(event.fromMe ? event.chatId : event.from) || ""}` +
             `: ${event.message || (event.hasMedia ? "[" + event.type + "]" : "")}`;
    case "message.ack": return `${event.messageId} ${event.status || event.type || ""}`;
    case "connection.update": return `${event.status || ""} (${event.reason || ""})`;
    case "qr": return "new QR code";
    default: return event.messageId || "";
  }
}

function eventItem(event) {
  const item = el("li", {class: "event-row", "data-event": event.event,
                         "data-account-id": event.accountId});
  const details = el("details");
  const head = el("summary");
  head.append(el("span", {class: "time"}, new Date(event.timestamp || Date.now())
                                             .toLocaleTimeString()),
              el("span", {class: "pill"}, event.event),
              el("span", {class: "account"}, event.accountId || ""),
              el("span", {class: "what"}, summary(event)));
  details.append(head, el("pre", {}, JSON.stringify(event, null, 2)));
  item.append(details);
  return item;
}

function renderEvents() {
  const f = filters();
  const shown = events.filter((e) => matches(e, f)).slice(-100).reverse();
  document.getElementById("event-log").replaceChildren(...shown.map(eventItem));
  document.getElementById("event-count").textContent =
    `${shown.length} shown · ${stream.received} received`;
}

function onStreamEvent(event) {
  events.push(event);
  if (events.length > MAX_EVENTS) events.shift();
  if (!paused) renderEvents();
}

// -- health ---------------------------------------------------------------------------------
let lastSends = null;            // {count, at} from the previous /metrics read

function metricSum(text, name, labelFilter) {
  let total = 0;
  let found = false;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || line.startsWith("#")) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue;
    if (labelFilter && !rest.includes(labelFilter)) continue;
    const value = parseFloat(line.trim().split(/\s+/).pop());
    if (!isNaN(value)) { total += value; found = true; }
  }
  return found ? total : null;
}

function setFigure(key, value) {
  const node = document.querySelector(`#key-metrics [data-metric="${key}"] dd`);
  if (node) node.textContent = value === null || value === undefined ? "–" : String(value);
}

async function loadHealth() {
  const list = document.getElementById("health-checks");
  try {
    const response = await api("GET", "/health");
    const data = await response.json();
    const checks = response.ok ? data : (data.details || {});
    const overall = document.getElementById("health-overall");
    overall.textContent = response.ok ? "healthy" : "unhealthy: " + data.error;
    overall.dataset.ok = response.ok ? "true" : "false";
    const rows = [];
    for (const [name, value] of Object.entries(checks)) {
      if (["ok", "status", "time"].includes(name)) continue;
      const text = typeof value === "object" ? Object.entries(value)
        .map(([k, v]) => `${k}: ${v}`).join(", ") : String(value);
      const row = el("div", {class: "check", "data-check": name});
      row.append(el("dt", {}, name), el("dd", {}, text));
      rows.push(row);
    }
    list.replaceChildren(...rows);
  } catch (err) {
    list.replaceChildren(el("p", {class: "error"}, "Health: " + err.message));
  }
  try {
    const text = await (await api("GET", "/metrics")).text();
    setFigure("outbox", metricSum(text, "wildcat_webhook_outbox_depth"));
    setFigure("failed", metricSum(text, "wildcat_webhook_deliveries", 'status="failed"'));
    setFigure("sent", metricSum(text, "wildcat_messages_total", 'direction="out"') || 0);
    setFigure("received", metricSum(text, "wildcat_messages_total", 'direction="in"') || 0);
    const sends = metricSum(text, "wildcat_messages_total", 'direction="out"') || 0;
    const now = Date.now();
    if (lastSends && now > lastSends.at) {
      const perMinute = (sends - lastSends.count) * 60000 / (now - lastSends.at);
      setFigure("rate", Math.max(0, Math.round(perMinute * 10) / 10));
    }
    lastSends = {count: sends, at: now};
    document.getElementById("health-updated").textContent = "updated " + when(now);
  } catch (err) {
    setFigure("outbox", null);
  }
}

export function initMonitor() {
  const f = document.getElementById("event-filters");
  f.addEventListener("input", renderEvents);
  f.addEventListener("change", renderEvents);
  f.addEventListener("submit", (e) => e.preventDefault());
  document.getElementById("event-pause").addEventListener("click", (e) => {
    paused = !paused;
    e.target.textContent = paused ? "Resume" : "Pause";
    e.target.setAttribute("aria-pressed", paused ? "true" : "false");
    if (!paused) renderEvents();
  });
  document.getElementById("event-clear").addEventListener("click", () => {
    events.length = 0;
    renderEvents();
  });
  onEvent(onStreamEvent);
  if (isAdmin && document.getElementById("health-checks")) {
    loadHealth();
    setInterval(loadHealth, HEALTH_POLL_MS);
  }
}
