// The values of the rule fields for one chip: from a chip record (through the metrics),
// or given directly by a synthetic spec in a decision table.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>

#include "engine/base/chip.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/sema/fields.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::eval {

struct FieldValues {
  std::array<std::optional<Rational>, sema::kFieldCount> number{};
  std::array<std::optional<bool>, sema::kFieldCount> flag{};

  void set(sema::FieldId f, Rational v) { number[static_cast<size_t>(f)] = v; }
  void set(sema::FieldId f, bool v) { flag[static_cast<size_t>(f)] = v; }
  const std::optional<Rational>& num(sema::FieldId f) const { return number[static_cast<size_t>(f)]; }
  const std::optional<bool>& boolean(sema::FieldId f) const { return flag[static_cast<size_t>(f)]; }
  bool known(sema::FieldId f) const;
};

// Values of a chip record under the given metric options; `export_date` sets export_year.
FieldValues chip_values(const Chip& chip, const ChipMetrics& metrics, sema::DateKey export_date);

// A synthetic spec: field name -> text ("4800", "5.92 /mm2", "1.4 TB/s", "true"). Values
// without a unit are taken in the field's canonical unit. Returns an error message or "".
std::string set_field(FieldValues& values, const std::string& name, const std::string& text);

// "2,368", "4,000 GB/s", "2.91 /mm2": a field value for people.
std::string format_value(const Rational& v, const sema::Dim& dim);

}  // namespace exctl::eval
