#include "engine/app/plot.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/app/catalogue.hpp"
#include "engine/app/lookup.hpp"
#include "engine/base/files.hpp"
#include "engine/eval/values.hpp"
#include "engine/sema/thresholds.hpp"

namespace exctl::app {
namespace {

using sema::FieldId;

// The 1-2-5 value at or below v (down) or at or above it (up): round axis ends.
double nice(double v, bool up, bool fine = false) {
  double k = std::pow(10.0, std::floor(std::log10(v)));
  const double steps[] = {1, 2, 5, 10};
  if (up) {
    for (double s : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
      if ((fine || s == 1 || s == 2 || s == 5 || s == 10) && s * k >= v * (1 - 1e-12)) return s * k;
    return 10 * k;
  }
  for (int i = 3; i >= 0; --i)
    if (steps[i] * k <= v * (1 + 1e-12)) return steps[i] * k;
  return k;
}

struct PlaneSpec {
  FieldId x, y;
  report::ChartAxis ax, ay;
  std::string kind, what;
};

PlaneSpec spec_of(PlaneKind kind) {
  if (kind == PlaneKind::tpp_pd)
    return {FieldId::tpp,
            FieldId::performance_density,
            {"Total processing performance (TPP)", "", true, 1, 10, "TPP", ""},
            {"Performance density (PD = TPP / die area)", "per mm²", true, 1, 10, "PD", ""},
            "tpp-pd",
            "TPP or performance density"};
  return {FieldId::memory_bandwidth,
          FieldId::interconnect_bandwidth,
          {"Memory bandwidth", "GB/s", false, 0, 1, "memory", " GB/s"},
          {"Chip-to-chip interconnect bandwidth", "GB/s", false, 0, 1, "interconnect", " GB/s"},
          "bandwidth",
          "memory or interconnect bandwidth"};
}

// The subjects of a plot: CHIP..., --all, --spec, or a --specs catalogue; every chip of the
// database when none is named.
std::vector<Subject> subjects_of(Session& session, Check& check, const PlaneRequest& request,
                                 bool& ok) {
  std::vector<Subject> out;
  DiagnosticSink& sink = session.sink;
  ok = false;
  if (!request.specs.empty()) {
    auto catalogue = CatalogueReader::open(request.specs, sink);
    if (!catalogue) return out;
    CatalogueEntry entry;
    while (catalogue->next(entry)) {
      std::string id = entry.id.empty() ? fmt::format("line {}", entry.line) : entry.id;
      std::string name = entry.name.empty() ? id : entry.name;
      out.push_back({std::move(id), std::move(name), nullptr, entry.values, {}});
    }
  }
  if (!request.spec.empty()) {
    auto chip = session.load_spec(request.spec);
    if (!chip) return out;
    out.push_back({chip->id, chip->name, std::make_shared<const Chip>(std::move(*chip)), {}, {}});
  }
  bool from_db =
      !request.chips.empty() || request.all || (request.spec.empty() && request.specs.empty());
  if (from_db) {
    auto chips = session.shared_chips();
    if (!chips) return out;
    for (const auto& name : request.chips)
      if (const Chip* c = resolve_chip(*chips, name, sink))
        out.push_back({c->id, c->name, shared_chip(chips, *c), {}, {}});
    if (request.all || request.chips.empty())
      for (const auto& c : *chips)
        out.push_back({c.id, c.name, shared_chip(chips, c), {}, {}});
  }
  if (sink.has_errors()) return out;
  for (auto& s : out)
    if (s.chip)
      s.values =
          eval::chip_values(*s.chip, compute_metrics(*s.chip, session.options), check.date());
  ok = true;
  return out;
}

void error(DiagnosticSink& sink, std::string code, std::string message,
           std::vector<std::string> notes = {}) {
  sink.report({Severity::error, std::move(code), std::move(message), {}, std::move(notes)});
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string s;
  for (const auto& x : v)
    s += (s.empty() ? "" : std::string(sep)) + x;
  return s;
}

// The regimes a chart draws: those asked for, or the plane's own default; never 'current'.
std::optional<std::vector<std::string>> chart_regimes(DiagnosticSink& sink,
                                                      const PlaneRequest& request) {
  std::vector<std::string> ids = request.regimes;
  if (ids.empty()) ids = {request.kind == PlaneKind::tpp_pd ? "us-2023-10" : "us-2026-01-h20"};
  if (std::find(ids.begin(), ids.end(), "current") != ids.end()) {
    error(sink, "E0803", "a chart needs regimes by id, not 'current'",
          {"'exctl regimes list' shows which are in force"});
    return std::nullopt;
  }
  return ids;
}

// A chip's decision under one regime of a chart; nullptr when it has none (E0421).
using DecisionOf = std::function<const eval::Decision*(size_t subject, const sema::Regime&)>;

// The chart of `subjects` under the regimes `ids` of `check`'s book, each chip's marker
// from `decision_of`.
std::optional<report::PlaneChart> draw_plane(DiagnosticSink& sink, const PlaneRequest& request,
                                             const std::vector<std::string>& ids,
                                             const Check& check,
                                             const std::vector<Subject>& subjects,
                                             const DecisionOf& decision_of) {
  PlaneSpec spec = spec_of(request.kind);
  std::vector<const sema::Regime*> regimes;
  for (const auto& id : ids)
    if (const auto* r = check.book().find(id);
        r && std::find(regimes.begin(), regimes.end(), r) == regimes.end())
      regimes.push_back(r);

  eval::Query query{request.to.text, "", check.date()};
  report::PlaneChart chart;
  chart.kind = spec.kind;
  chart.x = spec.ax;
  chart.y = spec.ay;

  // Each regime's regions need the viewport, which needs the chips and the thresholds.
  std::vector<sema::ThresholdAnalysis> analyses;
  for (const auto* r : regimes) {
    bool on_plane = false;
    for (const auto& cmp :
         (analyses.emplace_back(sema::analyse_thresholds(*r)), analyses.back()).comparisons)
      if (cmp.quantity >= 0) {
        const auto& f = analyses.back().quantities[cmp.quantity].fields;
        for (const auto& c : cmp.clauses)
          on_plane = on_plane || ((f.count(spec.x) || f.count(spec.y)) &&
                                  c.kind == sema::ClauseRef::Kind::control);
      }
    if (!on_plane)
      error(sink, "E0802",
            fmt::format("regime '{}' has no control on {}: nothing to draw on this chart", r->id,
                        spec.what),
            {spec.kind == "tpp-pd" ? "for memory and interconnect criteria: exctl plot bandwidth"
                                   : "for TPP and performance density: exctl plot tpp-pd"});
  }
  if (sink.has_errors()) return std::nullopt;

  if (subjects.empty()) {
    error(sink, "E0801", "no chip to plot: the selection is empty",
          {"name chips, give --all, or a --specs catalogue with at least one valid line"});
    return std::nullopt;
  }

  // The viewport: every chip with both values and every threshold drawn, with room.
  double x_lo = HUGE_VAL, x_hi = 0, y_lo = HUGE_VAL, y_hi = 0;
  auto take = [](double v, double& lo, double& hi) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  };
  std::vector<char> plotted(subjects.size(), 0);
  std::map<std::string, std::vector<std::string>> unplotted;  // why -> chips
  for (size_t i = 0; i < subjects.size(); ++i) {
    auto x = subjects[i].values.num(spec.x), y = subjects[i].values.num(spec.y);
    std::vector<std::string> why;
    if (!x) why.push_back(std::string(sema::field_info(spec.x).name) + " unknown");
    if (!y) why.push_back(std::string(sema::field_info(spec.y).name) + " unknown");
    if (spec.ax.log && x && x->to_double() <= 0) why.push_back("TPP 0 on a log axis");
    if (spec.ay.log && y && y->to_double() <= 0) why.push_back("PD 0 on a log axis");
    if (!why.empty()) {
      unplotted[join(why, ", ")].push_back(subjects[i].name);
      continue;
    }
    plotted[i] = 1;
    take(x->to_double(), x_lo, x_hi);
    take(y->to_double(), y_lo, y_hi);
  }
  for (const auto& [why, names] : unplotted)
    chart.unplotted.push_back(why + ": " + join(names, ", "));
  for (size_t k = 0; k < regimes.size(); ++k)
    for (const auto& cmp : analyses[k].comparisons) {
      if (cmp.quantity < 0 || cmp.threshold.kind != sema::Threshold::Kind::exact) continue;
      auto f = analyses[k].quantities[cmp.quantity].field();
      double v = cmp.threshold.value.to_double();
      if (f == spec.x && v > 0) take(v, x_lo, x_hi);
      if (f == spec.y && v > 0) take(v, y_lo, y_hi);
    }
  if (x_hi <= 0 || y_hi <= 0) {
    x_lo = y_lo = 1;
    x_hi = y_hi = 10;
  }
  if (spec.ax.log) {
    chart.x.lo = nice(x_lo / 1.6, false);
    chart.x.hi = nice(x_hi * 1.6, true);
    chart.y.lo = nice(y_lo / 1.6, false);
    chart.y.hi = nice(y_hi * 1.6, true);
  } else {
    chart.x.lo = 0;
    chart.y.lo = 0;
    chart.x.hi = nice(x_hi * 1.08, true, true);
    chart.y.hi = nice(y_hi * 1.08, true, true);
  }

  eval::FieldValues fixed;
  fixed.set(FieldId::datacenter, true);
  for (const auto* r : regimes) {
    report::PlanePanel panel;
    panel.regime = r->id;
    panel.title = r->title;
    panel.citation = r->citation;
    draft::PlaneRequest preq{spec.x,     spec.y,       chart.x.lo, chart.x.hi, chart.y.lo,
                             chart.y.hi, !spec.ax.log, fixed,      query};
    panel.regions = draft::plane_regions(*r, preq);
    chart.panels.push_back(std::move(panel));
  }

  // Each chip's own verdict under each regime, and the region it lies in.
  for (size_t i = 0; i < subjects.size(); ++i) {
    if (!plotted[i]) continue;
    double x = subjects[i].values.num(spec.x)->to_double();
    double y = subjects[i].values.num(spec.y)->to_double();
    for (size_t k = 0; k < regimes.size(); ++k) {
      auto& panel = chart.panels[k];
      const eval::Decision* decision = decision_of(i, *regimes[k]);
      if (!decision) continue;
      report::PlaneChip c;
      c.id = subjects[i].id;
      c.name = subjects[i].name;
      c.x = x;
      c.y = y;
      c.verdict = decision->verdict;
      c.paragraphs = join(decision->paragraphs, ", ");
      const auto* cell = draft::cell_at(panel.regions, {x, y});
      c.region = !cell                     ? ""
                 : cell->depends           ? "depends"
                 : cell->paragraph.empty() ? "not controlled"
                                           : cell->paragraph;
      c.detail = fmt::format(
          "{} {}, {} {}", spec.ax.short_name,
          eval::format_value(*subjects[i].values.num(spec.x), sema::field_info(spec.x).dim),
          spec.ay.short_name,
          eval::format_value(*subjects[i].values.num(spec.y), sema::field_info(spec.y).dim));
      if (!decision->missing.empty()) c.detail += "; missing " + join(decision->missing, ", ");
      if (decision->licence.required)
        c.detail += *decision->licence.required ? "; licence required to " + request.to.text
                                                : "; no licence required to " + request.to.text;
      panel.chips.push_back(std::move(c));
    }
  }

  std::string date = sema::date_text(check.date());
  if (spec.kind == "tpp-pd") {
    chart.title = "Where chips fall under the TPP and performance-density thresholds";
    chart.subtitle = fmt::format(
        "Shaded: what the rule controls for a datacenter chip at each point. Markers: each "
        "chip's own verdict{}, {}.",
        request.to.text.empty() ? "" : " (licence to " + request.to.text + " in the tooltip)",
        date);
  } else {
    chart.title = "Where chips fall under the memory and interconnect bandwidth criteria";
    chart.subtitle = fmt::format(
        "Shaded: what the rule controls at each point from these two values alone. Markers: "
        "each chip's own verdict under the whole rule, {}.",
        date);
  }
  chart.notes.push_back(
      "Regions are decided by exctl's rule engine at a point inside each area, for a chip "
      "designed or marketed for datacenters (other fields unknown); thresholds are the "
      "regimes' own. Chip values: exctl's chip database (chipdb/), default interpretation "
      "options.");
  for (const auto& p : chart.panels) {
    std::vector<std::string> off;
    for (const auto& c : regimes[&p - &chart.panels[0]]->controls)
      if (std::find(p.regions.paragraphs.begin(), p.regions.paragraphs.end(), c.paragraph) ==
          p.regions.paragraphs.end())
        off.push_back(c.paragraph);
    if (!off.empty())
      chart.notes.push_back(fmt::format(
          "{}: {} depend{} on other values and {} not shaded; "
          "markers include them.",
          p.regime, join(off, ", "), off.size() == 1 ? "s" : "", off.size() == 1 ? "is" : "are"));
  }
  return chart;
}

}  // namespace

std::optional<report::PlaneChart> plane_chart(Session& session, const PlaneRequest& request) {
  auto ids = chart_regimes(session.sink, request);
  if (!ids) return std::nullopt;
  CheckRequest creq;
  creq.regimes = *ids;
  creq.to = request.to;
  creq.date = request.date;
  creq.compiled = true;  // verdicts only: the chart needs no trace
  auto check = Check::prepare(session, creq);
  if (!check) return std::nullopt;
  bool ok = false;
  auto subjects = subjects_of(session, *check, request, ok);
  if (!ok) return std::nullopt;
  // Each chip is decided once, for every panel: its rows are kept until the next chip.
  size_t decided = subjects.size();
  std::vector<report::DecisionRow> rows;
  return draw_plane(session.sink, request, *ids, *check, subjects,
                    [&](size_t i, const sema::Regime& r) -> const eval::Decision* {
                      if (decided != i) rows = check->decide(subjects[decided = i]);
                      for (const auto& row : rows)
                        if (row.regime == &r) return &row.decision;
                      return nullptr;
                    });
}

std::optional<report::PlaneChart> plane_chart(Session& session, const PlaneRequest& request,
                                              const CheckRun& checked) {
  auto ids = chart_regimes(session.sink, request);
  if (!ids) return std::nullopt;
  if (checked.subjects.empty()) {
    error(session.sink, "E0801", "no chip to plot: the selection is empty");
    return std::nullopt;
  }
  // Rows are in subject order: the first row of each subject, then the others beside it.
  std::vector<size_t> first_row(checked.subjects.size(), checked.rows.size());
  for (size_t k = checked.rows.size(); k-- > 0;)
    first_row[checked.subject_of_row[k]] = k;
  return draw_plane(session.sink, request, *ids, *checked.check, checked.subjects,
                    [&](size_t i, const sema::Regime& r) -> const eval::Decision* {
                      for (size_t k = first_row[i];
                           k < checked.rows.size() && checked.subject_of_row[k] == i; ++k)
                        if (checked.rows[k].regime == &r) return &checked.rows[k].decision;
                      return nullptr;
                    });
}

std::optional<report::RooflineChart> roofline_chart(Session& session,
                                                    const RooflineRequest& request) {
  RooflineRequest req = request;
  if (req.batch.find_first_of(",.") != std::string::npos || req.batch == "max") {
    error(session.sink, "E0803", "a roofline chart takes one batch size: --batch N",
          {"the chart marks one workload's prefill and decode points per chip"});
    return std::nullopt;
  }
  auto run = estimate_roofline(session, req);
  if (!run) return std::nullopt;
  report::RooflineChart chart;
  const auto& w = run->points.empty() ? roofline::Workload{} : run->points.front().workload;
  chart.title = fmt::format("Roofline: {} inference, batch {}", run->model.name, w.batch);
  chart.subtitle = fmt::format(
      "Attainable throughput = min(peak, bandwidth x intensity), speed of light. Prefill and "
      "decode of {} input and {} output tokens, weights {}, KV cache {}{}.",
      w.input, w.output, roofline::format_key(w.precisions.weights),
      roofline::format_key(w.precisions.kv),
      w.tp > 1 ? fmt::format(", tensor parallel over {}", w.tp) : "");
  for (const auto& p : run->points) {
    const auto& e = p.estimate;
    if (e.status == roofline::Status::unavailable || e.gemm_peak <= 0 || e.bandwidth <= 0) {
      std::string missing;
      for (const auto& m : e.missing)
        missing += (missing.empty() ? "" : ", ") + m;
      chart.notes.push_back(
          fmt::format("Not plotted: {} ({}).", p.chip_name,
                      missing.empty() ? "cannot be estimated" : "missing " + missing));
      continue;
    }
    chart.format = std::string(roofline::format_key(e.gemm));
    report::RooflineChip c{p.chip_id,
                           p.chip_name,
                           e.gemm_peak,
                           e.bandwidth,
                           e.prefill_intensity,
                           e.decode_intensity,
                           std::string(roofline::bottleneck_label(e.prefill_bottleneck)),
                           std::string(roofline::bottleneck_label(e.decode_bottleneck))};
    if (e.status == roofline::Status::does_not_fit)
      chart.notes.push_back(fmt::format(
          "{}: the workload does not fit in its memory at this batch; the points show the roofline "
          "only.",
          p.chip_name));
    chart.chips.push_back(std::move(c));
  }
  if (chart.chips.empty()) {
    error(session.sink, "E0801", "no chip to plot: none of the chips can be estimated");
    return std::nullopt;
  }
  chart.notes.push_back(
      "Peaks are dense datasheet figures of the GEMM format; bandwidth is the memory "
      "bandwidth. Intensities are FLOP per byte of memory traffic from exctl's roofline model "
      "(docs/roofline.md).");
  return chart;
}

std::optional<SweepChartRun> sweep_chart(Session& session, const SweepRequest& request) {
  if (request.params.size() != 1) {
    error(session.sink, "E0803", "a sweep chart takes exactly one --param",
          {"for two parameters: exctl sweep REGIME --param A --param B"});
    return std::nullopt;
  }
  auto r = sweep_regime(session, request);
  if (!r) return std::nullopt;
  SweepChartRun run;
  run.result = std::make_unique<SweepResult>(std::move(*r));
  const auto& res = *run.result;
  const auto& req = res.check->request();
  run.view = report::SweepView{res.regime->id,
                               sema::date_text(res.check->date()),
                               req.to.text,
                               req.hq.text,
                               &res.axes,
                               &res.ids,
                               &res.steps,
                               &res.breakpoints,
                               !req.to.text.empty() || !req.hq.text.empty()};
  auto& chart = run.chart;
  chart.view = run.view;
  chart.names = res.names;
  const auto& axis = res.axes.front();
  chart.unit = sema::dim_name(axis.dim);
  int p = res.regime->find_param(axis.param);
  if (p >= 0) {
    chart.current = res.regime->params[p].value.to_double();
    chart.has_current = true;
  }
  chart.title = fmt::format("{}: chips {} as {} varies", res.regime->id,
                            run.view.licence ? "needing a licence" : "controlled", axis.param);
  chart.subtitle =
      fmt::format("{} chips{}, {}.", res.ids.size(),
                  run.view.licence ? " exported to " + req.to.text : "", run.view.date);
  chart.citation = res.regime->citation;
  chart.notes.push_back(
      "Each step re-decides the regime with the parameter at that value; breakpoints are exact "
      "(exctl sweep --breakpoints).");
  return run;
}

bool write_output(Session& session, const std::string& path, const std::string& content) {
  return write_file_atomic(path, content, "E0110", session.sink);
}

}  // namespace exctl::app
