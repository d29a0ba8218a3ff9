#include "engine/eval/values.hpp"

#include <cctype>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "engine/base/chip.hpp"
#include "engine/base/date.hpp"
#include "engine/base/text.hpp"

namespace exctl::eval {

using sema::FieldId;

FieldValues chip_values(const Chip& chip, const ChipMetrics& m, sema::DateKey export_date) {
  FieldValues v;
  for (const auto& field : chip_fields()) {
    if (field.flag) {
      if (auto b = field.flag(chip)) v.set(field.id, *b);
    } else if (auto x = field_number(field, chip, m)) {
      v.set(field.id, *x);
    }
  }
  if (export_date) v.set(FieldId::export_year, Rational(export_date / 10000));
  return v;
}

namespace {

bool blank(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');  // isspace in the C locale, inline
}

// A decimal literal in form ("4799.99999999999999999", "1e400"), whether or not a Rational
// can hold it: tells "not a number" from "a number exctl cannot hold exactly".
bool decimal_form(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9')
      digits = true;
    else if (c == '.' && !dot)
      dot = true;
    else if (c != '_' && c != ',')
      break;
  }
  if (!digits) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i == s.size()) return false;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
    }
  }
  return i == s.size();
}

}  // namespace

std::string set_field(FieldValues& values, const std::string& name, const std::string& raw) {
  auto f = sema::find_field(name);
  if (!f) return fmt::format("unknown field '{}'", name);
  return set_field(values, *f, name, raw);
}

std::string set_field(FieldValues& values, sema::FieldId field, std::string_view name,
                      std::string_view raw) {
  const auto& info = sema::field_info(field);
  std::string_view text = trim(raw);
  if (info.boolean) {
    if (text == "true")
      values.set(field, true);
    else if (text == "false")
      values.set(field, false);
    else
      return fmt::format("field '{}' takes true or false, not '{}'", name, raw);
    return "";
  }
  if (text.empty()) return fmt::format("field '{}': no value given", name);
  if (info.dim.date) {
    auto d = text == "never" ? std::optional<DateKey>(Chip::kNeverInUs) : parse_date(text);
    if (!d)
      return fmt::format("field '{}' takes a date (YYYY-MM-DD) or never, not '{}'", name, raw);
    values.set(field, Rational(*d));
    return "";
  }
  size_t space = 0;
  while (space < text.size() && !blank(text[space]))
    ++space;
  std::string_view number = text.substr(0, space);
  std::string_view unit = trim(text.substr(space));
  auto value = Rational::parse(number);
  if (!value) {
    if (decimal_form(number)) {
      return fmt::format(
          "field '{}': {} cannot be held exactly (exact values keep about 18 significant "
          "digits, numerator and denominator within 64 bits); it is not rounded",
          name, number);
    }
    return fmt::format("field '{}': '{}' is not a number", name, number);
  }
  if (!unit.empty()) {
    auto u = sema::unit_from_text(std::string(unit));
    if (!u) return fmt::format("field '{}': unknown unit '{}'", name, unit);
    if (!(u->dim == info.dim)) {
      return fmt::format("field '{}' is in {}, not {}", name,
                         sema::dim_name(info.dim).empty() ? "no unit" : sema::dim_name(info.dim),
                         unit);
    }
    try {
      *value = *value * u->scale;
    } catch (const std::overflow_error&) {
      return fmt::format("field '{}': {} {} cannot be held exactly", name, number, unit);
    }
  }
  // No field of the catalogue (engine/metrics/fields.cpp) can be negative: counts, rates,
  // areas, bandwidths, power and years.
  if (value->is_negative())
    return fmt::format("field '{}' cannot be negative, found {}", name, text);
  values.set(field, *value);
  return "";
}

std::string format_value(const Rational& v, const sema::Dim& dim) {
  if (dim.date) {
    if (!v.is_integer()) return v.format(2);  // not a date (never from a date field)
    auto d = static_cast<DateKey>(v.num());
    return d == Chip::kNeverInUs ? "never" : date_text(d);
  }
  std::string unit = sema::dim_name(dim);
  int digits = v.is_integer() ? 0 : 2;
  std::string text = v.format(digits);
  return unit.empty() ? text : (unit[0] == '/' ? text + " " + unit : text + " " + unit);
}

}  // namespace exctl::eval
