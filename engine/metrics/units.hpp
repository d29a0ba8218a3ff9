// Physical dimensions of chip fields and rule values. Every quantity is held in a canonical
// unit (GB, s, mm2, W); a literal's unit gives its dimension and its scale to the canonical
// unit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/base/rational.hpp"

namespace exctl {

struct Dim {
  int byte = 0;    // GB
  int second = 0;  // s
  int area = 0;    // mm2
  int watt = 0;    // W
  // A calendar date (held as yyyymmdd): compared, never added or scaled (sema refuses it).
  bool date = false;

  bool dimensionless() const { return byte == 0 && second == 0 && area == 0 && watt == 0 && !date; }
  bool operator==(const Dim&) const = default;
  Dim operator*(const Dim& o) const {
    return {byte + o.byte, second + o.second, area + o.area, watt + o.watt, date || o.date};
  }
  Dim operator/(const Dim& o) const {
    return {byte - o.byte, second - o.second, area - o.area, watt - o.watt, date || o.date};
  }
};

// The dimensions chip fields have.
namespace dims {
inline constexpr Dim none{};
inline constexpr Dim data{1, 0, 0, 0};                 // GB
inline constexpr Dim bandwidth{1, -1, 0, 0};           // GB/s
inline constexpr Dim area{0, 0, 1, 0};                 // mm2
inline constexpr Dim per_area{0, 0, -1, 0};            // /mm2
inline constexpr Dim bandwidth_density{1, -1, -1, 0};  // GB/s/mm2
inline constexpr Dim power{0, 0, 0, 1};                // W
inline constexpr Dim date{0, 0, 0, 0, true};           // a calendar date, yyyymmdd
}  // namespace dims

// "GB/s", "/mm2", "GB/s/mm2", "" for dimensionless.
std::string dim_name(const Dim& d);

struct Unit {
  Dim dim;
  Rational scale;  // multiply a value in this unit by scale to get canonical units
};

// The units a literal may carry ("TB/s", "mm2", "billion", ...); nullopt if unknown.
std::optional<Unit> unit_from_text(std::string_view text);

}  // namespace exctl
