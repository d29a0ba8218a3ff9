// The drafting page: reads the regimes, sends the sliders' values to /api/evaluate and
// redraws. Text from the server is put in with textContent; only the charts' SVG, which the
// server escapes, goes in as markup.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { regimes: [], regime: null, values: {}, moving: "", busy: false, again: false };

// Words for a threshold's name, from the names the shipped rules use.
const WORDS = [
  [/^combined/, "Memory + interconnect bandwidth limit"],
  [/^dram|^mem_?bw|^bandwidth/, "Memory bandwidth limit"],
  [/^io|^interconnect/, "Interconnect (I/O) bandwidth limit"],
  [/^mbd/, "Memory bandwidth density"],
  [/^tpp/, "Total processing performance (TPP)"],
  [/^pd/, "Performance density (TPP per mm²)"],
];
function words(name) {
  for (const [re, w] of WORDS) if (re.test(name)) return w;
  return name.replace(/_/g, " ");
}
const VERDICT = { controlled: "controlled", not_controlled: "not controlled",
  indeterminate: "undecided (missing data)", excluded: "excluded" };

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function showError(diagnostics) {
  const box = $("error");
  if (!diagnostics) { box.hidden = true; box.textContent = ""; return; }
  box.hidden = false;
  box.textContent = "Not accepted: " + diagnostics.map((d) => d.message +
    (d.notes && d.notes.length ? " (" + d.notes.join("; ") + ")" : "")).join("\n");
}

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const type = res.headers.get("Content-Type") || "";
  const data = type.startsWith("application/json") ? await res.json() : await res.text();
  if (!res.ok) { const e = new Error("refused"); e.diagnostics = data.diagnostics || []; throw e; }
  return data;
}

function query(extra = {}) {
  const params = {};
  for (const p of state.regime.sliders)
    if (state.values[p.name] !== undefined && Number(state.values[p.name]) !== Number(p.value))
      params[p.name] = state.values[p.name] + (p.unit ? " " + p.unit : "");
  const q = { regime: state.regime.id, to: $("to").value.trim(), hq: $("hq").value.trim(),
    date: $("date").value, params };
  if (state.moving) q.moving = state.moving;
  return Object.assign(q, extra);
}

// The clauses whose text names the parameter: what moving it touches.
function usedIn(name) {
  const re = new RegExp("\\b" + name + "\\b");
  const ids = (state.regime.clauses || []).filter((c) => re.test(c.text)).map((c) => c.id);
  return ids.length ? "Used in: " + [...new Set(ids)].join(", ") : "";
}

function renderParams() {
  const box = $("params");
  box.replaceChildren();
  for (const p of state.regime.sliders) {
    const range = el("input", { type: "range", min: p.min, max: p.max, step: p.step,
      value: p.value, "aria-label": words(p.name) + " slider", "data-param": p.name });
    const number = el("input", { type: "number", min: 0, step: "any", value: p.value,
      "aria-label": words(p.name) + " value", "data-param": p.name });
    const changed = el("span", { class: "changed" });
    const row = el("div", { class: "param", "data-param": p.name },
      el("div", { class: "label" }, words(p.name)),
      el("div", { class: "rule-name" }, p.name + " in the rule file · the rule says " + p.text),
      el("div", { class: "used-in" }, usedIn(p.name)),
      el("div", { class: "row" }, range, number, el("span", {}, p.unit || ""),
        el("button", { type: "button", onclick: () => set(p, p.value, true) }, "Reset")),
      changed);
    const set = (param, v, fromReset) => {
      state.values[param.name] = String(v);
      range.value = v; number.value = v;
      changed.textContent = Number(v) !== Number(param.value) ? "changed from " + param.text : "";
      state.moving = param.name;
      for (const r of box.querySelectorAll(".param")) r.classList.toggle("active", r === row);
      if (fromReset || true) evaluate();
    };
    range.addEventListener("input", () => set(p, range.value));
    number.addEventListener("change", () => set(p, number.value));
    box.append(row);
  }
}

function chipName(id) {
  const c = state.chips.find((x) => x.id === id);
  return c ? c.name : id;
}

function renderDiff(diff) {
  const box = $("diff");
  box.replaceChildren();
  if (!diff) { $("diff-summary").textContent = ""; return; }
  const s = diff.summary;
  $("diff-summary").textContent = (s.caught + s.released + s.paragraphs + s.licence +
    s.indeterminate) === 0 ? "No chip changes against the rule as written."
    : `${s.caught} newly caught, ${s.released} released, ${s.licence} with another licence ` +
      `outcome, ${s.indeterminate} now undecided (against the rule as written).`;
  const ul = el("ul");
  const rank = { released: 0, caught: 1, licence: 2, indeterminate: 3, paragraphs: 4 };
  const chips = [...diff.chips].sort((a, b) => (rank[a.change] ?? 5) - (rank[b.change] ?? 5));
  const outcome = (o) => o.verdict === "controlled" && o.paragraphs.length
    ? "controlled: " + o.paragraphs.join(", ") : VERDICT[o.verdict] || o.verdict;
  for (const c of chips) {
    const cls = c.change === "caught" ? "caught" : c.change === "released" ? "released" : "";
    const what = { caught: "newly caught", released: "released", licence: "licence outcome changes",
      paragraphs: "still controlled, by fewer or other clauses", indeterminate: "now undecided" }[c.change] || c.change;
    ul.append(el("li", { "data-chip": c.chip },
      el("button", { class: "link", type: "button", onclick: () => explain(c.chip) }, c.name),
      " — ", el("span", { class: cls }, what),
      ` (${outcome(c.before)} → ${outcome(c.after)})`));
  }
  box.append(ul);
}

function renderBreakpoints(list) {
  const ul = $("breakpoints");
  ul.replaceChildren();
  if (!state.moving) return;
  $("moving-note").textContent = `For “${words(state.moving)}” (${state.moving}): the chips whose ` +
    "outcome changes somewhere on the slider, and where.";
  const items = Array.isArray(list) ? list : (list && list.breakpoints) || [];
  if (!items.length) ul.append(el("li", {}, "No chip changes anywhere on this slider: other " +
    "thresholds decide them."));
  for (const b of items)
    ul.append(el("li", {}, el("b", {}, chipName(b.chip)), ": " + b.text));
}

function renderChips(records) {
  const body = $("chips").tBodies[0];
  body.replaceChildren();
  for (const r of records || []) {
    const licence = r.licence && r.licence.required === true ? "required"
      : r.licence && r.licence.required === false ? "not required" : "—";
    body.append(el("tr", { "data-chip": r.chip },
      el("td", {}, el("button", { class: "link", type: "button", onclick: () => explain(r.chip) },
        chipName(r.chip))),
      el("td", { class: "v-" + r.verdict }, VERDICT[r.verdict] || r.verdict), el("td", {}, licence)));
  }
}

function renderChart(which, chart) {
  const box = $("chart-" + which);
  if (chart && chart.svg) {
    box.innerHTML = chart.svg;  // escaped by the server's SVG renderer
    for (const g of box.querySelectorAll("g.chip"))
      g.addEventListener("click", () => explain(g.getAttribute("data-chip")));
  } else {
    box.replaceChildren(el("p", { class: "note" },
      (chart && chart.diagnostics && chart.diagnostics[0] ? chart.diagnostics[0].message
        : "no chart") + "."));
  }
}

async function evaluate() {
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  const started = performance.now();
  try {
    const r = await api("/api/evaluate", query());
    showError(null);
    renderChart("bandwidth", r.charts.bandwidth);
    renderChart("tpp_pd", r.charts.tpp_pd);
    renderDiff(r.diff);
    renderBreakpoints(r.breakpoints);
    renderChips(r.check);
    $("status").textContent = `Re-evaluated ${r.check.length} chips under ${r.draft} in ` +
      `${Math.round(performance.now() - started)} ms.`;
    document.body.setAttribute("data-evaluated", String(Number(document.body.getAttribute("data-evaluated") || 0) + 1));
  } catch (e) {
    showError(e.diagnostics || [{ message: String(e) }]);
  } finally {
    state.busy = false;
    if (state.again) { state.again = false; evaluate(); }
  }
}

async function explain(chip) {
  try {
    const r = await api("/api/explain", query({ chip, moving: undefined }));
    const rec = r.record;
    $("explain-title").textContent = `Why: ${chipName(chip)} under ${rec.regime}`;
    const licence = rec.licence && rec.licence.required === true ? "a licence is required"
      : rec.licence && rec.licence.required === false ? "no licence is required" : "";
    $("explain-verdict").textContent = `Verdict: ${VERDICT[rec.verdict] || rec.verdict}` +
      (rec.paragraphs.length ? ` (${rec.paragraphs.join(", ")})` : "") + (licence ? `; ${licence}` : "") +
      ". The full reasoning, clause by clause, with each value and its source:";
    $("explain-text").textContent = r.text;
    $("explain").showModal();
  } catch (e) { showError(e.diagnostics); }
}

async function loophole() {
  const box = $("loophole");
  box.replaceChildren(el("p", {}, "Searching…"));
  try {
    const r = await api("/api/loophole", query({ moving: undefined }));
    const row = r.rows[0];
    box.replaceChildren();
    if (!row || !row.found) { box.append(el("p", {}, "No design within today's technology meets the goal.")); return; }
    const d = row.design;
    box.append(el("p", {}, el("b", {}, (row.h100_ratio * 100).toFixed(0) + "% of an H100"),
        ` at serving ${r.workload.split(",")[0]} (decode speed), best real chip allowed: ` +
        `${row.best_real || "none"}.`),
      el("p", { class: "note" }, `Design: TPP ${Math.round(d.tpp)}, memory bandwidth ` +
        `${Math.round(d.memory_bandwidth_gbps)} GB/s, interconnect ${Math.round(d.interconnect_gbps)} GB/s, ` +
        `${d.memory_capacity_gb} GB ${d.memory}.`));
  } catch (e) { box.replaceChildren(); showError(e.diagnostics); }
}

async function download() {
  try {
    const text = await api("/api/draft", query({ moving: undefined }));
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/plain" })),
      download: "draft-" + state.regime.id + ".rules" });
    document.body.append(a); a.click(); a.remove();
  } catch (e) { showError(e.diagnostics); }
}

function chooseRegime() {
  state.regime = state.regimes.find((r) => r.id === $("regime").value);
  state.values = {}; state.moving = "";
  $("regime-note").textContent = [state.regime.title, state.regime.citation].filter(Boolean).join(" — ");
  $("loophole").replaceChildren();
  renderParams();
  evaluate();
}

async function start() {
  $("date").value = new Date().toISOString().slice(0, 10);
  try {
    [state.regimes, state.chips] = await Promise.all([api("/api/regimes"), api("/api/chips")]);
  } catch (e) { showError(e.diagnostics || [{ message: String(e) }]); return; }
  const select = $("regime");
  for (const r of state.regimes)
    select.append(el("option", { value: r.id }, `${r.id} — ${r.title} (${r.status.replace(/_/g, " ")})`));
  const preferred = state.regimes.find((r) => r.id === "us-2025-04-h20");
  if (preferred) select.value = preferred.id;
  select.addEventListener("change", chooseRegime);
  for (const id of ["to", "hq", "date"]) $(id).addEventListener("change", evaluate);
  $("download").addEventListener("click", download);
  $("loophole-run").addEventListener("click", loophole);
  chooseRegime();
}
start();
