// Webhooks tab: create, edit, enable/disable and delete webhooks; each one's pending/failed
// counts and last error; its delivery log with redeliver.
"use strict";
import {apiJson, el, enc, notice, when} from "./core.js";
import {accountList, onAccounts} from "./accounts.js";

const POLL_MS = 5000;
let hooks = [];
let logFor = "";                 // the webhook whose delivery log is open
let shown = {list: "", log: ""};  // what is on screen: unchanged data is not re-rendered

function form() { return document.getElementById("webhook-form"); }

function fillAccountOptions(accounts) {
  const select = form().elements.accountId;
  const chosen = select.value;
  const ids = ["", ...accounts.map((a) => a._id)];
  if ([...select.options].map((o) => o.value).join() === ids.join()) return;
  select.replaceChildren(el("option", {value: ""}, "all accounts"),
                         ...accounts.map((a) => el("option", {value: a._id}, a._id)));
  select.value = [...select.options].some((o) => o.value === chosen) ? chosen : "";
}

function chosenEvents() {
  const boxes = [...form().querySelectorAll('input[name="events"]')];
  const all = boxes.find((b) => b.value === "*");
  if (all && all.checked) return ["*"];
  return boxes.filter((b) => b.checked).map((b) => b.value);
}

function resetForm() {
  const f = form();
  f.reset();
  f.dataset.editing = "";
  document.getElementById("webhook-form-title").textContent = "New webhook";
  document.getElementById("webhook-submit").textContent = "Create";
  document.getElementById("webhook-cancel").hidden = true;
  document.getElementById("webhook-clear-secret-label").hidden = true;
  document.getElementById("webhook-secret-note").textContent = "";
  for (const box of f.querySelectorAll('input[name="events"]')) box.checked = box.value === "message";
}

function startEdit(hook) {
  const f = form();
  f.dataset.editing = hook.id;
  f.elements.url.value = hook.url;
  fillAccountOptions(accountList());
  f.elements.accountId.value = hook.accountId || "";
  for (const box of f.querySelectorAll('input[name="events"]')) {
    box.checked = hook.events.includes(box.value);
  }
  f.elements.secret.value = "";
  f.elements.clearSecret.checked = false;
  document.getElementById("webhook-secret-note").textContent =
    hook.hasSecret ? "It has a secret: leave blank to keep it." : "";
  document.getElementById("webhook-form-title").textContent = "Edit webhook";
  document.getElementById("webhook-submit").textContent = "Save";
  document.getElementById("webhook-cancel").hidden = false;
  document.getElementById("webhook-clear-secret-label").hidden = !hook.hasSecret;
  f.scrollIntoView({block: "nearest"});
}

async function onSubmit(event) {
  event.preventDefault();
  const f = form();
  const editing = f.dataset.editing;
  const events = chosenEvents();
  if (!events.length) {
    notice("Choose at least one event.", true);
    return;
  }
  const body = {url: f.elements.url.value.trim(), events};
  const account = f.elements.accountId.value;
  const secret = f.elements.secret.value;
  try {
    if (editing) {
      body.accountId = account || null;
      if (secret) body.secret = secret;
      else if (f.elements.clearSecret.checked) body.secret = null;
      await apiJson("PATCH", "/webhooks/" + enc(editing), body);
      notice("Webhook saved.");
    } else {
      if (account) body.accountId = account;
      if (secret) body.secret = secret;
      const data = await apiJson("POST", "/webhooks", body);
      notice(data.created ? "Webhook created." : "That webhook exists already.");
    }
    resetForm();
  } catch (err) {
    const exists = err.code === "webhook_exists";
    notice((editing ? "Save failed: " : "Create failed: ") + err.message +
           (exists && !editing ? " — edit the existing one below." : ""), true);
  }
  loadWebhooks();
}

function hookItem(hook) {
  const counts = hook.deliveries || {};
  const item = el("li", {class: "webhook card", "data-webhook-id": hook.id,
                         "data-enabled": hook.enabled ? "true" : "false"});
  const head = el("div", {class: "webhook-head"});
  head.append(el("code", {class: "url"}, hook.url),
              el("span", {class: "pill " + (hook.enabled ? "on" : "off")},
                 hook.enabled ? "enabled" : "disabled"));
  const facts = el("p", {class: "muted"},
    `${hook.accountId ? "account " + hook.accountId : "all accounts"} · events: ` +
    `${hook.events.join(", ")}${hook.hasSecret ? " · signed" : ""}`);
  const stats = el("p", {class: "counts"});
  stats.append(el("span", {class: "count pending", "data-count": counts.pending || 0},
                  `${counts.pending || 0} pending`),
               el("span", {class: "count failed", "data-count": counts.failed || 0},
                  `${counts.failed || 0} failed`),
               el("span", {class: "count delivered"}, `${counts.delivered || 0} delivered`));
  item.append(head, facts, stats);
  if (hook.lastError) {
    item.append(el("p", {class: "failure"},
                   `Last error: ${hook.lastError} (${when(hook.lastErrorAt)})`));
  }
  const actions = el("div", {class: "actions"});
  actions.append(el("button", {type: "button", "data-hook-action": "edit"}, "Edit"),
                 el("button", {type: "button", "data-hook-action": "toggle"},
                    hook.enabled ? "Disable" : "Enable"),
                 el("button", {type: "button", "data-hook-action": "log"}, "Deliveries"),
                 el("button", {type: "button", "data-hook-action": "delete", class: "danger"},
                    "Delete"));
  item.append(actions);
  return item;
}

export async function loadWebhooks() {
  const box = document.getElementById("webhook-list");
  try {
    hooks = (await apiJson("GET", "/webhooks")).webhooks;
    const key = JSON.stringify(hooks);
    if (logFor) loadLog();
    if (key === shown.list) return;
    shown.list = key;
    box.replaceChildren(...(hooks.length ? hooks.map(hookItem)
      : [el("li", {class: "muted"}, "No webhooks yet: create one above.")]));
  } catch (err) {
    shown.list = "";
    box.replaceChildren(el("li", {class: "error"}, "Webhooks: " + err.message));
  }
}

async function onHookAction(event) {
  const button = event.target.closest("button[data-hook-action]");
  if (!button) return;
  const id = button.closest("[data-webhook-id]").dataset.webhookId;
  const hook = hooks.find((h) => h.id === id);
  const action = button.dataset.hookAction;
  try {
    if (action === "edit" && hook) {
      startEdit(hook);
    } else if (action === "toggle" && hook) {
      await apiJson("PATCH", "/webhooks/" + enc(id), {enabled: !hook.enabled});
      notice(hook.enabled ? "Webhook disabled: its deliveries wait, pending."
                          : "Webhook enabled: its pending deliveries go out now.");
    } else if (action === "log") {
      logFor = id;
      await loadLog();
    } else if (action === "delete") {
      if (!confirm(`Delete the webhook ${hook ? hook.url : id} and its delivery log?`)) return;
      await apiJson("DELETE", "/webhooks/" + enc(id));
      if (logFor === id) closeLog();
      notice("Webhook deleted.");
    }
  } catch (err) {
    notice(`${action}: ${err.message}`, true);
  }
  if (action !== "edit" && action !== "log") loadWebhooks();
}

function closeLog() {
  logFor = "";
  document.getElementById("delivery-log").hidden = true;
}

async function loadLog() {
  const panel = document.getElementById("delivery-log");
  const hook = hooks.find((h) => h.id === logFor);
  if (!hook) return closeLog();
  panel.hidden = false;
  panel.dataset.webhookId = logFor;
  document.getElementById("delivery-log-title").textContent = "Deliveries to " + hook.url;
  const status = document.getElementById("delivery-status").value;
  const query = "?limit=25" + (status ? "&status=" + enc(status) : "");
  const body = document.getElementById("delivery-rows");
  try {
    const {deliveries} = await apiJson("GET", `/webhooks/${enc(logFor)}/deliveries${query}`);
    const key = logFor + query + JSON.stringify(deliveries);
    if (key === shown.log) return;
    shown.log = key;
    body.replaceChildren(...(deliveries.length ? deliveries.map(deliveryRow)
      : [el("li", {class: "muted"}, "No deliveries.")]));
  } catch (err) {
    shown.log = "";
    body.replaceChildren(el("li", {class: "error"}, err.message));
  }
}

function deliveryRow(d) {
  const row = el("li", {class: "delivery", "data-delivery-id": d.id, "data-status": d.status});
  row.append(el("span", {class: "pill " + d.status}, d.status),
             el("span", {class: "event"}, d.event),
             el("span", {class: "muted"}, `${d.attempts} attempt(s) · created ${when(d.createdAt)}` +
                (d.nextAttemptAt && d.status === "pending" ? ` · next ${when(d.nextAttemptAt)}` : "") +
                (d.deliveredAt ? ` · delivered ${when(d.deliveredAt)}` : "")));
  if (d.lastError) row.append(el("span", {class: "failure"}, d.lastError));
  if (d.status !== "pending") {
    row.append(el("button", {type: "button", class: "redeliver", "data-delivery-id": d.id},
                  "Redeliver"));
  }
  return row;
}

async function onRedeliver(event) {
  const button = event.target.closest("button.redeliver");
  if (!button) return;
  button.disabled = true;
  try {
    await apiJson("POST", `/webhooks/deliveries/${enc(button.dataset.deliveryId)}/redeliver`);
    notice("Delivery queued again.");
  } catch (err) {
    notice("Redeliver: " + err.message, true);
  }
  loadWebhooks();
}

export function initWebhooks() {
  if (!form()) return;              // an account token does not manage webhooks
  form().addEventListener("submit", onSubmit);
  document.getElementById("webhook-cancel").addEventListener("click", resetForm);
  document.getElementById("webhook-list").addEventListener("click", onHookAction);
  document.getElementById("delivery-rows").addEventListener("click", onRedeliver);
  document.getElementById("delivery-status").addEventListener("change", loadLog);
  document.getElementById("delivery-close").addEventListener("click", closeLog);
  onAccounts(fillAccountOptions);
  fillAccountOptions(accountList());
  resetForm();
  loadWebhooks();
  setInterval(loadWebhooks, POLL_MS);
}
