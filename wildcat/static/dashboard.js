// WILDCAT dashboard: polls the JSON API; every value goes in through textContent.
"use strict";

const POLL_MS = 2000;
const WEBHOOK_POLL_MS = 10000;
const HEADERS = {"X-Wildcat-Dashboard": "1"};  // lets the session cookie through (CSRF guard)
const ACTIONS = ["connect", "disconnect", "logout", "delete"];
const qrState = new Map();  // accountId -> {code, url}

async function api(method, path, body) {
  const opts = {method, headers: {...HEADERS}, credentials: "same-origin"};
  if (body !== undefined) {
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

async function apiJson(method, path, body) {
  const response = await api(method, path, body);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function notice(text, isError) {
  const el = document.getElementById("notice");
  el.textContent = text;
  el.className = isError ? "notice error" : "notice";
  el.hidden = !text;
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

function buildRow(account) {
  const tr = el("tr", {"data-account-id": account._id});
  tr.append(el("td", {class: "id"}, account._id), el("td", {class: "name"}, account.name || ""));
  const statusCell = el("td");
  statusCell.append(el("span", {class: "status", "data-status": account.currentStatus}));
  tr.append(statusCell, el("td", {class: "jid"}), el("td", {class: "qr"}));
  const actions = el("td", {class: "actions"});
  const labels = {connect: "Connect", disconnect: "Disconnect", logout: "Log out", delete: "Delete"};
  for (const action of ACTIONS) {
    const button = el("button", {type: "button", "data-action": action}, labels[action]);
    if (action === "delete") button.className = "danger";
    actions.append(button);
  }
  tr.append(actions);
  return tr;
}

function updateRow(tr, account) {
  const status = tr.querySelector(".status");
  status.textContent = account.currentStatus;
  status.dataset.status = account.currentStatus;
  tr.querySelector(".name").textContent = account.name || "";
  tr.querySelector(".jid").textContent = account.jid || "";
  tr.querySelector('[data-action="connect"]').disabled = account.currentStatus === "connected";
  tr.querySelector('[data-action="disconnect"]').disabled =
    ["disconnected", "logged_out", "not_started"].includes(account.currentStatus);
  refreshQr(tr, account);
}

async function refreshQr(tr, account) {
  const cell = tr.querySelector(".qr");
  const id = account._id;
  if (account.currentStatus !== "connecting" || !account.hasQR) {
    const old = qrState.get(id);
    if (old) URL.revokeObjectURL(old.url);
    qrState.delete(id);
    cell.replaceChildren();
    return;
  }
  try {
    const path = "/accounts/" + encodeURIComponent(id) + "/qr";
    const {qr} = await apiJson("GET", path + "?format=json");
    const known = qrState.get(id);
    if (known && known.code === qr && cell.querySelector("img")) return;
    const svg = await (await api("GET", path + "?format=svg")).blob();
    const url = URL.createObjectURL(svg);
    if (known) URL.revokeObjectURL(known.url);
    qrState.set(id, {code: qr, url});
    const img = el("img", {class: "qr-image", alt: "QR code for " + id, src: url,
                           "data-account-id": id});
    cell.replaceChildren(img);
  } catch (err) {
    cell.replaceChildren(el("span", {class: "muted"}, "QR not ready"));
  }
}

function renderAccounts(accounts) {
  const tbody = document.querySelector("#accounts tbody");
  const seen = new Set();
  for (const account of accounts) {
    seen.add(account._id);
    let tr = tbody.querySelector(`tr[data-account-id="${CSS.escape(account._id)}"]`);
    if (!tr) {
      tr = buildRow(account);
      tbody.append(tr);
    }
    updateRow(tr, account);
  }
  for (const tr of [...tbody.querySelectorAll("tr[data-account-id]")]) {
    if (!seen.has(tr.dataset.accountId)) tr.remove();
  }
  document.getElementById("no-accounts").hidden = accounts.length > 0;
}

async function pollAccounts() {
  try {
    const {accounts} = await apiJson("GET", "/accounts");
    renderAccounts(accounts);
    document.getElementById("refreshed").textContent =
      "updated " + new Date().toLocaleTimeString();
  } catch (err) {
    document.getElementById("refreshed").textContent = "update failed: " + err.message;
  }
}

async function onAction(event) {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const id = button.closest("tr").dataset.accountId;
  const action = button.dataset.action;
  const base = "/accounts/" + encodeURIComponent(id);
  if (action === "delete" && !confirm(`Delete account ${id}? Its messages, media and ` +
                                      "session are removed and the device is unlinked.")) return;
  if (action === "logout" && !confirm(`Log out ${id}? The device is unlinked and ` +
                                      "a new QR scan is needed.")) return;
  button.disabled = true;
  try {
    const data = action === "delete" ? await apiJson("DELETE", base)
                                     : await apiJson("POST", base + "/" + action);
    notice(data.message || `${action}: done`);
  } catch (err) {
    notice(`${action} ${id}: ${err.message}`, true);
  } finally {
    button.disabled = false;
    pollAccounts();
  }
}

async function onCreate(event) {
  event.preventDefault();
  const form = event.target;
  const body = {id: form.elements.id.value.trim()};
  if (form.elements.name.value.trim()) body.name = form.elements.name.value.trim();
  try {
    const data = await apiJson("POST", "/accounts", body);
    form.reset();
    notice(`Account ${data.account._id} created: scan its QR code with WhatsApp.`);
    if (data.token) {
      document.getElementById("token-account").textContent = data.account._id;
      document.getElementById("token-value").textContent = data.token;
      document.getElementById("token-box").hidden = false;
    }
  } catch (err) {
    notice("Create failed: " + err.message, true);
  }
  pollAccounts();
}

async function pollWebhooks() {
  const box = document.getElementById("webhooks");
  try {
    const response = await api("GET", "/webhooks");
    if (response.status === 404 || response.status === 405) {
      box.replaceChildren(el("p", {class: "muted"}, "Webhooks are not available on this server."));
      return;
    }
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    const hooks = data.webhooks || [];
    if (!hooks.length) {
      box.replaceChildren(el("p", {class: "muted"}, "No webhooks registered."));
      return;
    }
    const list = el("ul", {class: "webhooks"});
    for (const hook of hooks) list.append(await webhookItem(hook));
    box.replaceChildren(list);
  } catch (err) {
    box.replaceChildren(el("p", {class: "error"}, "Webhooks: " + err.message));
  }
}

async function webhookItem(hook) {
  const id = hook.id || hook._id;
  const li = el("li", {"data-webhook-id": id});
  li.append(el("code", {}, hook.url),
            el("span", {class: "muted"}, " " + (hook.accountId ? "account " + hook.accountId
                                                               : "all accounts")));
  const path = "/webhooks/" + encodeURIComponent(id) + "/deliveries?status=failed&limit=5";
  try {
    const {deliveries} = await apiJson("GET", path);
    if (deliveries && deliveries.length) {
      const failures = el("ul", {class: "failures"});
      for (const d of deliveries) {
        const when = d.lastAttemptAt || d.updatedAt || d.createdAt || "";
        failures.append(el("li", {class: "failure"},
          `${d.event} · ${d.attempts || 0} attempts · ${d.lastError || "failed"} · ${when}`));
      }
      li.append(failures);
    } else {
      li.append(el("span", {class: "ok"}, " no recent failures"));
    }
  } catch (err) {
    li.append(el("span", {class: "muted"}, " (deliveries unavailable)"));
  }
  return li;
}

async function signOut() {
  await api("POST", "/dashboard/logout").catch(() => null);
  location.href = "/dashboard/login";
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelector("#accounts tbody").addEventListener("click", onAction);
  document.getElementById("create-form").addEventListener("submit", onCreate);
  const out = document.getElementById("sign-out");
  if (out) out.addEventListener("click", signOut);
  window.wildcatDashboardLoadedAt = Date.now();  // a test can tell a reload from an update
  pollAccounts();
  pollWebhooks();
  setInterval(pollAccounts, POLL_MS);
  setInterval(pollWebhooks, WEBHOOK_POLL_MS);
});
