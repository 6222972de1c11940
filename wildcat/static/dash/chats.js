// Chats tab: an account's chats and one chat's messages, with media previews and read ticks,
// refreshed by the live event stream.
"use strict";
import {apiJson, blobUrl, el, enc, onEvent, when} from "./core.js";
import {accountList, onAccounts} from "./accounts.js";

const LIVE = new Set(["message", "message.sent", "message.ack", "message.reaction",
                      "message.revoked", "message.edited", "history.sync"]);
const TICKS = {sent: "✓", delivered: "✓✓", read: "✓✓", played: "✓✓"};
const previews = new Map();      // messageId -> blob URL (revoked when the chat changes)
let current = {account: "", chat: ""};
let refreshTimer = null;

function accountSelect() { return document.getElementById("chat-account"); }

function fillAccounts(accounts) {
  const select = accountSelect();
  const chosen = select.value;
  const ids = accounts.map((a) => a._id);
  if ([...select.options].map((o) => o.value).join() === ids.join()) return;
  select.replaceChildren(...ids.map((id) => el("option", {value: id}, id)));
  if (ids.includes(chosen)) select.value = chosen;
  if (select.value !== current.account) chooseAccount(select.value);
}

function chooseAccount(id) {
  current = {account: id, chat: ""};
  document.getElementById("messages").replaceChildren();
  document.getElementById("chat-title").textContent = "";
  loadChats();
}

function chatLabel(chat) {
  return chat.name || chat.chatId.split("@")[0];
}

export async function loadChats() {
  const list = document.getElementById("chat-list");
  if (!current.account) {
    list.replaceChildren(el("li", {class: "muted"}, "No account yet."));
    return;
  }
  try {
    const {chats} = await apiJson("GET", `/accounts/${enc(current.account)}/chats?limit=100`);
    if (!chats.length) {
      list.replaceChildren(el("li", {class: "muted"}, "No chats yet."));
      return;
    }
    list.replaceChildren(...chats.map((chat) => {
      const item = el("li", {class: "chat", "data-chat-id": chat.chatId,
                             "aria-current": chat.chatId === current.chat ? "true" : null});
      const last = chat.lastMessage || {};
      item.append(el("span", {class: "chat-name"}, chatLabel(chat)),
                  el("span", {class: "unread", hidden: !chat.unreadCount},
                     String(chat.unreadCount || "")),
                  el("span", {class: "chat-preview muted"},
                     (last.fromMe ? "You: " : "") + (last.text || (last.type ? `[${last.type}]` : ""))));
      return item;
    }));
  } catch (err) {
    list.replaceChildren(el("li", {class: "error"}, "Chats: " + err.message));
  }
}

async function openChat(chatId) {
  current.chat = chatId;
  for (const url of previews.values()) URL.revokeObjectURL(url);
  previews.clear();
  document.getElementById("messages").replaceChildren();
  for (const item of document.querySelectorAll("#chat-list .chat")) {
    item.setAttribute("aria-current", item.dataset.chatId === chatId ? "true" : "false");
  }
  document.getElementById("chat-title").textContent = chatId;
  await loadMessages();
}

async function loadMessages() {
  const {account, chat} = current;
  if (!account || !chat) return;
  const box = document.getElementById("messages");
  try {
    const path = `/accounts/${enc(account)}/chats/${enc(chat)}/messages?limit=50`;
    const {messages} = await apiJson("GET", path);
    if (current.chat !== chat) return;
    const items = messages.slice().reverse().map((m) => messageItem(account, m));
    box.replaceChildren(...items);
    box.scrollTop = box.scrollHeight;
  } catch (err) {
    box.replaceChildren(el("li", {class: "error"}, "Messages: " + err.message));
  }
}

function messageItem(account, m) {
  const item = el("li", {class: "message " + (m.fromMe ? "out" : "in"),
                         "data-message-id": m.messageId, "data-status": m.status});
  if (m.deleted) {
    item.append(el("em", {class: "muted"}, "This message was deleted"));
  } else {
    if (m.hasMedia) item.append(mediaPreview(account, m));
    const text = m.text !== undefined && m.text !== null ? m.text : m.caption;
    if (text) item.append(el("p", {class: "text"}, text));
    const reactions = Object.values(m.reactions || {}).join(" ");
    if (reactions) item.append(el("span", {class: "reactions"}, reactions));
  }
  const meta = el("span", {class: "meta"}, when(m.timestamp) + (m.edited ? " · edited" : ""));
  if (m.fromMe) meta.append(el("span", {class: "ticks", "data-status": m.status,
                                        title: m.status}, " " + (TICKS[m.status] || "…")));
  item.append(meta);
  return item;
}

function mediaPreview(account, m) {
  const path = `/accounts/${enc(account)}/messages/${enc(m.messageId)}/media`;
  const box = el("div", {class: "media", "data-type": m.type});
  const label = m.fileName || m.mimetype || m.type;
  if (m.type === "image" || m.type === "sticker" || m.type === "video" || m.type === "audio") {
    const tag = m.type === "video" ? "video" : m.type === "audio" ? "audio" : "img";
    const node = el(tag, {class: "preview", alt: label, controls: tag !== "img" ? true : null});
    box.append(node);
    const known = previews.get(m.messageId);
    const show = (url) => { node.src = url; };
    if (known) show(known);
    else blobUrl(path).then((url) => { previews.set(m.messageId, url); show(url); })
      .catch(() => box.replaceChildren(el("span", {class: "muted"}, `[${label}: not available]`)));
  } else {
    const link = el("button", {type: "button", class: "download"}, "⬇ " + label);
    link.addEventListener("click", async () => {
      const url = await blobUrl(path);
      const a = el("a", {href: url, download: m.fileName || "file"});
      document.body.append(a);
      a.click();
      a.remove();
    });
    box.append(link);
  }
  return box;
}

function scheduleRefresh(event) {
  if (event.accountId !== current.account || !LIVE.has(event.event)) return;
  clearTimeout(refreshTimer);  // a burst of events costs one refresh
  refreshTimer = setTimeout(() => {
    loadChats();
    if (!event.chatId || event.chatId === current.chat || event.event === "message.ack") {
      loadMessages();
    }
  }, 150);
}

export function initChats() {
  accountSelect().addEventListener("change", (e) => chooseAccount(e.target.value));
  document.getElementById("chat-list").addEventListener("click", (event) => {
    const item = event.target.closest(".chat");
    if (item) openChat(item.dataset.chatId);
  });
  document.getElementById("chat-refresh").addEventListener("click", () => {
    loadChats();
    loadMessages();
  });
  onAccounts(fillAccounts);
  onEvent(scheduleRefresh);
  fillAccounts(accountList());
}
