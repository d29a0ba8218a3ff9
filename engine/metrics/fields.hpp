// The numeric facts of a chip by name: spec values and derived metrics alike. `chips list
// --where` filters on them; later the rule language names the same fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/base/truth.hpp"
#include "engine/metrics/metrics.hpp"

namespace exctl {

struct ChipField {
  std::string_view name;                    // canonical, e.g. "memory_bandwidth_gbps"
  std::vector<std::string_view> aliases;    // e.g. "memory_bandwidth", "pd"
  std::string_view unit;                    // for people: "GB/s", "mm2", ""
  std::optional<Rational> (*get)(const Chip&, const ChipMetrics&);
};

const std::vector<ChipField>& chip_fields();
const ChipField* find_chip_field(std::string_view name);

struct Condition {
  const ChipField* field = nullptr;
  enum class Op { ge, gt, le, lt, eq, ne } op = Op::ge;
  Rational value;
};

// Parses "tpp>=4800", "pd >= 5.92 and year<2024", "memory_bandwidth>=1400,tpp<4800".
// Reports E0103 with a caret into `text` (shown as `what`) and returns nullopt when bad.
std::optional<std::vector<Condition>> parse_conditions(const std::string& text, const std::string& what,
                                                       DiagnosticSink& sink);
// An unknown value makes the condition unknown, never false.
Truth evaluate(const Condition& c, const Chip& chip, const ChipMetrics& metrics);

}  // namespace exctl
