#include "engine/metrics/metrics.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace exctl {

std::string MetricOptions::set(std::string_view assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos) return fmt::format("expected name=value, found '{}'", assignment);
  auto name = assignment.substr(0, eq);
  auto value = assignment.substr(eq + 1);
  auto bad = [&] { return fmt::format("'{}' is not a value of {}", value, name); };
  if (name == "tf32_bits") {
    if (value == "19") tf32_bits = 19;
    else if (value == "32") tf32_bits = 32;
    else return bad();
  } else if (name == "mx_bits") {
    if (value == "element") mx_bits = MxBits::element;
    else if (value == "with_scale") mx_bits = MxBits::with_scale;
    else return bad();
  } else if (name == "io_dies") {
    if (value == "include") io_dies = IoDies::include;
    else if (value == "exclude") io_dies = IoDies::exclude;
    else return bad();
  } else if (name == "sparse_only") {
    if (value == "halve") sparse_only = SparseOnly::halve;
    else if (value == "as_is") sparse_only = SparseOnly::as_is;
    else return bad();
  } else if (name == "units") {
    if (value == "sum") units = Units::sum;
    else if (value == "best") units = Units::best;
    else return bad();
  } else {
    return fmt::format("unknown interpretation option '{}'", name);
  }
  return "";
}

std::vector<std::string> MetricOptions::describe() const {
  return {
      fmt::format("tf32_bits={}", tf32_bits),
      fmt::format("mx_bits={}", mx_bits == MxBits::element ? "element" : "with_scale"),
      fmt::format("io_dies={}", io_dies == IoDies::include ? "include" : "exclude"),
      fmt::format("sparse_only={}", sparse_only == SparseOnly::halve ? "halve" : "as_is"),
      fmt::format("units={}", units == Units::sum ? "sum" : "best"),
  };
}

Rational bit_length(Precision p, const MetricOptions& options) {
  bool scaled = options.mx_bits == MetricOptions::MxBits::with_scale;
  switch (p) {
    case Precision::fp64: return 64;
    case Precision::fp32: return 32;
    case Precision::tf32: return options.tf32_bits;
    case Precision::fp16: return 16;
    case Precision::int16: return 16;
    case Precision::fp8: return 8;
    case Precision::int8: return 8;
    case Precision::fp6: return scaled ? Rational(25, 4) : Rational(6);
    case Precision::fp4: return scaled ? Rational(17, 4) : Rational(4);
    case Precision::int4: return 4;
  }
  return 0;
}

TppResult compute_tpp(const Chip& chip, const MetricOptions& options) {
  TppResult result;
  bool halve = options.sparse_only == MetricOptions::SparseOnly::halve;
  std::vector<std::vector<TppTerm>> unit_basis;
  std::vector<Rational> unit_best;
  for (size_t u = 0; u < chip.units.size(); ++u) {
    const auto& unit = chip.units[u];
    std::vector<TppTerm> best;
    for (Precision p : kAllPrecisions) {
      const auto& peak = unit.at(p);
      if (!peak) continue;
      TppTerm term;
      term.unit = u;
      term.precision = p;
      term.peak = *peak;
      term.halved = unit.is_sparse(p) && halve;
      term.dense = term.halved ? *peak / 2 : *peak;
      term.bits = bit_length(p, options);
      term.tpp = term.dense * term.bits;
      term.estimated = chip.compute.is_estimated(precision_key(p));
      result.terms.push_back(term);
      if (best.empty() || term.tpp > best.front().tpp) best = {term};
      else if (term.tpp == best.front().tpp) best.push_back(term);
    }
    if (best.empty()) continue;
    unit_best.push_back(best.front().tpp);
    unit_basis.push_back(std::move(best));
  }
  if (unit_basis.empty()) return result;

  if (options.units == MetricOptions::Units::best) {
    auto it = std::max_element(unit_best.begin(), unit_best.end());
    auto i = static_cast<size_t>(it - unit_best.begin());
    result.value = *it;
    result.basis = unit_basis[i];
  } else {
    Rational total = 0;
    for (size_t i = 0; i < unit_basis.size(); ++i) {
      total = total + unit_best[i];
      result.basis.insert(result.basis.end(), unit_basis[i].begin(), unit_basis[i].end());
    }
    result.value = total;
  }
  // A tie is only as sure as its best-attested term; halving is flagged only if every
  // tied term of a unit was halved (otherwise a dense figure gives the same value).
  for (const auto& basis : unit_basis) {
    bool all_halved = std::all_of(basis.begin(), basis.end(), [](const TppTerm& t) { return t.halved; });
    bool all_estimated = std::all_of(basis.begin(), basis.end(), [](const TppTerm& t) { return t.estimated; });
    result.sparse_halved = result.sparse_halved || all_halved;
    result.estimated = result.estimated || all_estimated;
  }
  return result;
}

std::string TppResult::derivation(const Chip& chip) const {
  if (!value) return "unknown: the spec gives no throughput figure";
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < basis.size()) {
    const auto& lead = basis[i];
    std::string unit_prefix;
    if (chip.explicit_units) unit_prefix = chip.units[lead.unit].name + ": ";
    std::string part = fmt::format("{}{} {} {}", unit_prefix, lead.dense.format(), 
                                   is_integer_precision(lead.precision) ? "TOPS" : "TFLOPS",
                                   precision_label(lead.precision));
    if (lead.halved) part += fmt::format(" (sparse {} halved)", lead.peak.format());
    part += fmt::format(" x {} bits", lead.bits.format());
    std::vector<std::string> ties;
    size_t j = i + 1;
    for (; j < basis.size() && basis[j].unit == lead.unit; ++j) {
      ties.emplace_back(precision_label(basis[j].precision));
    }
    if (!ties.empty()) part += fmt::format(" ({} {})", fmt::join(ties, ", "), ties.size() == 1 ? "ties" : "tie");
    parts.push_back(part);
    i = j;
  }
  return fmt::format("{} = {}", value->format(), fmt::join(parts, " + "));
}

DensityResult compute_performance_density(const Chip& chip, const std::optional<Rational>& tpp,
                                          const MetricOptions& options) {
  DensityResult result;
  bool include_io = options.io_dies == MetricOptions::IoDies::include;
  Rational area = 0;
  bool complete = true;
  for (const auto& die : chip.dies) {
    std::string label = die.count > 1 ? fmt::format("{} x {}", die.count, die.name) : die.name;
    if (die.planar) {
      result.excluded.push_back(label + " (planar process)");
      continue;
    }
    if (die.role != DieRole::compute && !include_io) {
      result.excluded.push_back(fmt::format("{} ({} die; io_dies=exclude)", label, die_role_name(die.role)));
      continue;
    }
    if (!die.area_mm2) {
      complete = false;
      result.missing.push_back(fmt::format("area of die {}", die.name));
      continue;
    }
    bool est = std::find(die.estimated.begin(), die.estimated.end(), "area_mm2") != die.estimated.end();
    result.estimated = result.estimated || est;
    area = area + *die.area_mm2 * die.count;
    result.counted.push_back(fmt::format("{} {} mm2{}", label, die.area_mm2->format(), est ? " (estimate)" : ""));
  }
  if (chip.dies.empty()) {
    complete = false;
    result.missing.push_back("die area (no dies listed)");
  }
  if (complete && area > 0) result.applicable_area_mm2 = area;
  if (!tpp) result.missing.push_back("tpp");
  if (complete && area == 0 && !chip.dies.empty()) result.missing.push_back("applicable die area is zero");
  if (tpp && result.applicable_area_mm2) result.value = *tpp / *result.applicable_area_mm2;
  return result;
}

ChipMetrics compute_metrics(const Chip& chip, const MetricOptions& options) {
  ChipMetrics m;
  m.tpp = compute_tpp(chip, options);
  m.performance_density = compute_performance_density(chip, m.tpp.value, options);
  if (!m.tpp.value) m.missing.push_back("compute");
  for (const auto& why : m.performance_density.missing) {
    if (why != "tpp") m.missing.push_back(why);
  }
  m.hbm_stack_bandwidth_gbps = chip.hbm_stack_bandwidth_gbps;
  if (!m.hbm_stack_bandwidth_gbps && chip.hbm_stacks && *chip.hbm_stacks > 0 && chip.memory_bandwidth_gbps) {
    m.hbm_stack_bandwidth_gbps = *chip.memory_bandwidth_gbps / *chip.hbm_stacks;
  }
  if (m.hbm_stack_bandwidth_gbps && chip.hbm_stack_footprint_mm2 && *chip.hbm_stack_footprint_mm2 > 0) {
    m.memory_bandwidth_density = *m.hbm_stack_bandwidth_gbps / *chip.hbm_stack_footprint_mm2;
  }
  return m;
}

}  // namespace exctl
