// sqlscim console: polls GET events and GET tenants and renders them.
// Read-only by construction: it only sends GET requests. Every value from
// the server goes into the page as text (textContent), never as HTML:
// user names and paths come from SCIM clients.
"use strict";

const EVENT_POLL_MS = 1000;
const TENANT_POLL_MS = 5000;
const MAX_ROWS = 500;

const state = {
  lastSeq: 0,
  rows: 0,
  paused: false,
  generation: 0, // bumped when the filters change; stale answers are ignored
  resetting: false,
  tenantNames: new Set(),
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function filters() {
  const p = new URLSearchParams();
  const tenant = $("filter-tenant").value;
  const user = $("filter-user").value.trim();
  const outcome = $("filter-outcome").value;
  if (tenant) p.set("tenant", tenant);
  if (user) p.set("user", user);
  if (outcome) p.set("outcome", outcome);
  return p;
}

function setConnection(text, isError) {
  const c = $("connection");
  c.textContent = text;
  c.classList.toggle("error", !!isError);
}

async function getJSON(path) {
  const r = await fetch(path, { cache: "no-store", headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || r.status + " " + r.statusText);
  return body;
}

// ---------------------------------------------------------------- events

function fmtTime(iso) {
  // 2024-05-01T12:00:03.123Z -> 2024-05-01 12:00:03
  return iso.replace("T", " ").replace(/\.\d+Z$/, "").replace(/Z$/, "");
}

// shortPath drops what every SCIM path has: /ws/rest/{app}/scim/v2.
function shortPath(path) {
  const i = path.indexOf("/scim/v2/");
  return i >= 0 ? path.slice(i + "/scim/v2".length) : path;
}

function describe(ev) {
  const parts = [];
  const ops = ev.operations || [];
  const counts = new Map();
  for (const op of ops) counts.set(op, (counts.get(op) || 0) + 1);
  const span = el("span", { class: "ops" });
  let first = true;
  for (const [op, n] of counts) {
    if (!first) span.append(", ");
    first = false;
    span.append(el("b", {}, op));
    if (n > 1) span.append(" ×" + n);
  }
  if (ops.length === 0) span.append(ev.kind === "read" ? "read" : "no operation run");
  parts.push(span);
  const detail = [];
  if (ev.changes && ev.changes.length) {
    detail.push(ev.changes.map((c) => c.attribute || c.column).join(", "));
  }
  const ents = (list, verb) => {
    if (list && list.length) detail.push(verb + (list.length === 1 ? " entitlement " : " entitlements ") + list.join(", "));
  };
  ents(ev.entitlements_added, "added");
  ents(ev.entitlements_removed, "removed");
  if (!ev.committed && (ops.length || detail.length)) detail.push(ops.length ? "rolled back" : "not written");
  if (detail.length) parts.push(el("br"), el("span", { class: "hint" }, detail.join(" · ")));
  return parts;
}

function outcomeCell(ev) {
  const ok = ev.outcome === "success";
  const label = (ok ? "✓ " : "✗ ") + ev.status + (ev.error_type ? " " + ev.error_type : "");
  const td = el("td", { class: "outcome" }, el("span", { class: "badge " + (ok ? "ok" : "bad") }, label));
  if (!ok && ev.detail) td.append(el("br"), el("span", { class: "hint" }, ev.detail));
  return td;
}

function eventRows(ev) {
  const detailsId = "event-" + ev.seq;
  const button = el("button", { type: "button", class: "toggle", "aria-expanded": "false", "aria-controls": detailsId,
    "aria-label": "Details of " + ev.method + " " + shortPath(ev.path) + " at " + fmtTime(ev.time) }, "Details");
  const user = ev.user_id || ev.user_name || "";
  const userCell = el("td", { class: "user" }, user);
  if (ev.user_name && ev.user_name !== user) userCell.append(el("br"), el("span", { class: "hint" }, "userName " + ev.user_name));
  const row = el("tr", { class: "event", "data-seq": ev.seq, "data-user": user + (ev.user_name ? " " + ev.user_name : "") },
    el("td", { class: "mono time" }, el("time", { datetime: ev.time }, fmtTime(ev.time))),
    el("td", { class: "tenant" }, ev.tenant || ""),
    el("td", { class: "mono request", title: ev.path }, ev.method + " " + shortPath(ev.path)),
    userCell,
    el("td", { class: "what" }, ...describe(ev)),
    outcomeCell(ev),
    el("td", { class: "num" }, ev.duration_ms.toFixed(1)),
    el("td", {}, button),
  );
  const details = el("tr", { class: "details", id: detailsId, hidden: "" },
    el("td", { colspan: "8" }, el("pre", {}, JSON.stringify(ev, null, 2))));
  button.addEventListener("click", () => {
    const open = button.getAttribute("aria-expanded") === "true";
    button.setAttribute("aria-expanded", String(!open));
    details.hidden = open;
  });
  return [row, details];
}

function renderTrail(data) {
  $("ring-size").textContent = data.ring_size;
  const t = $("trail");
  const parts = data.writers.map((w) => w.name + ": " + w.written + " written" +
    (w.dropped ? ", " + w.dropped + " dropped (queue full)" : "") + (w.failed ? ", " + w.failed + " failed" : ""));
  const lost = data.writers.some((w) => w.dropped || w.failed);
  t.textContent = parts.length ? "Audit trail — " + parts.join(" · ") : "Audit trail — in memory only (audit.file is off)";
  t.classList.toggle("warn", lost);
}

async function pollEvents(reset) {
  if (!reset && state.resetting) return;
  const gen = state.generation;
  const p = filters();
  p.set("limit", String(Math.min(200, Number($("ring-size").textContent) || 200)));
  if (!reset && state.lastSeq) p.set("after", String(state.lastSeq));
  const data = await getJSON("events?" + p.toString());
  if (gen !== state.generation) return; // the filters changed meanwhile
  renderTrail(data);
  const tbody = $("events").tBodies[0];
  if (reset) {
    tbody.replaceChildren();
    state.rows = 0;
    state.lastSeq = 0;
  }
  const seen = state.lastSeq;
  const events = reset ? data.events : data.events.filter((ev) => ev.seq > seen); // newest first
  if (events.length) state.lastSeq = Math.max(state.lastSeq, events[0].seq);
  const frag = document.createDocumentFragment();
  for (const ev of events) {
    const [row, details] = eventRows(ev);
    if (!reset) row.classList.add("fresh");
    frag.append(row, details);
    state.rows++;
    if (ev.tenant) addTenantOption(ev.tenant);
  }
  const placeholder = tbody.querySelector("tr.placeholder");
  if (placeholder && events.length) placeholder.remove();
  tbody.prepend(frag);
  while (state.rows > MAX_ROWS) {
    tbody.lastElementChild.remove(); // details
    tbody.lastElementChild.remove(); // its event
    state.rows--;
  }
  if (state.rows === 0 && !tbody.querySelector("tr.placeholder")) {
    tbody.append(el("tr", { class: "placeholder" }, el("td", { colspan: "8", class: "empty" },
      filters().toString() ? "No events match the filters." : "No events yet: provisioning changes appear here as they happen.")));
  }
  if (!reset && events.length) {
    $("news").textContent = events.length === 1 ? "1 new event" : events.length + " new events";
  }
  setConnection((state.paused ? "Paused" : "Live") + " · updated " + new Date().toLocaleTimeString(), false);
}

// ---------------------------------------------------------------- tenants

function addTenantOption(name) {
  if (state.tenantNames.has(name)) return;
  state.tenantNames.add(name);
  $("filter-tenant").append(el("option", { value: name }, name));
}

function dbText(d) {
  let s = d.type;
  if (d.host) s += " " + d.host + (d.port ? ":" + d.port : "");
  if (d.name) s += (d.host ? "/" : " ") + d.name;
  return s;
}

function healthCell(t) {
  if (!t.check) return el("td", {}, el("span", { class: "badge idle" }, "checked on use"));
  const ok = t.check.ok;
  const td = el("td", {}, el("span", { class: "badge " + (ok ? "ok" : "bad") }, ok ? "✓ up" : "✗ down"));
  td.append(el("br"), el("span", { class: "hint" }, "checked " + fmtTime(t.check.time)));
  if (!ok && t.check.error) td.append(el("br"), el("span", { class: "hint" }, t.check.error));
  return td;
}

function poolCell(p) {
  if (!p) return el("td", { class: "hint" }, "no pool yet");
  const td = el("td", { class: "mono" }, p.in_use + " / " + p.open + " / " + p.max_open);
  if (p.waits) td.append(el("br"), el("span", { class: "hint" }, p.waits + " waits"));
  return td;
}

async function pollTenants() {
  const data = await getJSON("tenants");
  $("rate-window").textContent = "last " + Math.round(data.rate_window_seconds / 60) + " min";
  const tbody = $("tenants").tBodies[0];
  tbody.replaceChildren();
  if (!data.tenants.length) {
    tbody.append(el("tr", {}, el("td", { colspan: "8", class: "empty" }, "No tenants yet: header tenants appear after the agent's first request.")));
  }
  for (const t of data.tenants) {
    addTenantOption(t.name);
    const r = t.rates;
    tbody.append(el("tr", {},
      el("th", { scope: "row" }, t.name),
      el("td", {}, t.source),
      el("td", { class: "mono" }, dbText(t.database)),
      healthCell(t),
      poolCell(t.pool),
      el("td", { class: "num" }, r.requests),
      el("td", { class: "num" }, r.client_errors),
      el("td", { class: "num" }, r.server_errors),
    ));
  }
}

// ---------------------------------------------------------------- loop

function loop(fn, ms) {
  const run = async () => {
    if (!state.paused) {
      try {
        await fn(false);
      } catch (e) {
        setConnection("Cannot reach sqlscim: " + e.message + " (retrying)", true);
      }
    }
    setTimeout(run, ms);
  };
  setTimeout(run, ms);
}

function refilter() {
  state.generation++;
  state.resetting = true;
  pollEvents(true)
    .catch((e) => setConnection("Cannot reach sqlscim: " + e.message, true))
    .finally(() => { state.resetting = false; });
}

function start() {
  let debounce;
  $("filter-user").addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(refilter, 250);
  });
  $("filter-tenant").addEventListener("change", refilter);
  $("filter-outcome").addEventListener("change", refilter);
  $("filters").addEventListener("submit", (e) => { e.preventDefault(); refilter(); });
  $("pause").addEventListener("click", () => {
    state.paused = !state.paused;
    $("pause").setAttribute("aria-pressed", String(state.paused));
    $("pause").textContent = state.paused ? "Resume updates" : "Pause updates";
    setConnection(state.paused ? "Paused" : "Live", false);
  });
  pollTenants().catch((e) => setConnection("Cannot reach sqlscim: " + e.message, true));
  refilter();
  loop(pollEvents, EVENT_POLL_MS);
  loop(pollTenants, TENANT_POLL_MS);
}

start();
