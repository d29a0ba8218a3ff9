#include "engine/report/chip_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/base/date.hpp"

namespace exctl::report {
namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string text_of(const std::optional<Rational>& v, int digits, bool estimated = false) {
  if (!v) return "-";
  return (estimated ? "~" : "") + v->format(digits);
}

Cell number_cell(const std::optional<Rational>& v, int digits, bool estimated = false) {
  return {text_of(v, digits, estimated), json_number(v)};
}

Cell text_cell(const std::string& s) {
  return {s.empty() ? "-" : s, s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s)};
}

Cell bool_cell(const std::optional<bool>& b) {
  if (!b) return {"?", nullptr};
  return {*b ? "yes" : "no", *b};
}

std::string unit_name(Precision p) {
  return is_integer_precision(p) ? "TOPS" : "TFLOPS";
}

}  // namespace

nlohmann::ordered_json json_number(const std::optional<Rational>& value) {
  if (!value) return nullptr;
  if (value->is_integer()) return value->num();
  return value->to_double();
}

std::vector<std::string> estimated_fields(const Chip& chip, const ChipMetrics& m) {
  std::vector<std::string> out;
  if (m.tpp.value && m.tpp.estimated) out.emplace_back("tpp");
  if (m.performance_density.value && (m.performance_density.estimated || m.tpp.estimated)) {
    out.emplace_back("performance_density");
  }
  if (m.performance_density.applicable_area_mm2 && m.performance_density.estimated)
    out.emplace_back("die_area_mm2");
  if (chip.memory.is_estimated("bandwidth_gbps")) out.emplace_back("memory_bandwidth_gbps");
  if (chip.memory.is_estimated("capacity_gb")) out.emplace_back("memory_gb");
  if (chip.interconnect.is_estimated("chip_to_chip_gbps")) out.emplace_back("interconnect_gbps");
  if (chip.silicon.is_estimated("transistors_billion")) out.emplace_back("transistors");
  if (chip.power.is_estimated("tdp_w")) out.emplace_back("tdp_w");
  return out;
}

Table chip_list_table(const std::vector<ChipWithMetrics>& chips) {
  Table t({{"id", "ID"},
           {"name", "Name"},
           {"vendor", "Vendor"},
           {"year", "Year", true},
           {"datacenter", "DC"},
           {"tpp", "TPP", true},
           {"performance_density", "PD", true},
           {"memory_bandwidth_gbps", "Mem GB/s", true},
           {"memory_gb", "Mem GB", true},
           {"interconnect_gbps", "I/C GB/s", true},
           {"die_area_mm2", "Die mm2", true},
           {"transistors", "Transistors", true},
           {"status", "Status"},
           {"estimated", "Estimated", false, false}});
  for (const auto& [chip, m] : chips) {
    auto est = estimated_fields(*chip, m);
    auto tr = chip->transistor_count();
    Cell transistor_cell{
        tr ? (contains(est, "transistors") ? "~" : "") + chip->transistors_billion->format(1) + "B"
           : "-",
        json_number(tr)};
    t.add_row(
        {text_cell(chip->id),
         text_cell(chip->name),
         text_cell(chip->vendor),
         {std::to_string(chip->year), chip->year},
         bool_cell(chip->datacenter),
         number_cell(m.tpp.value, 1, contains(est, "tpp")),
         number_cell(m.performance_density.value, 2, contains(est, "performance_density")),
         number_cell(chip->memory_bandwidth_gbps, 1, contains(est, "memory_bandwidth_gbps")),
         number_cell(chip->memory_gb, 1, contains(est, "memory_gb")),
         number_cell(chip->chip_to_chip_gbps, 1, contains(est, "interconnect_gbps")),
         number_cell(m.performance_density.applicable_area_mm2, 1, contains(est, "die_area_mm2")),
         transistor_cell,
         {std::string(chip_status_name(chip->status)), std::string(chip_status_name(chip->status))},
         {est.empty() ? "" : fmt::format("{}", fmt::join(est, ",")), est}});
  }
  return t;
}

Table chip_export_table(const std::vector<ChipWithMetrics>& chips) {
  std::vector<Column> cols = {
      {"id", "id"},           {"vendor", "vendor"}, {"name", "name"},
      {"aliases", "aliases"}, {"year", "year"},     {"datacenter", "datacenter"},
      {"origin", "origin"},   {"kind", "kind"},     {"status", "status"}};
  for (Precision p : kAllPrecisions)
    cols.push_back({std::string(precision_key(p)), std::string(precision_key(p))});
  std::vector<Column> rest = {{"sparse", "sparse"},
                              {"memory_type", "memory_type"},
                              {"memory_gb", "memory_gb"},
                              {"memory_bandwidth_gbps", "memory_bandwidth_gbps"},
                              {"interconnect_gbps", "interconnect_gbps"},
                              {"host_link_gbps", "host_link_gbps"},
                              {"transistors_billion", "transistors_billion"},
                              {"dies", "dies"},
                              {"tdp_w", "tdp_w"},
                              {"hbm_stacks", "hbm_stacks"},
                              {"tpp", "tpp"},
                              {"tpp_basis", "tpp_basis"},
                              {"performance_density", "performance_density"},
                              {"die_area_mm2", "die_area_mm2"},
                              {"estimated", "estimated"}};
  cols.insert(cols.end(), rest.begin(), rest.end());
  Table t(cols);
  for (const auto& [chip, m] : chips) {
    std::vector<Cell> row = {text_cell(chip->id),
                             text_cell(chip->vendor),
                             text_cell(chip->name),
                             {fmt::format("{}", fmt::join(chip->aliases, ";")), chip->aliases},
                             {std::to_string(chip->year), chip->year},
                             bool_cell(chip->datacenter),
                             text_cell(chip->origin),
                             text_cell(std::string(chip_kind_name(chip->kind))),
                             text_cell(std::string(chip_status_name(chip->status)))};
    // Several processing units are summed per precision only for this flat view.
    std::vector<std::string> sparse;
    for (Precision p : kAllPrecisions) {
      std::optional<Rational> total;
      for (const auto& u : chip->units) {
        if (u.at(p)) total = total.value_or(0) + *u.at(p);
        if (u.is_sparse(p) && !contains(sparse, precision_key(p)))
          sparse.emplace_back(precision_key(p));
      }
      row.push_back(number_cell(total, 4));
    }
    std::vector<std::string> dies, basis;
    for (const auto& d : chip->dies) {
      dies.push_back(fmt::format("{}x{} {} {}", d.count, d.name, die_role_name(d.role),
                                 d.area_mm2 ? d.area_mm2->exact_text() + "mm2" : "?"));
    }
    for (const auto& term : m.tpp.basis)
      basis.emplace_back(precision_label(term.precision));
    auto est = estimated_fields(*chip, m);
    row.push_back({fmt::format("{}", fmt::join(sparse, ";")), sparse});
    row.push_back(text_cell(chip->memory_type));
    row.push_back(number_cell(chip->memory_gb, 4));
    row.push_back(number_cell(chip->memory_bandwidth_gbps, 4));
    row.push_back(number_cell(chip->chip_to_chip_gbps, 4));
    row.push_back(number_cell(chip->host_link_gbps, 4));
    row.push_back(number_cell(chip->transistors_billion, 4));
    row.push_back({fmt::format("{}", fmt::join(dies, "; ")), dies});
    row.push_back(number_cell(chip->tdp_w, 4));
    row.push_back(chip->hbm_stacks ? Cell{std::to_string(*chip->hbm_stacks), *chip->hbm_stacks}
                                   : Cell{"", nullptr});
    row.push_back(number_cell(m.tpp.value, 4));
    row.push_back({fmt::format("{}", fmt::join(basis, ";")), basis});
    row.push_back(number_cell(m.performance_density.value, 4));
    row.push_back(number_cell(m.performance_density.applicable_area_mm2, 4));
    row.push_back({fmt::format("{}", fmt::join(est, ";")), est});
    t.add_row(std::move(row));
  }
  return t;
}

namespace {

std::string source_line(const Provenance& p) {
  std::string s =
      fmt::format("  source: {} (confidence {})\n", p.source, confidence_name(p.confidence));
  if (!p.estimated.empty()) s += fmt::format("  estimates: {}\n", fmt::join(p.estimated, ", "));
  if (!p.notes.empty()) s += fmt::format("  notes: {}\n", p.notes);
  return s;
}

std::string field(std::string_view label, const std::string& value) {
  return fmt::format("  {:<22}{}\n", label, value);
}

std::string value_with_unit(const std::optional<Rational>& v, std::string_view unit,
                            bool estimated) {
  if (!v) return "unknown";
  return fmt::format("{}{} {}{}", estimated ? "~" : "", v->format(2), unit,
                     estimated ? " (estimate)" : "");
}

// A value's range, on the line after it: "1,640.00 to 2,300.00 GB/s (source: ...)".
std::string range_line(std::string_view label, const std::optional<ValueRange>& r,
                       std::string_view unit) {
  if (!r) return "";
  return field(label, fmt::format("{} to {} {} (source: {})", r->low.format(2), r->high.format(2),
                                  unit, r->source));
}

// When the chip was first commercially available in the US (the 2026 review reads it).
std::string us_available_text(const Chip& c) {
  if (!c.us_available) return "unknown";
  if (*c.us_available == Chip::kNeverInUs) return "never";
  return fmt::format("since {}", date_text(*c.us_available));
}

}  // namespace

std::string chip_show_text(const Chip& c, const ChipMetrics& m, const MetricOptions& options) {
  std::string out = fmt::format("{} {} ({})\n", c.vendor, c.name, c.id);
  out += field("aliases", c.aliases.empty() ? "-" : fmt::format("{}", fmt::join(c.aliases, ", ")));
  out += field("year", std::to_string(c.year));
  out += field("datacenter",
               c.datacenter ? (*c.datacenter ? "yes (designed or marketed for datacenters)" : "no")
                            : "unknown");
  out += field("origin", c.origin.empty() ? "unknown" : c.origin);
  out += field("in the US", us_available_text(c));
  out += field("kind", std::string(chip_kind_name(c.kind)));
  out += field("status", std::string(chip_status_name(c.status)));
  if (!c.notes.empty()) out += field("notes", c.notes);
  out += source_line(c.identity);

  out += "\nMetrics (derived by exctl)\n";
  out += field("TPP", m.tpp.derivation(c) + (m.tpp.estimated ? " (estimate)" : "") +
                          (m.tpp.sparse_halved ? " [from a sparse-only figure, halved]" : ""));
  const auto& pd = m.performance_density;
  if (pd.value) {
    std::string exact =
        pd.value->exact_decimal() ? "" : fmt::format(" (exact {})", pd.value->exact_text());
    out += field(
        "performance density",
        fmt::format("{}{} = {} / {} mm2{}", pd.value->format(2), exact, m.tpp.value->format(),
                    pd.applicable_area_mm2->format(), pd.estimated ? " (die area estimated)" : ""));
  } else {
    out += field("performance density", fmt::format("unknown: {}", fmt::join(pd.missing, "; ")));
  }
  if (!pd.counted.empty())
    out += field("  dies counted", fmt::format("{}", fmt::join(pd.counted, ", ")));
  if (!pd.excluded.empty())
    out += field("  dies not counted", fmt::format("{}", fmt::join(pd.excluded, ", ")));
  if (m.memory_bandwidth_density) {
    out += field("memory bw density", fmt::format("{} GB/s/mm2 = {} GB/s per stack / {} mm2",
                                                  m.memory_bandwidth_density->format(2),
                                                  m.hbm_stack_bandwidth_gbps->format(2),
                                                  c.hbm_stack_footprint_mm2->format(2)));
  }
  out += field("interpretation", fmt::format("{}", fmt::join(options.describe(), " ")));

  if (c.compute.present) {
    out += "\nCompute (dense peak)\n";
    for (size_t u = 0; u < c.units.size(); ++u) {
      if (c.explicit_units) out += fmt::format("  unit {}\n", c.units[u].name);
      out += fmt::format("  {:<11}{:>16}  {:>6}  {:>12}\n", "precision", "dense peak", "bits",
                         "x bits");
      for (const auto& term : m.tpp.terms) {
        if (term.unit != u) continue;
        bool in_basis = std::any_of(m.tpp.basis.begin(), m.tpp.basis.end(), [&](const TppTerm& b) {
          return b.unit == term.unit && b.precision == term.precision;
        });
        std::string peak = fmt::format("{} {}", term.dense.format(2), unit_name(term.precision));
        std::string remarks;
        if (in_basis) remarks += "  <- TPP";
        if (term.halved) remarks += fmt::format("  (sparse {} halved)", term.peak.format(2));
        if (term.estimated) remarks += "  (estimate)";
        out += fmt::format("  {:<11}{:>16}  {:>6}  {:>12}{}\n", precision_label(term.precision),
                           peak, term.bits.format(2), term.tpp.format(1), remarks);
      }
      for (Precision p : kAllPrecisions) {
        out += range_line(fmt::format("{} range", precision_label(p)),
                          c.units[u].peak_range[static_cast<size_t>(p)],
                          unit_name(p) + (c.units[u].is_sparse(p) ? " sparse, as written" : ""));
      }
    }
    out += source_line(c.compute);
  }
  if (c.memory.present) {
    out += "\nMemory\n";
    out += field("type", c.memory_type.empty() ? "unknown" : c.memory_type);
    out +=
        field("capacity", value_with_unit(c.memory_gb, "GB", c.memory.is_estimated("capacity_gb")));
    out += range_line("  range", c.memory_gb_range, "GB");
    out += field("bandwidth", value_with_unit(c.memory_bandwidth_gbps, "GB/s",
                                              c.memory.is_estimated("bandwidth_gbps")));
    out += range_line("  range", c.memory_bandwidth_range, "GB/s");
    out += source_line(c.memory);
  }
  if (c.interconnect.present) {
    out += "\nInterconnect (aggregate bidirectional)\n";
    std::string c2c = value_with_unit(c.chip_to_chip_gbps, "GB/s",
                                      c.interconnect.is_estimated("chip_to_chip_gbps"));
    if (!c.chip_to_chip_name.empty()) c2c += " (" + c.chip_to_chip_name + ")";
    std::string host =
        value_with_unit(c.host_link_gbps, "GB/s", c.interconnect.is_estimated("host_link_gbps"));
    if (!c.host_link_name.empty()) host += " (" + c.host_link_name + ")";
    out += field("chip-to-chip", c2c);
    out += range_line("  range", c.chip_to_chip_range, "GB/s");
    out += field("host link", host);
    out += range_line("  range", c.host_link_range, "GB/s");
    out += source_line(c.interconnect);
  }
  if (c.silicon.present) {
    out += "\nSilicon\n";
    out += field("transistors", c.transistors_billion
                                    ? value_with_unit(c.transistors_billion, "billion",
                                                      c.silicon.is_estimated("transistors_billion"))
                                    : "unknown");
    out += range_line("  range", c.transistors_range, "billion");
    for (const auto& d : c.dies) {
      bool est = std::find(d.estimated.begin(), d.estimated.end(), "area_mm2") != d.estimated.end();
      out += field(
          fmt::format("die {}", d.name),
          fmt::format("{} x {}, {}, {}{}", d.count,
                      d.area_mm2 ? value_with_unit(d.area_mm2, "mm2", est) : "area unknown",
                      die_role_name(d.role), d.process.empty() ? "process unknown" : d.process,
                      d.planar ? ", planar" : ""));
      out += range_line("  area range", d.area_range, "mm2");
    }
    out += source_line(c.silicon);
  }
  if (c.power.present) {
    out += "\nPower\n";
    out += field("TDP", value_with_unit(c.tdp_w, "W", c.power.is_estimated("tdp_w")));
    out += range_line("  range", c.tdp_range, "W");
    out += source_line(c.power);
  }
  if (c.hbm.present) {
    out += "\nHBM stacks\n";
    out += field("stacks", c.hbm_stacks ? std::to_string(*c.hbm_stacks) : "unknown");
    if (m.hbm_stack_bandwidth_gbps)
      out +=
          field("bandwidth per stack", value_with_unit(m.hbm_stack_bandwidth_gbps, "GB/s", false));
    out += range_line("  range", c.hbm_stack_bandwidth_range, "GB/s");
    if (c.hbm_stack_footprint_mm2)
      out += field("stack footprint", value_with_unit(c.hbm_stack_footprint_mm2, "mm2",
                                                      c.hbm.is_estimated("stack_footprint_mm2")));
    out += range_line("  range", c.hbm_stack_footprint_range, "mm2");
    out += source_line(c.hbm);
  }
  if (!m.missing.empty()) out += fmt::format("\nUnknown: {}\n", fmt::join(m.missing, "; "));
  return out;
}

namespace {

nlohmann::ordered_json provenance_json(const Provenance& p) {
  if (!p.present) return nullptr;
  nlohmann::ordered_json j;
  j["source"] = p.source;
  j["confidence"] = confidence_name(p.confidence);
  j["estimated"] = p.estimated;
  j["notes"] = p.notes.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(p.notes);
  return j;
}

nlohmann::ordered_json range_json(const std::optional<ValueRange>& r) {
  if (!r) return nullptr;
  nlohmann::ordered_json j;
  j["low"] = json_number(r->low);
  j["high"] = json_number(r->high);
  j["source"] = r->source;
  return j;
}

}  // namespace

nlohmann::ordered_json chip_to_json(const Chip& c, const ChipMetrics& m,
                                    const MetricOptions& options, bool ranges) {
  // `<key>_range` beside a value, with `ranges` only.
  auto with_range = [&](nlohmann::ordered_json& obj, const std::string& key,
                        nlohmann::ordered_json value, const std::optional<ValueRange>& range) {
    obj[key] = std::move(value);
    if (ranges) obj[key + "_range"] = range_json(range);
  };
  nlohmann::ordered_json j;
  j["id"] = c.id;
  j["vendor"] = c.vendor;
  j["name"] = c.name;
  j["aliases"] = c.aliases;
  j["year"] = c.year;
  j["datacenter"] = c.datacenter ? nlohmann::ordered_json(*c.datacenter) : nlohmann::ordered_json();
  j["origin"] = c.origin.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.origin);
  if (!c.us_available)
    j["us_available"] = nullptr;
  else
    j["us_available"] = *c.us_available == Chip::kNeverInUs ? "never" : date_text(*c.us_available);
  j["kind"] = chip_kind_name(c.kind);
  j["status"] = chip_status_name(c.status);
  j["notes"] = c.notes.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.notes);

  auto& metrics = j["metrics"];
  metrics["tpp"] = json_number(m.tpp.value);
  metrics["tpp_exact"] =
      m.tpp.value ? nlohmann::ordered_json(m.tpp.value->exact_text()) : nlohmann::ordered_json();
  metrics["tpp_derivation"] = m.tpp.derivation(c);
  auto basis = nlohmann::ordered_json::array();
  for (const auto& t : m.tpp.basis) {
    basis.push_back({{"unit", t.unit},
                     {"precision", precision_key(t.precision)},
                     {"peak", json_number(t.peak)},
                     {"dense", json_number(t.dense)},
                     {"bits", json_number(t.bits)},
                     {"tpp", json_number(t.tpp)},
                     {"halved_from_sparse", t.halved}});
  }
  metrics["tpp_basis"] = basis;
  metrics["tpp_sparse_halved"] = m.tpp.sparse_halved;
  metrics["performance_density"] = json_number(m.performance_density.value);
  metrics["performance_density_exact"] =
      m.performance_density.value
          ? nlohmann::ordered_json(m.performance_density.value->exact_text())
          : nlohmann::ordered_json();
  metrics["applicable_die_area_mm2"] = json_number(m.performance_density.applicable_area_mm2);
  metrics["dies_counted"] = m.performance_density.counted;
  metrics["dies_not_counted"] = m.performance_density.excluded;
  metrics["memory_bandwidth_density"] = json_number(m.memory_bandwidth_density);
  metrics["estimated"] = estimated_fields(c, m);
  metrics["missing"] = m.missing;
  metrics["interpretation"] = options.describe();

  auto& compute = j["compute"];
  compute["units"] = nlohmann::ordered_json::array();
  for (const auto& u : c.units) {
    nlohmann::ordered_json unit;
    unit["name"] = u.name.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(u.name);
    auto peak = nlohmann::ordered_json::object();
    auto peak_range = nlohmann::ordered_json::object();
    std::vector<std::string> sparse;
    for (Precision p : kAllPrecisions) {
      if (u.at(p)) peak[std::string(precision_key(p))] = json_number(u.at(p));
      if (const auto& r = u.peak_range[static_cast<size_t>(p)])
        peak_range[std::string(precision_key(p))] = range_json(r);
      if (u.is_sparse(p)) sparse.emplace_back(precision_key(p));
    }
    unit["peak_tflops"] = peak;
    if (ranges) unit["peak_tflops_range"] = peak_range;
    unit["sparse"] = sparse;
    compute["units"].push_back(unit);
  }
  compute["provenance"] = provenance_json(c.compute);

  auto& memory = j["memory"];
  memory["type"] =
      c.memory_type.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.memory_type);
  with_range(memory, "capacity_gb", json_number(c.memory_gb), c.memory_gb_range);
  with_range(memory, "bandwidth_gbps", json_number(c.memory_bandwidth_gbps),
             c.memory_bandwidth_range);
  memory["provenance"] = provenance_json(c.memory);
  auto& interconnect = j["interconnect"];
  with_range(interconnect, "chip_to_chip_gbps", json_number(c.chip_to_chip_gbps),
             c.chip_to_chip_range);
  interconnect["chip_to_chip_name"] = c.chip_to_chip_name;
  with_range(interconnect, "host_link_gbps", json_number(c.host_link_gbps), c.host_link_range);
  interconnect["host_link_name"] = c.host_link_name;
  interconnect["provenance"] = provenance_json(c.interconnect);
  auto dies = nlohmann::ordered_json::array();
  for (const auto& d : c.dies) {
    nlohmann::ordered_json die;
    die["name"] = d.name;
    die["role"] = die_role_name(d.role);
    die["count"] = d.count;
    with_range(die, "area_mm2", json_number(d.area_mm2), d.area_range);
    die["process"] = d.process;
    die["planar"] = d.planar;
    die["estimated"] = d.estimated;
    dies.push_back(std::move(die));
  }
  auto& silicon = j["silicon"];
  with_range(silicon, "transistors_billion", json_number(c.transistors_billion),
             c.transistors_range);
  silicon["dies"] = dies;
  silicon["provenance"] = provenance_json(c.silicon);
  auto& power = j["power"];
  with_range(power, "tdp_w", json_number(c.tdp_w), c.tdp_range);
  power["provenance"] = provenance_json(c.power);
  auto& hbm = j["hbm"];
  hbm["stacks"] = c.hbm_stacks ? nlohmann::ordered_json(*c.hbm_stacks) : nlohmann::ordered_json();
  with_range(hbm, "stack_bandwidth_gbps", json_number(m.hbm_stack_bandwidth_gbps),
             c.hbm_stack_bandwidth_range);
  with_range(hbm, "stack_footprint_mm2", json_number(c.hbm_stack_footprint_mm2),
             c.hbm_stack_footprint_range);
  hbm["provenance"] = provenance_json(c.hbm);
  j["identity_provenance"] = provenance_json(c.identity);
  return j;
}

}  // namespace exctl::report
