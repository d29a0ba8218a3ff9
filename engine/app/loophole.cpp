#include "engine/app/loophole.hpp"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "chipdb/spec_toml.hpp"
#include "engine/app/lookup.hpp"
#include "engine/base/text.hpp"
#include "engine/roofline/reference.hpp"

namespace exctl::app {
namespace {

std::string workload_text(const WorkloadSetup& w) {
  const auto& p = w.workload.precisions;
  return fmt::format("{}, weights {}, KV {}, batch {}, {} in / {} out, tp {}", w.model.id,
                     roofline::format_key(p.weights), roofline::format_key(p.kv), w.workload.batch,
                     w.workload.input, w.workload.output, w.workload.tp);
}

bool has_hbm_type(const std::string& type) {
  return type.size() >= 3 && ascii_lower(type.substr(0, 3)) == "hbm";
}

// The space of --from CHIP: the chip's own resources as limits, its die kept.
std::optional<draft::DesignSpace> chip_space(Session& session, const Chip& chip,
                                             std::optional<bool> datacenter,
                                             std::vector<std::string>& notes) {
  ChipMetrics m = compute_metrics(chip, session.options);
  std::vector<std::string> missing;
  const auto& area = m.performance_density.applicable_area_mm2;
  if (!area || *area <= Rational(0)) missing.push_back("die area");
  if (!chip.memory_bandwidth_gbps) missing.push_back("memory.bandwidth_gbps");
  if (!chip.memory_gb) missing.push_back("memory.capacity_gb");
  if (!chip.chip_to_chip_gbps) missing.push_back("interconnect.chip_to_chip_gbps");
  if (!chip.datacenter && !datacenter) missing.push_back("datacenter");
  if (m.tpp.terms.empty()) missing.push_back("compute (no throughput figure)");
  if (!missing.empty()) {
    session.sink.report(
        {Severity::error,
         "E0715",
         fmt::format("cannot redesign {}: its spec lacks {}", chip.id, fmt::join(missing, ", ")),
         {},
         {fmt::format("'exctl chips show {}' lists what the spec gives", chip.id)}});
    return std::nullopt;
  }
  draft::DesignSpace s;
  s.label = fmt::format("{} (reductions only)", chip.name);
  s.year = chip.year;
  s.max_area = *area;
  s.area_fixed = true;
  int dies = 0;
  for (const auto& d : chip.dies)
    dies += d.count;
  // One die group of the same total area, when its dies split it in whole spec units.
  s.dies = dies > 0 && (*area / Rational(dies)) * Rational(10'000) ==
                           Rational(((*area / Rational(dies)) * Rational(10'000)).num())
               ? dies
               : 1;
  std::string own = fmt::format("{}: its own value", chip.name);
  s.area_item = own;
  s.peak_item = own;
  std::array<std::optional<Rational>, kPrecisionCount> dense{};
  for (const auto& t : m.tpp.terms) {
    auto& slot = dense[static_cast<size_t>(t.precision)];
    slot = slot.value_or(Rational(0)) + t.dense;
  }
  for (size_t i = 0; i < kPrecisionCount; ++i) {
    if (dense[i]) s.peak_per_mm2[i] = *dense[i] / *area;
  }
  s.memories.push_back({chip.memory_type.empty() ? "memory" : chip.memory_type,
                        has_hbm_type(chip.memory_type), *chip.memory_bandwidth_gbps,
                        *chip.memory_gb, own});
  s.interconnect = *chip.chip_to_chip_gbps;
  s.interconnect_item = own;
  s.host_link = chip.host_link_gbps.value_or(Rational(0));
  if (!chip.host_link_gbps) notes.push_back("the chip's host link is unknown: taken as 0 GB/s");
  s.tdp = chip.tdp_w.value_or(Rational(0));
  if (!chip.tdp_w) notes.push_back("the chip's TDP is unknown: taken as 0 W");
  if (auto t = chip.transistor_count()) s.transistors_per_mm2 = *t / *area;
  s.datacenter = datacenter ? datacenter : chip.datacenter;
  s.process = chip.dies.empty() ? "" : chip.dies.front().process;
  return s;
}

// Each field --from may change, before and after.
std::vector<report::FieldChange> changes(const Chip& before, const Chip& after,
                                         const MetricOptions& options) {
  std::vector<report::FieldChange> out;
  ChipMetrics mb = compute_metrics(before, options), ma = compute_metrics(after, options);
  std::array<std::optional<Rational>, kPrecisionCount> dense{};
  for (const auto& t : mb.tpp.terms) {
    auto& slot = dense[static_cast<size_t>(t.precision)];
    slot = slot.value_or(Rational(0)) + t.dense;
  }
  for (Precision p : kAllPrecisions) {
    const auto& a = after.units.front().at(p);
    if (!dense[static_cast<size_t>(p)] && !a) continue;
    out.push_back({fmt::format("{} dense", precision_label(p)),
                   is_integer_precision(p) ? "TOPS" : "TFLOPS", dense[static_cast<size_t>(p)], a});
  }
  out.push_back(
      {"memory bandwidth", "GB/s", before.memory_bandwidth_gbps, after.memory_bandwidth_gbps});
  out.push_back({"memory capacity", "GB", before.memory_gb, after.memory_gb});
  out.push_back({"interconnect", "GB/s", before.chip_to_chip_gbps, after.chip_to_chip_gbps});
  out.push_back({"TPP", "", mb.tpp.value, ma.tpp.value});
  out.push_back(
      {"performance density", "/mm2", mb.performance_density.value, ma.performance_density.value});
  return out;
}

struct Best {
  std::string name;
  double objective = 0;
};

// The best chip of the database, released by `year`, meeting the goal under the regime.
Best best_real(const std::vector<Chip>& chips, const sema::Regime& regime, const eval::Query& query,
               draft::Goal goal, int64_t year, const draft::ObjectiveSpec& obj,
               const MetricOptions& options) {
  Best best;
  for (const auto& chip : chips) {
    if (chip.kind != ChipKind::accelerator || chip.year > year) continue;
    try {
      auto values = eval::chip_values(chip, compute_metrics(chip, options), query.date);
      if (!draft::meets(eval::decide(regime, values, query), goal)) continue;
    } catch (const eval::ArithmeticOverflow&) {
      continue;
    }
    auto e = roofline::estimate(roofline::hardware_of(chip), obj.shape, obj.workload, obj.calib);
    double v = draft::objective_value(e, obj.objective);
    if (v > best.objective) best = {chip.name, v};
  }
  return best;
}

std::optional<bool> datacenter_argument(Session& session, const std::string& text) {
  if (text == "any") return std::nullopt;
  if (text == "yes") return true;
  if (text == "no") return false;
  argument_error(session.sink, "E0714", "--datacenter takes yes, no or any", "--datacenter", text,
                 0, static_cast<uint32_t>(std::max<size_t>(text.size(), 1)));
  return std::nullopt;
}

}  // namespace

std::optional<LoopholeRun> find_loophole(Session& session, const LoopholeRequest& request) {
  DiagnosticSink& sink = session.sink;
  auto goal = draft::goal_from_name(request.goal);
  if (!goal)
    sink.error("E0710", fmt::format("unknown goal '{}'; use not-controlled, no-licence or "
                                    "not-denied",
                                    request.goal));
  auto objective = draft::objective_from_name(request.objective);
  if (!objective)
    sink.error("E0713", fmt::format("unknown objective '{}'; use decode, interactive or ttft",
                                    request.objective));
  std::optional<bool> datacenter = datacenter_argument(session, request.datacenter);
  std::vector<std::string> ids;
  for (const auto& [item, at] : split_commas(request.regimes)) {
    if (item == "current") {
      sink.error("E0114", "loophole searches named regimes; 'current' may be several");
    } else if (item.empty()) {
      argument_error(sink, "E0114", "name regimes separated by commas", "REGIME", request.regimes,
                     at, at + 1);
    } else {
      ids.push_back(item);
    }
  }
  if (goal && draft::needs_destination(*goal) && request.to.text.empty())
    sink.error("E0711", fmt::format("goal {} asks about a destination: give --to CC",
                                    draft::goal_name(*goal)));
  if (sink.has_errors()) return std::nullopt;

  CheckRequest check;
  check.regimes = ids;
  check.to = request.to;
  check.hq = request.hq;
  check.date = request.date;
  LoopholeRun run;
  run.check = Check::prepare(session, check);
  if (!run.check) return std::nullopt;
  auto setup = workload_argument(session, request.workload);
  if (!setup) return std::nullopt;
  auto chips = session.load_chips();
  if (!chips) return std::nullopt;
  if (!request.emit.empty() && ids.size() != 1) {
    sink.error("E0716", "--emit writes one design: name one regime");
    return std::nullopt;
  }

  std::vector<std::string> space_notes;
  std::optional<Chip> from;
  std::optional<draft::DesignSpace> space;
  if (!request.from.empty()) {
    if (request.envelope.year.given || !request.envelope.file.empty()) {
      sink.error("E0715",
                 "--from redesigns a chip within its own resources: no --year or "
                 "--envelope with it");
      return std::nullopt;
    }
    const Chip* c = resolve_chip(*chips, request.from, sink);
    if (!c) return std::nullopt;
    from = *c;
    space = chip_space(session, *c, datacenter, space_notes);
  } else {
    auto env = envelope_argument(session, request.envelope, run.check->date() / 10000);
    if (!env) return std::nullopt;
    space = envelope_space(*env, datacenter);
  }
  if (!space) return std::nullopt;

  eval::Query query{run.check->request().to.text, run.check->request().hq.text, run.check->date()};
  draft::ObjectiveSpec obj{roofline::shape_of(setup->model), setup->workload, setup->setup.calib,
                           *objective};
  const Chip* h100 = resolve_chip(*chips, std::string(roofline::kReferenceBaselineId), sink);
  if (!h100) return std::nullopt;
  double h100_value = draft::objective_value(
      roofline::estimate(roofline::hardware_of(*h100), obj.shape, obj.workload, obj.calib),
      obj.objective);
  double original = 0;
  if (from) {
    original = draft::objective_value(
        roofline::estimate(roofline::hardware_of(*from), obj.shape, obj.workload, obj.calib),
        obj.objective);
  }

  auto& v = run.view;
  v.goal = draft::goal_name(*goal);
  v.objective = draft::objective_name(*objective);
  v.space = space->label;
  v.to = query.to;
  v.hq = query.hq;
  v.date = sema::date_text(query.date);
  v.workload = workload_text(*setup);
  v.from = from ? from->name : "";
  for (const auto& id : ids) {
    const sema::Regime* regime = run.check->book().find(id);
    report::LoopholeRow row;
    row.regime = id;
    try {
      row.result = draft::search(*regime, query, *goal, *space, obj, session.options);
    } catch (const eval::ArithmeticOverflow& e) {
      sink.report(e.diagnostic("a loophole design"));
      return std::nullopt;
    } catch (const std::overflow_error&) {
      sink.error("E0717", fmt::format("the designs of {} are past exact arithmetic's range "
                                      "(64-bit numerator and denominator)",
                                      space->label));
      return std::nullopt;
    }
    for (const auto& n : space_notes)
      row.result.notes.push_back(n);
    const auto& r = row.result;
    if (!r.found && r.feasible > 0) {
      sink.report({Severity::error,
                   "E0712",
                   fmt::format("{} at batch {} fits on no design of {} meeting {} under {}",
                               setup->model.id, setup->workload.batch, space->label, v.goal, id),
                   {},
                   {fmt::format("{} designs meet the goal; the workload does not fit on any: "
                                "lower --batch, --input or --output, or raise --tp",
                                r.feasible)}});
      return std::nullopt;
    }
    if (r.found) {
      row.memory = space->memories[r.design.memory].name;
      if (h100_value > 0) row.h100_ratio = r.objective / h100_value;
      Best b = best_real(*chips, *regime, query, *goal, space->year, obj, session.options);
      if (b.objective > 0) {
        row.best_real = b.name;
        row.best_real_ratio = r.objective / b.objective;
      }
      if (from) {
        if (original > 0) row.original_ratio = r.objective / original;
        Chip after = draft::design_chip(r.design, *space, from->id, from->name, "");
        row.changes = changes(*from, after, session.options);
      }
      if (!request.emit.empty()) {
        std::string cid = from ? from->id + "-redesign" : "loophole-" + id;
        std::string name = from ? fmt::format("{} redesigned for {}", from->name, id)
                                : fmt::format("Loophole design under {}", id);
        std::string source =
            fmt::format("exctl loophole {} --goal {}{} ({}, {}); a design, not a product", id,
                        v.goal, query.to.empty() ? "" : " --to " + query.to, space->label, v.date);
        Chip chip = draft::design_chip(r.design, *space, cid, name, source);
        std::ofstream out(request.emit, std::ios::binary);
        out << chipdb::write_chip_spec(chip);
        if (!out) {
          sink.error("E0110", fmt::format("cannot write '{}'", request.emit));
          return std::nullopt;
        }
        v.emitted = request.emit;
      }
    } else if (!request.emit.empty()) {
      sink.error("E0716", fmt::format("no design of {} meets {} under {}: nothing to write",
                                      space->label, v.goal, id));
      return std::nullopt;
    }
    v.rows.push_back(std::move(row));
  }
  return run;
}

}  // namespace exctl::app
