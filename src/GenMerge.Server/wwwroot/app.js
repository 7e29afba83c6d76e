// GenMerge dashboard: polls the merge API (the same one the Functions app serves) and draws the runs
// list and one run's page. No framework, no build step; loss curves are drawn on a canvas.
"use strict";
const STAGES = ["validate", "shards", "rooting", "init", "finetune", "select", "publish", "eval", "report"];
const FINISHED = ["Completed", "Failed", "Terminated"];
const POLL_MS = 1500;
const params = new URLSearchParams(location.search);
if (params.get("code")) sessionStorage.setItem("genmerge-key", params.get("code"));
const key = sessionStorage.getItem("genmerge-key");
const history = {}; // "run|job" -> [{step, g, d}]: the server's recorded curve, extended by what this page polls
let timer = null;

function api(path) {
  return fetch(path, { headers: key ? { "x-functions-key": key } : {} }).then(r => {
    document.getElementById("conn").textContent = r.status === 401 ? "API key needed: open /?code=KEY" : "";
    if (!r.ok) throw new Error(path + ": " + r.status);
    return r.headers.get("content-type").startsWith("application/json") ? r.json() : r.text();
  });
}
function withKey(url) { return key ? url + (url.includes("?") ? "&" : "?") + "code=" + encodeURIComponent(key) : url; }
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) if (k === "class") e.className = v; else e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return e;
}
function progressOf(p) {
  const jobs = Object.values((p && p.jobs) || {});
  const total = jobs.reduce((s, j) => s + j.total, 0), done = jobs.reduce((s, j) => s + Math.min(j.step, j.total), 0);
  return total > 0 ? done / total : null;
}
function eta(p) {
  if (!p || p.etaSeconds == null) return "";
  const s = Math.round(p.etaSeconds);
  return s >= 3600 ? Math.floor(s / 3600) + " h " + Math.round((s % 3600) / 60) + " min" : s >= 60 ? Math.floor(s / 60) + " min " + (s % 60) + " s" : s + " s";
}
function bar(fraction) {
  const b = el("span", { class: "bar" }, el("span"));
  b.firstChild.style.width = Math.round(100 * (fraction || 0)) + "%";
  return b;
}

async function showList(view) {
  const page = await api("/api/merges?top=100");
  const rows = page.merges.map(m => {
    const f = FINISHED.includes(m.runtimeStatus) && m.runtimeStatus === "Completed" ? 1 : progressOf(m.progress);
    return el("tr", { "data-id": m.id },
      el("td", {}, el("a", { href: "#/runs/" + encodeURIComponent(m.id) }, m.id)),
      el("td", { class: "state " + m.runtimeStatus }, m.runtimeStatus),
      el("td", {}, FINISHED.includes(m.runtimeStatus) ? "" : (m.progress ? m.progress.stage : "")),
      el("td", {}, f == null ? "" : bar(f), f == null ? "" : " " + Math.round(100 * f) + " %"),
      el("td", {}, FINISHED.includes(m.runtimeStatus) ? "" : eta(m.progress)),
      el("td", { class: "muted" }, new Date(m.createdAt).toLocaleString()));
  });
  view.replaceChildren(el("h2", {}, "Merges"),
    rows.length ? el("table", { id: "runs" }, el("thead", {}, el("tr", {}, ...["run", "state", "stage", "progress", "ETA", "created"].map(h => el("th", {}, h)))), el("tbody", {}, ...rows))
      : el("p", { class: "muted", id: "runs-empty" }, "No merges yet: POST a request to /api/merges or drop one into the inbox."));
}

function timeline(status) {
  const stage = status.progress ? status.progress.stage : "validate";
  const at = status.runtimeStatus === "Completed" ? STAGES.length : STAGES.indexOf(stage);
  return el("div", { class: "timeline", id: "timeline" }, ...STAGES.map((s, i) =>
    el("span", { class: "stage " + (i < at ? "done" : i === at ? (FINISHED.includes(status.runtimeStatus) ? "" : "current") : ""), "data-stage": s }, s)));
}

function drawCurve(canvas, points) {
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height, pad = 24;
  ctx.clearRect(0, 0, w, h);
  if (points.length === 0) return;
  const vals = points.flatMap(p => [p.g, p.d]).filter(Number.isFinite);
  const lo = Math.min(...vals), hi = Math.max(...vals), span = hi - lo || 1;
  const s0 = points[0].step, s1 = points[points.length - 1].step, ss = s1 - s0 || 1;
  const x = s => pad + (w - 2 * pad) * (s - s0) / ss, y = v => h - pad - (h - 2 * pad) * (v - lo) / span;
  ctx.strokeStyle = "#ccc"; ctx.strokeRect(pad, pad, w - 2 * pad, h - 2 * pad);
  ctx.fillStyle = "#888"; ctx.font = "10px sans-serif";
  ctx.fillText(hi.toFixed(3), 2, pad - 4); ctx.fillText(lo.toFixed(3), 2, h - 6); ctx.fillText("step " + s1, w - 70, h - 6);
  for (const [k, color] of [["g", "#1f5fbf"], ["d", "#c62828"]]) {
    ctx.strokeStyle = color; ctx.beginPath();
    points.forEach((p, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(p.step), y(p[k])));
    if (points.length === 1) ctx.arc(x(points[0].step), y(points[0][k]), 2, 0, 7);
    ctx.stroke();
  }
}

async function showRun(view, id) {
  const status = await api("/api/merges/" + encodeURIComponent(id));
  try {
    const recorded = await api("/api/merges/" + encodeURIComponent(id) + "/losses");
    for (const [job, points] of Object.entries(recorded.jobs)) {
      const k = id + "|" + job;
      if (!history[k] || points.length >= history[k].length) history[k] = points.map(p => ({ step: p.step, g: p.lossG, d: p.lossD }));
    }
  } catch (e) { /* the status alone still draws the curves from now on */ }
  const jobs = Object.entries((status.progress && status.progress.jobs) || {});
  for (const [job, p] of jobs) {
    const h = history[id + "|" + job] ||= [];
    if (!h.length || h[h.length - 1].step !== p.step) h.push({ step: p.step, g: p.lossG, d: p.lossD });
  }
  const charts = Object.keys(history).filter(k => k.startsWith(id + "|")).map(k => {
    const job = k.slice(id.length + 1), c = el("canvas", { width: 360, height: 160 });
    drawCurve(c, history[k]);
    const p = status.progress && status.progress.jobs[job];
    return el("div", { class: "job", "data-job": job }, el("div", {}, job + (p ? ` — step ${p.step}/${p.total}, G ${p.lossG.toFixed(3)}, D ${p.lossD.toFixed(3)}` : "")), c);
  });
  let grids = [];
  try { grids = (await api("/api/merges/" + encodeURIComponent(id) + "/files?prefix=grids/")).files.filter(f => f.endsWith(".png")); } catch (e) { /* no run folder yet */ }
  const parts = [
    el("h2", {}, "Merge ", el("code", {}, id)),
    el("p", {}, "State: ", el("span", { id: "run-state", class: "state " + status.runtimeStatus }, status.runtimeStatus),
      status.progress && !FINISHED.includes(status.runtimeStatus) ? `  stage ${status.progress.stage}, ETA ${eta(status.progress) || "?"}` : ""),
    timeline(status),
  ];
  if (status.failure) parts.push(el("p", { class: "failure", id: "failure" }, status.failure.errorType + ": " + status.failure.errorMessage));
  if (charts.length) parts.push(el("h3", {}, "Training losses (G blue, D red)"), el("div", { class: "jobs" }, ...charts));
  if (grids.length) parts.push(el("h3", {}, "Samples"), el("div", { class: "grids" }, ...grids.map(g =>
    el("figure", {}, el("img", { class: "grid", alt: g, src: withKey(`/api/merges/${encodeURIComponent(id)}/files/${g}`) }), el("figcaption", { class: "muted" }, g)))));
  if (status.runtimeStatus === "Completed") {
    try { parts.push(el("h3", {}, "Report"), el("pre", { id: "report" }, await api(`/api/merges/${encodeURIComponent(id)}/files/report.md`))); } catch (e) { /* report not written */ }
  }
  parts.push(el("p", {}, el("a", { href: "#/" }, "← all merges")));
  view.replaceChildren(...parts);
  return FINISHED.includes(status.runtimeStatus);
}

async function render() {
  clearTimeout(timer);
  const view = document.getElementById("view"), route = location.hash.replace(/^#/, "") || "/";
  let done = false;
  try {
    const m = route.match(/^\/runs\/(.+)$/);
    if (m) done = await showRun(view, decodeURIComponent(m[1])); else await showList(view);
  } catch (e) {
    view.replaceChildren(el("p", { class: "failure" }, String(e.message || e)));
  }
  // A finished run's page no longer changes; everything else keeps polling.
  if (!done) timer = setTimeout(render, POLL_MS);
}
window.addEventListener("hashchange", render);
render();
