#include "engine/eval/values.hpp"

#include <cctype>

#include <fmt/format.h>

namespace exctl::eval {

using sema::FieldId;

FieldValues chip_values(const Chip& chip, const ChipMetrics& m, sema::DateKey export_date) {
  FieldValues v;
  auto set_opt = [&](FieldId f, const std::optional<Rational>& value) {
    if (value) v.set(f, *value);
  };
  set_opt(FieldId::tpp, m.tpp.value);
  set_opt(FieldId::performance_density, m.performance_density.value);
  set_opt(FieldId::die_area, m.performance_density.applicable_area_mm2);
  set_opt(FieldId::memory_bandwidth, chip.memory_bandwidth_gbps);
  set_opt(FieldId::memory_capacity, chip.memory_gb);
  set_opt(FieldId::interconnect_bandwidth, chip.chip_to_chip_gbps);
  set_opt(FieldId::host_link_bandwidth, chip.host_link_gbps);
  set_opt(FieldId::transistors, chip.transistor_count());
  set_opt(FieldId::tdp, chip.tdp_w);
  set_opt(FieldId::memory_bandwidth_density, m.memory_bandwidth_density);
  if (chip.year) v.set(FieldId::release_year, Rational(chip.year));
  if (export_date) v.set(FieldId::export_year, Rational(export_date / 10000));
  if (chip.datacenter) v.set(FieldId::datacenter, *chip.datacenter);
  if (!chip.memory_type.empty()) {
    std::string type = chip.memory_type;
    for (auto& c : type)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    v.set(FieldId::has_hbm, type.rfind("HBM", 0) == 0);
  }
  v.set(FieldId::is_hbm_item, chip.kind == ChipKind::hbm);
  return v;
}

std::string set_field(FieldValues& values, const std::string& name, const std::string& text) {
  auto f = sema::find_field(name);
  if (!f) return fmt::format("unknown field '{}'", name);
  const auto& info = sema::field_info(*f);
  if (info.boolean) {
    if (text == "true")
      values.set(*f, true);
    else if (text == "false")
      values.set(*f, false);
    else
      return fmt::format("field '{}' takes true or false, not '{}'", name, text);
    return "";
  }
  auto space = text.find(' ');
  std::string number = space == std::string::npos ? text : text.substr(0, space);
  std::string unit = space == std::string::npos ? "" : text.substr(space + 1);
  auto value = Rational::parse(number);
  if (!value) return fmt::format("field '{}': '{}' is not a number", name, number);
  if (!unit.empty()) {
    auto u = sema::unit_from_text(unit);
    if (!u) return fmt::format("field '{}': unknown unit '{}'", name, unit);
    if (!(u->dim == info.dim)) {
      return fmt::format("field '{}' is in {}, not {}", name,
                         sema::dim_name(info.dim).empty() ? "no unit" : sema::dim_name(info.dim),
                         unit);
    }
    *value = *value * u->scale;
  }
  values.set(*f, *value);
  return "";
}

std::string format_value(const Rational& v, const sema::Dim& dim) {
  std::string unit = sema::dim_name(dim);
  int digits = v.is_integer() ? 0 : 2;
  std::string text = v.format(digits);
  return unit.empty() ? text : (unit[0] == '/' ? text + " " + unit : text + " " + unit);
}

}  // namespace exctl::eval
