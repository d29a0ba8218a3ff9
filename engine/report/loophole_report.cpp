#include "engine/report/loophole_report.hpp"

#include <fmt/format.h>

#include "engine/report/chip_report.hpp"

namespace exctl::report {
namespace {

using draft::Resource;

std::string with_unit(const Rational& v, const std::string& unit) {
  std::string text = v.format(v.is_integer() ? 0 : 2);
  if (!v.is_integer() && Rational::parse(text) != v) text = v.format(4);
  return unit.empty() ? text : text + " " + unit;
}

std::string opt_unit(const std::optional<Rational>& v, const std::string& unit) {
  return v ? with_unit(*v, unit) : "-";
}

std::string ratio_text(const std::optional<double>& r) {
  return r ? fmt::format("{:.2f}x", *r) : "-";
}

std::string number(double v, int digits = 0) {
  auto r = Rational::from_double(v);
  return r ? r->format(digits) : "-";
}

const char* unit_of(Resource r) {
  switch (r) {
    case Resource::tpp:
      return "";
    case Resource::area:
      return "mm2";
    case Resource::bandwidth:
    case Resource::interconnect:
      return "GB/s";
    case Resource::capacity:
      return "GB";
  }
  return "";
}

std::string objective_unit(const std::string& objective) {
  if (objective == "decode") return "tokens/s per chip";
  if (objective == "interactive") return "tokens/s per user";
  return "s to first token";
}

// The objective as people read it: the time itself for ttft (the search maximises 1/ttft).
std::string objective_text(const LoopholeView& v, const LoopholeRow& row) {
  if (v.objective == "ttft")
    return fmt::format("{:.3f} {}", row.result.estimate.expected.ttft_s,
                       objective_unit(v.objective));
  return fmt::format("{} {}", number(row.result.objective, 1), objective_unit(v.objective));
}

std::string binding_text(const draft::Bound& b, Resource r) {
  std::string value = bound_text(b, unit_of(r));
  if (b.kind == draft::Bound::Kind::threshold)
    return fmt::format("{}: {} ({})", value, b.item, b.clause);
  return fmt::format("{}: {}", value, b.item);
}

nlohmann::ordered_json bound_json(const draft::Bound& b) {
  nlohmann::ordered_json j;
  j["value"] = json_number(b.value);
  j["exact"] = b.value.exact_text();
  j["just_below"] = b.open;
  j["kind"] = b.kind == draft::Bound::Kind::threshold ? "threshold" : "limit";
  j["item"] = b.item;
  if (b.kind == draft::Bound::Kind::threshold) j["clause"] = b.clause;
  return j;
}

nlohmann::ordered_json ratio_json(const std::optional<double>& r) {
  return r ? nlohmann::ordered_json(*r) : nlohmann::ordered_json();
}

}  // namespace

std::string bound_text(const draft::Bound& b, const std::string& unit) {
  return b.open ? "just below " + with_unit(b.value, unit) : with_unit(b.value, unit);
}

std::string loophole_text(const LoopholeView& v) {
  std::string out;
  out += fmt::format("loophole: goal {}{}{}, {}, {}\n", v.goal, v.to.empty() ? "" : " to " + v.to,
                     v.hq.empty() ? "" : " (headquarters " + v.hq + ")", v.space, v.date);
  out += fmt::format("objective: {} on {}\n", objective_unit(v.objective), v.workload);
  for (const auto& row : v.rows) {
    const auto& r = row.result;
    out += fmt::format("\n{}\n", row.regime);
    if (!r.found) {
      out += fmt::format("  no design meets the goal ({} designs decided)\n", r.points);
      continue;
    }
    const auto& d = r.design;
    out += fmt::format(
        "  design      TPP {}, PD {}, {} die area ({} {}), {} {}, {}, interconnect {}, {}\n",
        with_unit(d.tpp, ""), with_unit(d.pd, "/mm2"), with_unit(d.area, "mm2"), d.dies,
        d.dies == 1 ? "die" : "dies", row.memory, with_unit(d.bandwidth, "GB/s"),
        with_unit(d.capacity, "GB"), with_unit(d.interconnect, "GB/s"),
        d.datacenter ? "datacenter" : "not datacenter");
    out += fmt::format("  objective   {}: {} the H100 SXM", objective_text(v, row),
                       ratio_text(row.h100_ratio));
    if (!row.best_real.empty())
      out += fmt::format(", {} the best real chip meeting the goal ({})",
                         ratio_text(row.best_real_ratio), row.best_real);
    else
      out += ", no chip of the database meets the goal";
    if (row.original_ratio)
      out += fmt::format(", {} the chip as it is", ratio_text(row.original_ratio));
    out += "\n";
    out += "  binding\n";
    for (size_t k = 0; k < draft::kResourceCount; ++k) {
      auto res = static_cast<Resource>(k);
      out +=
          fmt::format("    {:<22} {}\n", draft::resource_name(res), binding_text(r.bounds[k], res));
    }
    if (!row.changes.empty()) {
      out += "  changes\n";
      for (const auto& c : row.changes) {
        bool same = c.before == c.after;
        out += fmt::format("    {:<22} {} -> {}{}\n", c.field, opt_unit(c.before, c.unit),
                           opt_unit(c.after, c.unit), same ? " (kept)" : "");
      }
    }
    out += fmt::format("  searched    {} designs, {} meeting the goal\n",
                       Rational(static_cast<int64_t>(r.points)).format(0),
                       Rational(static_cast<int64_t>(r.feasible)).format(0));
    for (const auto& n : r.notes)
      out += fmt::format("  note: {}\n", n);
  }
  if (!v.emitted.empty())
    out += fmt::format("\nwrote {} (check it with exctl check --spec {})\n", v.emitted, v.emitted);
  return out;
}

nlohmann::ordered_json loophole_json(const LoopholeView& v) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["goal"] = v.goal;
  j["to"] = v.to;
  j["hq"] = v.hq;
  j["date"] = v.date;
  j["space"] = v.space;
  j["objective"] = v.objective;
  j["workload"] = v.workload;
  if (!v.from.empty()) j["from"] = v.from;
  auto rows = nlohmann::ordered_json::array();
  for (const auto& row : v.rows) {
    const auto& r = row.result;
    nlohmann::ordered_json o;
    o["regime"] = row.regime;
    o["found"] = r.found;
    if (r.found) {
      const auto& d = r.design;
      nlohmann::ordered_json design;
      design["tpp"] = json_number(d.tpp);
      design["performance_density"] = json_number(d.pd);
      design["die_area_mm2"] = json_number(d.area);
      design["dies"] = d.dies;
      design["memory"] = row.memory;
      design["memory_bandwidth_gbps"] = json_number(d.bandwidth);
      design["memory_capacity_gb"] = json_number(d.capacity);
      design["interconnect_gbps"] = json_number(d.interconnect);
      design["datacenter"] = d.datacenter;
      nlohmann::ordered_json peaks;
      for (Precision p : kAllPrecisions) {
        if (const auto& x = d.peak[static_cast<size_t>(p)])
          peaks[std::string(precision_key(p))] = json_number(*x);
      }
      design["dense_peak"] = peaks;
      o["design"] = design;
      o["objective"] = v.objective == "ttft" ? r.estimate.expected.ttft_s : r.objective;
      o["h100_ratio"] = ratio_json(row.h100_ratio);
      o["best_real"] = row.best_real;
      o["best_real_ratio"] = ratio_json(row.best_real_ratio);
      if (!v.from.empty()) o["original_ratio"] = ratio_json(row.original_ratio);
      nlohmann::ordered_json binding;
      for (size_t k = 0; k < draft::kResourceCount; ++k)
        binding[std::string(draft::resource_name(static_cast<Resource>(k)))] =
            bound_json(r.bounds[k]);
      o["binding"] = binding;
      if (!row.changes.empty()) {
        auto ch = nlohmann::ordered_json::array();
        for (const auto& c : row.changes)
          ch.push_back({{"field", c.field},
                        {"unit", c.unit},
                        {"before", json_number(c.before)},
                        {"after", json_number(c.after)}});
        o["changes"] = ch;
      }
    }
    o["designs"] = r.points;
    o["meeting_goal"] = r.feasible;
    o["notes"] = r.notes;
    rows.push_back(o);
  }
  j["rows"] = rows;
  if (!v.emitted.empty()) j["emitted"] = v.emitted;
  return j;
}

Table loophole_table(const LoopholeView& v) {
  Table t({{"regime", "regime"},
           {"tpp", "TPP", true},
           {"performance_density", "PD", true},
           {"memory_bandwidth_gbps", "bandwidth GB/s", true},
           {"memory_capacity_gb", "capacity GB", true},
           {"interconnect_gbps", "interconnect GB/s", true},
           {"objective", v.objective == "ttft" ? "TTFT s" : "tokens/s", true},
           {"h100_ratio", "vs H100", true},
           {"best_real", "best real chip"},
           {"best_real_ratio", "vs best real", true},
           {"tpp_binding", "TPP bound by", false, false},
           {"bandwidth_binding", "bandwidth bound by", false, false}});
  for (const auto& row : v.rows) {
    const auto& r = row.result;
    if (!r.found) {
      t.add_row({{row.regime, row.regime},
                 {"-", {}},
                 {"-", {}},
                 {"-", {}},
                 {"-", {}},
                 {"-", {}},
                 {"-", {}},
                 {"-", {}},
                 {"", ""},
                 {"-", {}},
                 {"", ""},
                 {"", ""}});
      continue;
    }
    const auto& d = r.design;
    auto num = [](const Rational& x, const std::string& u) {
      return Cell{with_unit(x, u), json_number(x)};
    };
    double obj = v.objective == "ttft" ? r.estimate.expected.ttft_s : r.objective;
    t.add_row({{row.regime, row.regime},
               num(d.tpp, ""),
               num(d.pd, ""),
               num(d.bandwidth, ""),
               num(d.capacity, ""),
               num(d.interconnect, ""),
               {v.objective == "ttft" ? fmt::format("{:.3f}", obj) : number(obj, 1), obj},
               {ratio_text(row.h100_ratio), ratio_json(row.h100_ratio)},
               {row.best_real, row.best_real},
               {ratio_text(row.best_real_ratio), ratio_json(row.best_real_ratio)},
               {binding_text(r.bounds[0], Resource::tpp), binding_text(r.bounds[0], Resource::tpp)},
               {binding_text(r.bounds[2], Resource::bandwidth),
                binding_text(r.bounds[2], Resource::bandwidth)}});
  }
  return t;
}

// ---- fleet

namespace {

std::string big(double v) {
  if (v >= 1e12) return fmt::format("{:.2f} T", v / 1e12);
  if (v >= 1e9) return fmt::format("{:.2f} G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.2f} M", v / 1e6);
  return number(v, 0);
}

}  // namespace

Table fleet_table(const FleetView& v) {
  std::vector<Column> cols = {{"chip", "chip"},
                              {"count", "count", true},
                              {"tpp_total", "TPP total", true},
                              {"h100_by_tpp", "H100-eq (TPP)", true},
                              {"tp", "TP", true},
                              {"replicas", "replicas", true},
                              {"tokens_per_s", "tokens/s", true},
                              {"tokens_per_day", "tokens/day", true},
                              {"h100_by_inference", "H100-eq (inference)", true},
                              {"memory_tb", "memory TB", true},
                              {"bandwidth_pbps", "bandwidth PB/s", true},
                              {"source", "source", false, false}};
  for (const auto& r : v.regimes)
    cols.push_back({"caught:" + r, r});
  Table t(cols);
  const auto& res = *v.result;
  auto caught_cell = [](draft::Caught c) {
    return Cell{std::string(draft::caught_name(c)), std::string(draft::caught_name(c))};
  };
  for (const auto& row : res.rows) {
    const auto& u = row.unit;
    std::vector<Cell> cells = {
        {u.name, u.id},
        {Rational(u.count).format(0), u.count},
        {row.tpp_total ? big(row.tpp_total->to_double()) : "-", json_number(row.tpp_total)},
        {row.h100_by_tpp ? number(*row.h100_by_tpp) : "-", ratio_json(row.h100_by_tpp)},
        {row.tp > 0 ? std::to_string(row.tp) : "-",
         row.tp > 0 ? nlohmann::ordered_json(row.tp) : nlohmann::ordered_json()},
        {Rational(row.replicas).format(0), row.replicas},
        {big(row.tokens_per_s), row.tokens_per_s},
        {big(row.tokens_per_day), row.tokens_per_day},
        {row.h100_by_inference ? number(*row.h100_by_inference) : "-",
         ratio_json(row.h100_by_inference)},
        {number(row.memory_gb / 1000, 1), row.memory_gb / 1000},
        {number(row.bandwidth_tbps / 1000, 2), row.bandwidth_tbps / 1000},
        {u.source, u.source}};
    for (size_t k = 0; k < v.regimes.size(); ++k)
      cells.push_back(caught_cell(k < u.caught.size() ? u.caught[k] : draft::Caught::unknown));
    t.add_row(std::move(cells));
  }
  const auto& tot = res.totals;
  std::vector<Cell> cells = {
      {"total", "total"},
      {Rational(tot.count).format(0), tot.count},
      {big(tot.tpp_total.to_double()) + (tot.tpp_complete ? "" : " (some unknown)"),
       json_number(tot.tpp_total)},
      {number(tot.h100_by_tpp), tot.h100_by_tpp},
      {"", nlohmann::ordered_json()},
      {Rational(tot.replicas).format(0), tot.replicas},
      {big(tot.tokens_per_s), tot.tokens_per_s},
      {big(tot.tokens_per_day), tot.tokens_per_day},
      {number(tot.h100_by_inference), tot.h100_by_inference},
      {number(tot.memory_gb / 1000, 1), tot.memory_gb / 1000},
      {number(tot.bandwidth_tbps / 1000, 2), tot.bandwidth_tbps / 1000},
      {"", ""}};
  for (const auto& s : tot.shares)
    cells.push_back({fmt::format("{:.1f}%", 100 * s.count_share), s.count_share});
  t.add_row(std::move(cells));
  return t;
}

std::string fleet_text(const FleetView& v) {
  const auto& res = *v.result;
  std::string out = fmt::format("fleet {}: {} on {}{}\n", v.file, "inference capacity", v.workload,
                                v.to.empty() ? "" : ", destination " + v.to);
  out += render_text(fleet_table(v));
  out += fmt::format("H100 SXM baseline: {} tokens/s per chip at tp {}\n",
                     number(res.h100_tokens_per_s, 1), res.h100_tp);
  for (size_t k = 0; k < v.regimes.size() && k < res.totals.shares.size(); ++k) {
    const auto& s = res.totals.shares[k];
    out +=
        fmt::format("{} {}: {} of {} chips ({:.1f}%), {:.1f}% of the fleet's TPP{}\n", v.regimes[k],
                    v.to.empty() ? "controls" : "needs a licence for", Rational(s.count).format(0),
                    Rational(res.totals.count).format(0), 100 * s.count_share, 100 * s.tpp_share,
                    s.unknown ? fmt::format("; {} undecided", Rational(s.unknown).format(0)) : "");
  }
  for (const auto& row : res.rows) {
    if (row.tp == 0)
      out +=
          fmt::format("note: {} runs no replica of the workload: {}\n", row.unit.name, row.why_not);
  }
  return out;
}

nlohmann::ordered_json fleet_json(const FleetView& v) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["file"] = v.file;
  j["workload"] = v.workload;
  j["date"] = v.date;
  j["to"] = v.to;
  j["h100_tokens_per_s"] = v.result->h100_tokens_per_s;
  j["h100_tp"] = v.result->h100_tp;
  j["rows"] = to_json(fleet_table(v));
  auto shares = nlohmann::ordered_json::array();
  for (size_t k = 0; k < v.regimes.size() && k < v.result->totals.shares.size(); ++k) {
    const auto& s = v.result->totals.shares[k];
    shares.push_back({{"regime", v.regimes[k]},
                      {"count", s.count},
                      {"unknown", s.unknown},
                      {"count_share", s.count_share},
                      {"tpp_share", s.tpp_share}});
  }
  j["shares"] = shares;
  return j;
}

}  // namespace exctl::report
