// The send-test-message form of a connected account's card: text, or a file of any kind.
"use strict";
import {apiJson, el, enc} from "./core.js";

export function sendForm() {
  const form = el("form", {class: "send-form", hidden: true});
  form.append(el("h3", {}, "Send a test message"),
              el("input", {name: "to", class: "send-to", required: true, inputmode: "tel",
                           placeholder: "to: 919876543210", "aria-label": "To"}),
              el("textarea", {name: "message", class: "send-text", rows: "2",
                              placeholder: "Text (the caption, with a file)",
                              "aria-label": "Message"}),
              el("input", {type: "file", name: "file", class: "send-file",
                           "aria-label": "File"}),
              el("button", {type: "submit", class: "send-submit"}, "Send"),
              el("span", {class: "send-result"}));
  return form;
}

function mediaKind(file) {
  const type = (file.type || "").split("/")[0];
  return ["image", "video", "audio"].includes(type) ? type : "document";
}

export async function onSend(event) {
  const form = event.target.closest(".send-form");
  if (!form) return;
  event.preventDefault();
  const id = form.closest("[data-account-id]").dataset.accountId;
  const result = form.querySelector(".send-result");
  const to = form.elements.to.value.trim();
  const text = form.elements.message.value;
  const file = form.elements.file.files[0];
  const base = "/accounts/" + enc(id) + "/message/send";
  result.textContent = "sending…";
  result.className = "send-result";
  try {
    let data;
    if (file) {
      const kind = mediaKind(file);
      const body = new FormData();
      body.append("to", to);
      if (text && kind !== "audio") body.append("caption", text);
      if (kind === "document") body.append("fileName", file.name);
      body.append(kind, file, file.name);
      data = await apiJson("POST", `${base}/${kind}`, body);
    } else {
      data = await apiJson("POST", base, {to, message: text});
    }
    result.textContent = "sent: " + data.messageId;
    result.dataset.messageId = data.messageId;
    form.elements.message.value = "";
    form.elements.file.value = "";
  } catch (err) {
    result.textContent = err.message;
    result.className = "send-result error";
  }
}
