// WILDCAT dashboard: tabs over the JSON API; every value goes in through textContent.
"use strict";
import {api, openStream} from "./dash/core.js";
import {initAccounts} from "./dash/accounts.js";
import {initChats} from "./dash/chats.js";
import {initWebhooks} from "./dash/webhooks.js";
import {initMonitor} from "./dash/monitor.js";

function showTab() {
  const tabs = [...document.querySelectorAll("[data-tab]")];
  const names = tabs.map((t) => t.dataset.tab);
  const wanted = location.hash.slice(1);
  const name = names.includes(wanted) ? wanted : names[0];
  for (const tab of tabs) tab.setAttribute("aria-current", tab.dataset.tab === name ? "page" : "false");
  for (const section of document.querySelectorAll("section.tab")) {
    section.hidden = section.id !== "tab-" + name;
  }
}

async function signOut() {
  await api("POST", "/dashboard/logout").catch(() => null);
  location.href = "/dashboard/login";
}

function boot() {
  window.addEventListener("hashchange", showTab);
  showTab();
  const out = document.getElementById("sign-out");
  if (out) out.addEventListener("click", signOut);
  window.wildcatDashboardLoadedAt = Date.now();  // a test can tell a reload from an update
  openStream();
  initAccounts();
  initChats();
  initWebhooks();
  initMonitor();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();
