// Shared by the dashboard's tabs: API calls, DOM building (text only), the live event stream.
"use strict";

const HEADERS = {"X-Wildcat-Dashboard": "1"};  // lets the session cookie through (CSRF guard)
const app = document.getElementById("app");
// "" for the admin (or an open server); an account id when signed in with its token.
export const scope = app ? app.dataset.scope : "";
export const isAdmin = !scope;
export const instance = app ? app.dataset.instance : "";   // this server's instance id

export async function api(method, path, body) {
  const opts = {method, headers: {...HEADERS}, credentials: "same-origin"};
  if (body instanceof FormData) {
    opts.body = body;
  } else if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const response = await fetch(path, opts);
  if (response.status === 401) {
    location.href = "/dashboard/login?next=/dashboard";
    throw new Error("signed out");
  }
  return response;
}

export async function apiJson(method, path, body) {
  const response = await api(method, path, body);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(data.error || response.statusText);
    error.code = data.code;
    error.status = response.status;
    throw error;
  }
  return data;
}

export function enc(value) {
  return encodeURIComponent(value);
}

export function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function notice(text, isError) {
  const box = document.getElementById("notice");
  box.textContent = text;
  box.className = isError ? "notice error" : "notice";
  box.hidden = !text;
}

export function when(value) {
  // ISO strings and epoch milliseconds, in the browser's local time.
  if (value === null || value === undefined || value === "") return "";
  const date = new Date(value);
  return isNaN(date) ? String(value) : date.toLocaleString();
}

export function ago(value) {
  if (!value) return "";
  const seconds = Math.round((Date.now() - new Date(value).getTime()) / 1000);
  if (isNaN(seconds)) return "";
  if (seconds < 60) return "just now";
  if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
  if (seconds < 86400) return Math.floor(seconds / 3600) + " h ago";
  return Math.floor(seconds / 86400) + " d ago";
}

// Blob URLs of authenticated images (QR codes, media previews), revoked when replaced.
export async function blobUrl(path) {
  const response = await api("GET", path);
  if (!response.ok) throw new Error("HTTP " + response.status);
  return URL.createObjectURL(await response.blob());
}

// -- the live event stream: one WebSocket for every tab ------------------------------------
const listeners = new Set();
let socket = null;
let retryMs = 1000;
export const stream = {state: "connecting", received: 0};

export function onEvent(callback) {
  listeners.add(callback);
  return () => listeners.delete(callback);
}

function setStreamState(state) {
  stream.state = state;
  const badge = document.getElementById("stream-state");
  if (badge) {
    badge.textContent = state === "open" ? "live" : state;
    badge.dataset.state = state;
  }
}

export function openStream() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const query = scope ? "?accountId=" + enc(scope) : "";
  socket = new WebSocket(`${proto}//${location.host}/ws${query}`);
  setStreamState("connecting");
  socket.onopen = () => { retryMs = 1000; setStreamState("open"); };
  socket.onmessage = (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch (err) { return; }
    stream.received += 1;
    for (const callback of listeners) {
      try { callback(event); } catch (err) { console.error(err); }
    }
  };
  socket.onclose = () => {
    setStreamState("reconnecting");
    setTimeout(openStream, retryMs);
    retryMs = Math.min(retryMs * 2, 15000);
  };
}
