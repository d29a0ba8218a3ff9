#include "engine/app/report.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "engine/app/plot.hpp"
#include "engine/app/roofline.hpp"
#include "engine/sema/thresholds.hpp"

namespace exctl::app {
namespace {

// The chips the roofline chart compares when the report covers the whole database: the
// export-control story in seven lines (one Okabe-Ito colour each).
constexpr std::string_view kRooflineChips[] = {
    "nvidia-h100-sxm", "nvidia-h20", "nvidia-h200-sxm",   "nvidia-a100-sxm",
    "nvidia-b200",     "amd-mi300x", "huawei-ascend-910c"};

// What a regime draws on a plane: its on-plane control thresholds. Two regimes with the
// same draw the same panel (us-2024-12 inherits us-2023-10's), so the report shows one.
using Signature = std::set<std::tuple<std::string, int, std::string, std::string>>;
Signature plane_signature(const sema::Regime& r, sema::FieldId x, sema::FieldId y) {
  Signature sig;
  auto a = sema::analyse_thresholds(r);
  for (const auto& c : a.comparisons) {
    if (c.quantity < 0) continue;
    const auto& f = a.quantities[c.quantity].fields;
    if (!f.count(x) && !f.count(y)) continue;
    for (const auto& cl : c.clauses)
      if (cl.kind == sema::ClauseRef::Kind::control || cl.kind == sema::ClauseRef::Kind::licence)
        sig.insert({a.quantities[c.quantity].text(), static_cast<int>(c.op),
                    c.threshold.value.exact_text(),
                    cl.kind == sema::ClauseRef::Kind::control ? cl.id : "licence"});
  }
  return sig;
}

bool has_control(const Signature& sig) {
  return std::any_of(sig.begin(), sig.end(),
                     [](const auto& t) { return std::get<3>(t) != "licence"; });
}

}  // namespace

std::unique_ptr<ReportRun> build_report(Session& session, const ReportRequest& request) {
  auto run = std::make_unique<ReportRun>();
  DiagnosticSink& sink = session.sink;
  CheckRequest creq;
  creq.chips = request.chips;
  creq.all = request.all || (request.chips.empty() && request.spec.empty());
  creq.spec = request.spec;
  creq.regimes = request.regimes;
  creq.to = request.to;
  creq.date = request.date;
  if (std::find(creq.regimes.begin(), creq.regimes.end(), "current") != creq.regimes.end()) {
    sink.report({Severity::error,
                 "E0803",
                 "a report needs regimes by id, not 'current'",
                 {},
                 {"'exctl regimes list' shows which are in force"}});
    return nullptr;
  }
  auto checked = check_chips(session, creq);
  if (!checked) return nullptr;
  run->check = std::move(*checked);
  if (run->check.subjects.empty()) {
    sink.report({Severity::error, "E0801", "no chip to report on: the selection is empty", {}, {}});
    return nullptr;
  }
  const Check& check = *run->check.check;
  std::vector<const sema::Regime*> regimes;
  for (const auto& row : run->check.rows)
    if (row.regime && std::find(regimes.begin(), regimes.end(), row.regime) == regimes.end())
      regimes.push_back(row.regime);
  for (const auto* r : regimes)
    run->regimes.push_back(*r);
  auto& view = run->view;
  view.version = request.version;
  view.date = sema::date_text(check.date());
  view.to = request.to.text;
  view.to_name = check.book().groups.country_name(request.to.text);
  view.interpretation = session.options.describe();
  view.regimes = &run->regimes;
  view.rows = &run->check.rows;
  for (const auto& s : run->check.subjects) {
    view.chips.push_back({s.chip ? &*s.chip : nullptr, s.id, s.name, &s.values});
    if (s.chip) view.records.push_back({&*s.chip, compute_metrics(*s.chip, session.options)});
  }

  // The two planes, one panel per regime that draws something new on them.
  for (auto kind : {PlaneKind::tpp_pd, PlaneKind::bandwidth}) {
    auto x = kind == PlaneKind::tpp_pd ? sema::FieldId::tpp : sema::FieldId::memory_bandwidth;
    auto y = kind == PlaneKind::tpp_pd ? sema::FieldId::performance_density
                                       : sema::FieldId::interconnect_bandwidth;
    std::vector<std::pair<Signature, std::string>> seen;
    PlaneRequest preq;
    preq.kind = kind;
    preq.chips = request.chips;
    preq.all = creq.all;
    preq.spec = request.spec;
    preq.to = request.to;
    preq.date = request.date;
    for (const auto* r : regimes) {
      auto sig = plane_signature(*r, x, y);
      if (!has_control(sig)) continue;
      auto same =
          std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == sig; });
      if (same != seen.end()) {
        view.notes.push_back(
            fmt::format("{} chart: {} draws the same regions as {}, so it has no "
                        "panel of its own.",
                        kind == PlaneKind::tpp_pd ? "TPP x PD" : "Bandwidth", r->id, same->second));
        continue;
      }
      seen.push_back({sig, r->id});
      preq.regimes.push_back(r->id);
    }
    if (preq.regimes.empty()) continue;
    auto chart = plane_chart(session, preq);
    if (!chart) return nullptr;
    (kind == PlaneKind::tpp_pd ? run->tpp_pd : run->bandwidth) = std::move(*chart);
  }
  view.tpp_pd = run->tpp_pd ? &*run->tpp_pd : nullptr;
  view.bandwidth = run->bandwidth ? &*run->bandwidth : nullptr;

  // The roofline: the named chips (all of them in the table, the first seven charted), or
  // the reference set for the whole database.
  // check_chips puts a --spec chip first; the roofline takes it as its own --spec.
  std::vector<std::string> ids;
  for (size_t i = request.spec.empty() ? 0 : 1; i < run->check.subjects.size(); ++i)
    ids.push_back(run->check.subjects[i].id);
  auto request_of = [&](const std::vector<std::string>& chips) {
    RooflineRequest r;
    r.model = request.model;
    r.spec = request.spec;
    if (!chips.empty()) r.chip = chips.front();
    for (size_t i = 1; i < chips.size(); ++i)
      r.compare += (i > 1 ? "," : "") + chips[i];
    return r;
  };
  // A chip the roofline cannot estimate (a spec without memory bandwidth) leaves the
  // roofline out with a note; a bad --model is the user's error, as in `roofline`.
  DiagnosticSink outer = std::move(session.sink);
  session.sink = DiagnosticSink{};
  auto settle = [&]() {
    bool failed = session.sink.has_errors();
    bool model_error = false;
    for (const auto& d : session.sink.sorted()) {
      // A chip that cannot be estimated (E0508, E0509, E0801) is the data's limit; anything
      // else (an unknown or broken model) is the request's error.
      bool chip_limit = d.code == "E0508" || d.code == "E0509" || d.code == "E0801";
      model_error = model_error || (d.severity == Severity::error && !chip_limit);
      if (d.severity == Severity::error)
        view.notes.push_back(fmt::format("Roofline left out: {}.", d.message));
    }
    if (model_error) outer.merge(session.sink);
    session.sink = std::move(outer);
    return failed ? (model_error ? -1 : 0) : 1;
  };
  auto est = estimate_roofline(session, request_of(ids));
  if (!est) {
    if (settle() < 0) return nullptr;
    view.roofline_points = &run->roofline_points;
    return run;
  }
  run->roofline_points = std::move(est->points);
  view.model_id = est->model.id;
  if (!run->roofline_points.empty()) view.workload = run->roofline_points.front().workload;
  std::vector<std::string> charted;
  if (creq.all && request.chips.empty()) {
    for (auto id : kRooflineChips)
      if (std::find(ids.begin(), ids.end(), id) != ids.end()) charted.emplace_back(id);
  } else {
    for (size_t i = 0; i < ids.size() && charted.size() < 7; ++i)
      charted.push_back(ids[i]);
    if (ids.size() > 7)
      view.notes.push_back("Roofline chart: the first seven chips; the table has them all.");
  }
  if (auto chart = roofline_chart(session, request_of(charted))) run->roofline = std::move(*chart);
  if (settle() < 0) return nullptr;
  view.roofline = run->roofline ? &*run->roofline : nullptr;
  view.roofline_points = &run->roofline_points;
  return run;
}

}  // namespace exctl::app
