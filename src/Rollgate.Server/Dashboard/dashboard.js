// The rollout at a glance: GET /v1/status with the person's token, every 30 seconds. Every value from the server
// is written as text (never as HTML), so nothing in the data can run as script.
"use strict";

const tokenKey = "rollgate.token";
const refreshMs = 30000;

const $ = (id) => document.getElementById(id);

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? "-";
  if (className) td.className = className;
  return td;
}

function item(list, text, className) {
  const li = document.createElement("li");
  li.textContent = text;
  if (className) li.className = className;
  list.appendChild(li);
}

// "2026-02-11T08:30:12.56-08:00" as "2026-02-11 08:30 -08:00": the server writes times in the plan's zone.
function when(ts) {
  if (!ts) return "-";
  const offset = ts.match(/(Z|[+-]\d\d:\d\d)$/);
  return ts.slice(0, 16).replace("T", " ") + (offset ? " " + offset[1] : "");
}

function number(value, metric) {
  if (value === null || value === undefined) return "-";
  const ratio = ["task_accuracy", "error_rate", "weekly_active_users", "lead_response_time_improvement"];
  return ratio.includes(metric) ? (value * 100).toFixed(1) + "%" : (+value.toFixed(2)).toString();
}

function rows(tableId) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren();
  return body;
}

function render(status) {
  $("phase").textContent = status.phase ? `${status.phase.name} (${status.phase.id})` : "none";
  const agents = $("agents");
  agents.textContent = status.agents;
  agents.className = "pill " + status.agents;
  $("days").textContent = status.phase && status.phase.days_left !== null ? `${status.phase.days_left} days left` : "";
  $("updated").textContent = "as of " + when(status.at);

  const gate = status.gate;
  $("gate-decision").textContent = gate ? gate.decision : "no phase";
  $("gate-decision").className = gate && gate.decision === "go" ? "ok" : gate && gate.decision === "no-go" ? "bad" : "warn";
  $("gate-action").textContent = gate ? gate.action_detail : "";
  const metrics = rows("metrics");
  for (const m of gate ? gate.metrics : []) {
    const row = metrics.insertRow();
    cell(row, m.metric);
    cell(row, number(m.value, m.metric), "num");
    cell(row, (m.direction === "min" ? "≥ " : "≤ ") + number(m.target, m.metric), "num");
    cell(row, m.met === null ? "no data" : m.met ? "yes" : "no", m.met === null ? "muted" : m.met ? "ok" : "bad");
    cell(row, String(m.n), "num");
  }

  const rolledBack = $("rolled-back");
  rolledBack.hidden = !status.rolled_back;
  rolledBack.textContent = status.rolled_back
    ? `Rolled back at ${when(status.rolled_back.ts)} (${status.rolled_back.trigger}): ${status.rolled_back.reason ?? ""}` : "";
  const pending = new Map(status.pending.map((p) => [p.id, p]));
  const triggers = rows("triggers");
  for (const t of status.triggers.checked) {
    const row = triggers.insertRow();
    cell(row, t.id);
    cell(row, t.kind);
    const state = t.fired ? "FIRED" : pending.has(t.id) ? "pending" : "ok";
    cell(row, state, t.fired ? "bad" : pending.has(t.id) ? "warn" : "ok");
    cell(row, t.reason);
  }

  const incidents = $("incidents");
  incidents.replaceChildren();
  for (const i of status.open_incidents) item(incidents, `${i.id}: ${i.severity} ${i.category}, since ${when(i.ts)}${i.title ? " (" + i.title + ")" : ""}`, i.severity === "critical" ? "bad" : "");
  for (const b of status.open_bugs) item(incidents, `${b.id}: ${b.priority} bug, since ${when(b.ts)}${b.title ? " (" + b.title + ")" : ""}`, b.priority === "p0" ? "bad" : "");
  if (!incidents.children.length) item(incidents, "none", "muted");

  const reviews = $("reviews");
  reviews.replaceChildren();
  for (const r of status.incidents_under_review) {
    const review = r.review_done ? "review done" : `review due ${when(r.review_due)}${r.review_overdue ? " (OVERDUE)" : ""}`;
    const findings = r.findings_done ? "findings done" : `findings due ${when(r.findings_due)}${r.findings_overdue ? " (OVERDUE)" : ""}`;
    item(reviews, `${r.id} (${r.trigger}): ${review}; ${findings}`, r.review_overdue || r.findings_overdue ? "bad" : "");
  }
  if (!reviews.children.length) item(reviews, "none", "muted");

  const holds = $("holds");
  holds.replaceChildren();
  for (const h of status.legal_holds) item(holds, `${h.id}, placed ${when(h.placed)}: ${h.reason}`);
  if (!holds.children.length) item(holds, "none", "muted");

  const channels = rows("channels");
  for (const [name, c] of Object.entries(status.notifications)) {
    const row = channels.insertRow();
    cell(row, name);
    cell(row, c.configured ? c.state : "not configured", c.state === "failing" ? "bad" : c.state === "ok" ? "ok" : "muted");
    cell(row, String(c.pending), "num");
    cell(row, c.last_attempt ? `${when(c.last_attempt)}${c.last_detail ? ": " + c.last_detail : ""}` : "never");
  }
  if (!channels.rows.length) {
    const row = channels.insertRow();
    cell(row, "no channel configured: notices are not sent", "muted").colSpan = 4;
  }
}

function showError(message) {
  const error = $("error");
  error.textContent = message;
  error.hidden = !message;
}

function signedIn(yes) {
  $("signin").hidden = yes;
  $("board").hidden = !yes;
  $("signout").hidden = !yes;
}

let busy = false;

async function refresh() {
  // One request at a time: a slow answer is not overtaken by the next tick's.
  if (busy) return;
  busy = true;
  try {
    await load();
  } finally {
    busy = false;
  }
}

async function load() {
  const token = sessionStorage.getItem(tokenKey);
  if (!token) return signedIn(false);
  let response, status;
  try {
    response = await fetch("/v1/status", { headers: { Authorization: "Bearer " + token }, cache: "no-store" });
    status = response.ok ? await response.json() : null;
  } catch {
    $("updated").textContent = "the server did not answer; retrying";
    return;
  }

  // Signed out (or signed in as someone else) while the request was on its way: its answer is not theirs.
  if (sessionStorage.getItem(tokenKey) !== token) return;

  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(tokenKey);
    signedIn(false);
    showError(response.status === 401
      ? "That token is not valid (unknown or revoked)."
      : "Your role may not see the rollout status (sales ops, reviewers and execs may).");
    return;
  }

  if (!response.ok) {
    $("updated").textContent = `the server answered ${response.status}; retrying`;
    return;
  }

  showError("");
  try {
    render(status);
  } catch (error) {
    $("updated").textContent = "the status could not be shown: " + error.message;
    return;
  }

  signedIn(true);
}

function start() {
  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(tokenKey, $("token").value.trim());
    $("token").value = "";
    refresh();
  });
  $("signout").addEventListener("click", () => {
    sessionStorage.removeItem(tokenKey);
    signedIn(false);
  });
  refresh();
  setInterval(refresh, refreshMs);
}

document.addEventListener("DOMContentLoaded", start);
