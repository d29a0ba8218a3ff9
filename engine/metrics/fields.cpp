#include "engine/metrics/fields.hpp"

#include <cctype>
#include <string>

namespace exctl {
namespace {

std::optional<bool> has_hbm(const Chip& c) {
  if (c.memory_type.empty()) return std::nullopt;
  std::string type = c.memory_type;
  for (auto& ch : type)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return type.rfind("HBM", 0) == 0;
}

// An "applicable advanced logic integrated circuit" (15 CFR 772.1, 90 FR 5298): a logic die
// made at the 16/14 nm node or below, or with non-planar transistors. Unknown when the spec
// lists no logic die, or a planar one whose node it does not say.
std::optional<bool> advanced_logic(const Chip& c) {
  bool any_logic = false, unknown = false;
  for (const auto& d : c.dies) {
    if (d.role != DieRole::compute) continue;
    any_logic = true;
    if (!d.planar) return true;
    // A planar die: the node is the first number in its process ("28nm", "TSMC 12FFN").
    size_t i = d.process.find_first_of("0123456789");
    if (i == std::string::npos) {
      unknown = true;
      continue;
    }
    int node = 0;
    while (i < d.process.size() && std::isdigit(static_cast<unsigned char>(d.process[i])))
      node = node * 10 + (d.process[i++] - '0');
    if (node <= 16) return true;
  }
  if (!any_logic || unknown) return std::nullopt;
  return false;
}

// One row per field, in FieldId order (tests/unit/metrics_test.cpp checks it). Made on
// first use, so that other files' static objects may use it too.
const std::array<ChipField, kFieldCount>& fields() {
  static const std::array<ChipField, kFieldCount> kFields = {{
      {.id = FieldId::tpp,
       .name = "tpp",
       .aliases = {"total_processing_performance"},
       .dim = dims::none,
       .doc = "total processing performance (TN2 to 3A090)",
       .derived = [](const Chip&, const ChipMetrics& m) { return m.tpp.value; },
       .db_table = "chip_metrics",
       .db_column = "tpp",
       .column = "tpp"},
      {.id = FieldId::performance_density,
       .name = "performance_density",
       .aliases = {"pd"},
       .dim = dims::per_area,
       .doc = "TPP / applicable die area",
       .derived = [](const Chip&, const ChipMetrics& m) { return m.performance_density.value; },
       .db_table = "chip_metrics",
       .db_column = "performance_density",
       .column = "performance_density"},
      {.id = FieldId::die_area,
       .name = "die_area",
       .aliases = {"applicable_die_area"},
       .dim = dims::area,
       .doc = "area of non-planar logic dies",
       .derived = [](const Chip&,
                     const ChipMetrics& m) { return m.performance_density.applicable_area_mm2; },
       .db_table = "chip_metrics",
       .db_column = "applicable_die_area_mm2",
       .column = "die_area_mm2",
       .command_line_names = {{"die_area_mm2"}}},
      {.id = FieldId::memory_bandwidth,
       .name = "memory_bandwidth",
       .aliases = {"dram_bandwidth"},
       .dim = dims::bandwidth,
       .doc = "total DRAM bandwidth",
       .stored = &Chip::memory_bandwidth_gbps,
       .db_table = "chips",
       .db_column = "memory_bandwidth_gbps",
       .column = "memory_bandwidth_gbps",
       .command_line_names = {{"memory_bandwidth_gbps"}}},
      {.id = FieldId::memory_capacity,
       .name = "memory_capacity",
       .aliases = {"memory"},
       .dim = dims::data,
       .doc = "DRAM capacity",
       .stored = &Chip::memory_gb,
       .db_table = "chips",
       .db_column = "memory_gb",
       .column = "memory_gb",
       .command_line_names = {{"memory_gb"}}},
      {.id = FieldId::interconnect_bandwidth,
       .name = "interconnect_bandwidth",
       .aliases = {"chip_to_chip_bandwidth"},
       .dim = dims::bandwidth,
       .doc = "chip-to-chip interconnect, aggregate bidirectional",
       .stored = &Chip::chip_to_chip_gbps,
       .db_table = "chips",
       .db_column = "chip_to_chip_gbps",
       .column = "interconnect_gbps",
       .command_line_names = {{"interconnect_gbps"}, {"interconnect"}, {"chip_to_chip_gbps"}}},
      {.id = FieldId::host_link_bandwidth,
       .name = "host_link_bandwidth",
       .dim = dims::bandwidth,
       .doc = "host link, aggregate bidirectional",
       .stored = &Chip::host_link_gbps,
       .db_table = "chips",
       .db_column = "host_link_gbps",
       .column = "host_link_gbps",
       .command_line_names = {{"host_link_gbps"}, {"host_link"}}},
      {.id = FieldId::transistors,
       .name = "transistors",
       .dim = dims::none,
       .doc = "transistor count over all logic dies",
       .stored = &Chip::transistors_billion,
       .stored_scale = 1'000'000'000,
       .db_table = "chips",
       .db_column = "transistors_billion",
       .column = "transistors",
       .command_line_names = {{"transistors_billion", 1'000'000'000}}},
      {.id = FieldId::tdp,
       .name = "tdp",
       .dim = dims::power,
       .doc = "thermal design power",
       .stored = &Chip::tdp_w,
       .db_table = "chips",
       .db_column = "tdp_w",
       .column = "tdp_w",
       .command_line_names = {{"tdp_w"}}},
      {.id = FieldId::memory_bandwidth_density,
       .name = "memory_bandwidth_density",
       .aliases = {"mbd"},
       .dim = dims::bandwidth_density,
       .doc = "HBM stack bandwidth / footprint (3A090.c)",
       .derived = [](const Chip&, const ChipMetrics& m) { return m.memory_bandwidth_density; },
       .db_table = "chip_metrics",
       .db_column = "memory_bandwidth_density"},
      {.id = FieldId::release_year,
       .name = "release_year",
       .dim = dims::none,
       .doc = "the chip's release year",
       .derived = [](const Chip& c, const ChipMetrics&) -> std::optional<Rational> {
         if (!c.year) return std::nullopt;
         return Rational(c.year);
       },
       .db_table = "chips",
       .db_column = "year",
       .column = "year",
       .command_line_names = {{"year"}}},
      {.id = FieldId::export_year,
       .name = "export_year",
       .dim = dims::none,
       .doc = "the year of the export (from --date)"},
      {.id = FieldId::datacenter,
       .name = "datacenter",
       .boolean = true,
       .dim = dims::none,
       .doc = "designed or marketed for use in datacenters",
       .flag = [](const Chip& c) { return c.datacenter; },
       .db_table = "chips",
       .db_column = "datacenter",
       .column = "datacenter"},
      {.id = FieldId::has_hbm,
       .name = "has_hbm",
       .boolean = true,
       .dim = dims::none,
       .doc = "the package contains high-bandwidth memory",
       .flag = has_hbm},
      {.id = FieldId::is_hbm_item,
       .name = "is_hbm_item",
       .boolean = true,
       .dim = dims::none,
       .doc = "the item is an HBM stack or packaged HBM (3A090.c)",
       .flag = [](const Chip& c) -> std::optional<bool> { return c.kind == ChipKind::hbm; }},
      {.id = FieldId::advanced_logic,
       .name = "advanced_logic",
       .boolean = true,
       .dim = dims::none,
       .doc = "a logic die at 16/14 nm or below, or non-planar (15 CFR 772.1)",
       .flag = advanced_logic},
      {.id = FieldId::us_available,
       .name = "us_available",
       .dim = dims::date,
       .doc = "first commercially available in the United States (a date; 9999-12-31: never)",
       .derived = [](const Chip& c, const ChipMetrics&) -> std::optional<Rational> {
         if (!c.us_available) return std::nullopt;
         return Rational(*c.us_available);
       },
       .db_table = "chips",
       .db_column = "us_available"},
  }};
  return kFields;
}

}  // namespace

const std::array<ChipField, kFieldCount>& chip_fields() {
  return fields();
}

const ChipField& chip_field(FieldId id) {
  return fields()[static_cast<size_t>(id)];
}

std::optional<FieldId> find_chip_field(std::string_view name) {
  for (const auto& f : chip_fields()) {
    if (f.name == name) return f.id;
    for (auto alias : f.aliases) {
      if (alias == name) return f.id;
    }
  }
  return std::nullopt;
}

std::optional<Rational> field_number(const ChipField& field, const Chip& chip,
                                     const ChipMetrics& metrics) {
  if (field.stored) {
    const std::optional<Rational>& v = chip.*field.stored;
    if (!v || field.stored_scale == 1) return v;
    return *v * field.stored_scale;
  }
  if (field.derived) return field.derived(chip, metrics);
  return std::nullopt;
}

}  // namespace exctl
