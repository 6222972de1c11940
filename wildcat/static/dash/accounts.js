// Accounts tab: status in words, QR and pairing-code login, connection buttons, token rotation;
// each connected account's send-test-message form comes from send.js.
"use strict";
import {apiJson, blobUrl, el, enc, instance, isAdmin, notice, onEvent, scope, when, ago}
  from "./core.js";
import {onSend, sendForm} from "./send.js";

const POLL_MS = 2000;
const qrState = new Map();       // accountId -> {code, url}
const IDLE = ["disconnected", "logged_out", "not_started"];
let accounts = [];
const changed = new Set();       // callbacks told when the account list changes

export function accountList() { return accounts; }
export function onAccounts(callback) { changed.add(callback); }

const LABELS = {connect: "Connect", disconnect: "Disconnect", logout: "Log out",
                token: "New token", delete: "Delete"};

function buildCard(account) {
  const card = el("article", {class: "account card", "data-account-id": account._id});
  const head = el("header", {class: "account-head"});
  head.append(el("strong", {class: "id"}, account._id), el("span", {class: "name"}),
              el("span", {class: "status"}));
  const facts = el("dl", {class: "facts"});
  for (const [key, label] of [["jid", "Number"], ["since", "Connected"],
                              ["changed", "Last change"], ["owner", "Instance"]]) {
    const wrap = el("div", {class: "fact", "data-fact": key});
    wrap.append(el("dt", {}, label), el("dd"));
    facts.append(wrap);
  }
  const login = el("div", {class: "login-box", hidden: true});
  const pair = el("form", {class: "pair-form"});
  pair.append(el("label", {}, "Or link with a pairing code: phone number"),
              el("input", {name: "phone", class: "pair-phone", inputmode: "tel",
                           placeholder: "919876543210", pattern: "\\+?[0-9]{7,15}",
                           required: true}),
              el("button", {type: "submit", class: "pair-submit"}, "Get code"),
              el("code", {class: "pair-code"}));
  login.append(el("div", {class: "qr"}), pair);
  const actions = el("div", {class: "actions"});
  for (const action of ["connect", "disconnect", "logout", "token", "delete"]) {
    if (!isAdmin && (action === "token" || action === "delete")) continue;
    const button = el("button", {type: "button", "data-action": action}, LABELS[action]);
    if (action === "delete") button.className = "danger";
    actions.append(button);
  }
  card.append(head, el("p", {class: "explanation"}), el("p", {class: "last-error"}), facts,
              login, actions, sendForm());
  return card;
}

function setFact(card, key, value) {
  const fact = card.querySelector(`[data-fact="${key}"]`);
  fact.hidden = !value;
  fact.querySelector("dd").textContent = value || "";
}

function updateCard(card, account) {
  const status = account.currentStatus;
  card.dataset.status = status;
  const pill = card.querySelector(".status");
  pill.textContent = status.replace("_", " ");
  pill.dataset.status = status;
  card.querySelector(".name").textContent = account.name || "";
  const elsewhere = account.owner && instance && account.owner !== instance;
  card.querySelector(".explanation").textContent = elsewhere
    ? `Runs on instance ${account.owner} (stored status: ${account.status || "unknown"})`
    : account.explanation || "";
  const error = card.querySelector(".last-error");
  error.textContent = status !== "connected" && account.lastError ? "Last error: " +
    account.lastError : "";
  error.hidden = !error.textContent;
  setFact(card, "jid", account.jid ? account.jid.split("@")[0] : "");
  setFact(card, "since", status === "connected" ? when(account.connectedAt) :
          account.connectedAt ? "last " + ago(account.connectedAt) : "");
  setFact(card, "changed", account.lastUpdate ? `${when(account.lastUpdate)} (${account.reason ||
    status})` : "");
  // Where several instances share the store, say which one holds the account.
  const several = accounts.some((a) => a.owner && a.owner !== instance);
  setFact(card, "owner", several ? (account.owner || "none") +
          (account.owner === instance ? " (this one)" : "") : "");
  card.querySelector('[data-action="connect"]').disabled = status === "connected";
  card.querySelector('[data-action="disconnect"]').disabled = IDLE.includes(status);
  card.querySelector('[data-action="logout"]').disabled = status === "logged_out";
  card.querySelector(".send-form").hidden = status !== "connected";
  const login = card.querySelector(".login-box");
  login.hidden = status !== "connecting";
  if (login.hidden) card.querySelector(".pair-code").textContent = "";
  refreshQr(card, account);
}

async function refreshQr(card, account) {
  const cell = card.querySelector(".qr");
  const id = account._id;
  if (account.currentStatus !== "connecting" || !account.hasQR) {
    const old = qrState.get(id);
    if (old) URL.revokeObjectURL(old.url);
    qrState.delete(id);
    cell.replaceChildren();
    return;
  }
  try {
    const path = "/accounts/" + enc(id) + "/qr";
    const {qr} = await apiJson("GET", path + "?format=json");
    const known = qrState.get(id);
    if (known && known.code === qr && cell.querySelector("img")) return;
    const url = await blobUrl(path + "?format=svg");
    if (known) URL.revokeObjectURL(known.url);
    qrState.set(id, {code: qr, url});
    cell.replaceChildren(el("img", {class: "qr-image", alt: "QR code for " + id, src: url}),
                         el("p", {class: "muted"}, "WhatsApp → Settings → Linked devices → " +
                            "Link a device, then scan."));
  } catch (err) {
    cell.replaceChildren(el("span", {class: "muted"}, "QR not ready"));
  }
}

function render() {
  const list = document.getElementById("account-list");
  const seen = new Set();
  for (const account of accounts) {
    seen.add(account._id);
    let card = list.querySelector(`[data-account-id="${CSS.escape(account._id)}"]`);
    if (!card) {
      card = buildCard(account);
      list.append(card);
    }
    updateCard(card, account);
  }
  for (const card of [...list.querySelectorAll("[data-account-id]")]) {
    if (!seen.has(card.dataset.accountId)) card.remove();
  }
  document.getElementById("no-accounts").hidden = accounts.length > 0;
}

export async function pollAccounts() {
  try {
    accounts = isAdmin ? (await apiJson("GET", "/accounts")).accounts
                       : [(await apiJson("GET", "/accounts/" + enc(scope))).account];
    render();
    for (const callback of changed) callback(accounts);
    document.getElementById("refreshed").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (err) {
    document.getElementById("refreshed").textContent = "update failed: " + err.message;
  }
}

const CONFIRM = {
  delete: (id) => `Delete account ${id}? Its messages, media and session are removed and ` +
                  "the device is unlinked.",
  logout: (id) => `Log out ${id}? The device is unlinked and a new QR scan is needed.`,
  token: (id) => `Give ${id} a new token? The old token stops working at once.`,
};

async function onAction(event) {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const id = button.closest("[data-account-id]").dataset.accountId;
  const action = button.dataset.action;
  const base = "/accounts/" + enc(id);
  if (CONFIRM[action] && !confirm(CONFIRM[action](id))) return;
  button.disabled = true;
  try {
    if (action === "delete") {
      await apiJson("DELETE", base);
      notice(`Account ${id} deleted.`);
    } else if (action === "token") {
      const data = await apiJson("POST", base + "/token");
      showToken(id, data.token);
      notice(`New token for ${id}: the old one no longer works.`);
    } else {
      const data = await apiJson("POST", base + "/" + action);
      notice(data.message || `${action}: done`);
    }
  } catch (err) {
    notice(`${action} ${id}: ${err.message}`, true);
  } finally {
    button.disabled = false;
    pollAccounts();
  }
}

function showToken(id, token) {
  document.getElementById("token-account").textContent = id;
  document.getElementById("token-value").textContent = token;
  document.getElementById("token-box").hidden = false;
}

async function onPair(event) {
  const form = event.target.closest(".pair-form");
  if (!form) return;
  event.preventDefault();
  const id = form.closest("[data-account-id]").dataset.accountId;
  const out = form.querySelector(".pair-code");
  out.textContent = "…";
  try {
    const {code} = await apiJson("POST", "/accounts/" + enc(id) + "/pair",
                                 {phone: form.elements.phone.value.trim()});
    out.textContent = code;
    notice(`Pairing code for ${id}: type it on the phone (Linked devices → Link with phone ` +
           "number instead).");
  } catch (err) {
    out.textContent = "";
    notice(`Pairing code for ${id}: ${err.message}`, true);
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
    if (data.token) showToken(data.account._id, data.token);
  } catch (err) {
    notice("Create failed: " + err.message, true);
  }
  pollAccounts();
}

export function initAccounts() {
  const list = document.getElementById("account-list");
  list.addEventListener("click", onAction);
  list.addEventListener("submit", (event) => { onPair(event); onSend(event); });
  const create = document.getElementById("create-form");
  if (create) create.addEventListener("submit", onCreate);
  onEvent((event) => {
    if (event.event === "connection.update" || event.event === "qr") pollAccounts();
  });
  pollAccounts();
  setInterval(pollAccounts, POLL_MS);
}
