// The chip fields: one catalogue of the facts about a chip that the rule language, `chips
// list --where`, decision tables and the chip database name. Each row says what the field
// is called (the rule language's name is canonical; its aliases, and the further names the
// command line takes), its type and dimension, how to read it from a chip record and its metrics,
// where the database keeps it and the key `chips list` prints it under. A new field is one row here
// (and its value in the chip record); sema, eval, --where and chipdb read this table.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/base/rational.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/metrics/units.hpp"

namespace exctl {

// In the order of the catalogue; the compiled rule form keeps one bit per field.
enum class FieldId {
  tpp,
  performance_density,
  die_area,
  memory_bandwidth,
  memory_capacity,
  interconnect_bandwidth,
  host_link_bandwidth,
  transistors,
  tdp,
  memory_bandwidth_density,
  release_year,
  export_year,
  datacenter,
  has_hbm,
  is_hbm_item,
  advanced_logic,
  us_available,
};
inline constexpr size_t kFieldCount = 17;
static_assert(kFieldCount <= 32, "field values keep one bit per field");

struct ChipField {
  FieldId id;
  std::string_view name{};                  // canonical: the rule language's name
  std::vector<std::string_view> aliases{};  // other names for it, wherever fields are named
  bool boolean = false;                     // a condition rather than a quantity
  Dim dim{};                                // of the value, which is in canonical units
  std::string_view doc{};

  // A spec value the chip record keeps: the field is *stored times stored_scale (the record
  // keeps transistors in billions). The database keeps it in chips.<db_column>.
  std::optional<Rational> Chip::*stored = nullptr;
  Rational stored_scale = 1;
  // Any other field's value from the chip record and its metrics; nullopt when unknown.
  // Null (with `stored` and `flag`) for export_year, a fact of the export, not of the chip.
  std::optional<Rational> (*derived)(const Chip&, const ChipMetrics&) = nullptr;
  std::optional<bool> (*flag)(const Chip&) = nullptr;  // a boolean field's value

  // Where the database keeps the value, as written: "chips" (spec values) or
  // "chip_metrics" (derived at import), and the column; empty when it has none.
  std::string_view db_table{};
  std::string_view db_column{};
  // The key of `chips list --format json|csv` (and its text column); empty when not listed.
  std::string_view column{};
  // More names `chips list --where` takes for the field (the command line's names from
  // before the rule language: its JSON keys, the units in the names). The value read under
  // such a name is the field's divided by `per`: transistors_billion is transistors / 10^9.
  // The rule language does not take them: its numbers carry their units ("80 billion").
  struct CommandLineName {
    std::string_view name;
    Rational per = 1;
  };
  std::vector<CommandLineName> command_line_names{};

  // True for the facts of a chip (every field but export_year).
  bool of_chip() const { return stored || derived || flag; }
};

const std::array<ChipField, kFieldCount>& chip_fields();
const ChipField& chip_field(FieldId id);
// By name or alias (not by a command-line name); nullopt when no field is called that.
std::optional<FieldId> find_chip_field(std::string_view name);

// A numeric field's value for a chip; nullopt when unknown (and for boolean fields).
std::optional<Rational> field_number(const ChipField& field, const Chip& chip,
                                     const ChipMetrics& metrics);

}  // namespace exctl
