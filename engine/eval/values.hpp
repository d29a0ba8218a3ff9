// The values of the rule fields for one chip: from a chip record (through the metrics),
// or given directly by a synthetic spec in a decision table.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/chip.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/sema/fields.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::eval {

// Flat, without optionals: the compiled form reads millions of these.
struct FieldValues {
  uint32_t known_mask = 0;  // bit f: field f has a value
  uint32_t true_mask = 0;   // bit f: boolean field f is true
  std::array<Rational, sema::kFieldCount> number{};

  static constexpr uint32_t bit(sema::FieldId f) { return uint32_t{1} << static_cast<unsigned>(f); }
  void set(sema::FieldId f, Rational v) {
    number[static_cast<size_t>(f)] = v;
    known_mask |= bit(f);
  }
  void set(sema::FieldId f, bool v) {
    known_mask |= bit(f);
    true_mask = v ? (true_mask | bit(f)) : (true_mask & ~bit(f));
  }
  bool known(sema::FieldId f) const { return (known_mask & bit(f)) != 0; }
  std::optional<Rational> num(sema::FieldId f) const {
    return known(f) ? std::optional<Rational>(number[static_cast<size_t>(f)]) : std::nullopt;
  }
  std::optional<bool> boolean(sema::FieldId f) const {
    return known(f) ? std::optional<bool>((true_mask & bit(f)) != 0) : std::nullopt;
  }
};
static_assert(sema::kFieldCount <= 32, "FieldValues keeps one bit per field");

// Values of a chip record under the given metric options; `export_date` sets export_year.
FieldValues chip_values(const Chip& chip, const ChipMetrics& metrics, sema::DateKey export_date);

// A synthetic spec: field name -> text ("4800", "5.92 /mm2", "1.4 TB/s", "true"). Values
// without a unit are taken in the field's canonical unit. Returns an error message or "".
std::string set_field(FieldValues& values, const std::string& name, const std::string& text);
// The same for a field already looked up; `name` is how the input spelled it (an alias
// too), for the message. No allocation when the value is good.
std::string set_field(FieldValues& values, sema::FieldId field, std::string_view name,
                      std::string_view text);

// "2,368", "4,000 GB/s", "2.91 /mm2": a field value for people.
std::string format_value(const Rational& v, const sema::Dim& dim);

}  // namespace exctl::eval
