#include "engine/metrics/units.hpp"

#include <vector>

namespace exctl {

std::string dim_name(const Dim& d) {
  if (d.dimensionless()) return "";
  if (d.date) return "date";
  std::string num, den;
  auto add = [](std::string& s, std::string_view part, int power) {
    if (power == 0) return;
    if (!s.empty()) s += "*";
    s += part;
    if (power > 1 || power < -1) s += "^" + std::to_string(power < 0 ? -power : power);
  };
  add(d.byte > 0 ? num : den, "GB", d.byte);
  add(d.watt > 0 ? num : den, "W", d.watt);
  add(d.area > 0 ? num : den, "mm2", d.area);
  add(d.second > 0 ? num : den, "s", d.second);
  // GB/s/mm2 reads better than GB/s*mm2.
  if (d.byte == 1 && d.second == -1 && d.area == -1 && d.watt == 0) return "GB/s/mm2";
  if (den.empty()) return num;
  return num + "/" + den;
}

std::optional<Unit> unit_from_text(std::string_view text) {
  using namespace dims;
  const Dim bw_density = bandwidth_density;
  struct Entry {
    std::string_view text;
    Dim dim;
    Rational scale;
  };
  static const std::vector<Entry> kUnits = {
      {"GB/s", bandwidth, 1},
      {"Gbyte/s", bandwidth, 1},
      {"TB/s", bandwidth, 1000},
      {"MB/s", bandwidth, {1, 1000}},
      {"GB", data, 1},
      {"TB", data, 1000},
      {"MB", data, {1, 1000}},
      {"mm2", area, 1},
      {"mm²", area, 1},
      {"/mm2", per_area, 1},
      {"/mm²", per_area, 1},
      {"GB/s/mm2", bw_density, 1},
      {"GB/s/mm²", bw_density, 1},
      {"W", power, 1},
      {"kW", power, 1000},
      {"billion", none, 1'000'000'000},
      {"million", none, 1'000'000},
  };
  for (const auto& u : kUnits) {
    if (u.text == text) return Unit{u.dim, u.scale};
  }
  return std::nullopt;
}

}  // namespace exctl
