#include "engine/report/robust_report.hpp"

#include <fmt/format.h>

#include "engine/base/json.hpp"
#include "engine/base/text.hpp"
#include "engine/eval/values.hpp"
#include "engine/report/chip_report.hpp"

namespace exctl::report {
namespace {

// A value exactly when the text can hold it, else marked as rounded.
std::string value_text(const Rational& v, const sema::Dim& dim) {
  std::string text = eval::format_value(v, dim);
  std::string digits = v.format(v.is_integer() ? 0 : 2, false);
  if (Rational::parse(digits) == v) return text;
  std::string finer = v.format(4, false);
  std::string shown = v.format(4);
  std::string unit = sema::dim_name(dim);
  return (Rational::parse(finer) == v ? "" : "≈") + shown + (unit.empty() ? "" : " " + unit);
}

std::string piece_text(const eval::Hinge& h, const eval::Hinge::Piece& p) {
  const auto& r = *h.range;
  auto v = [&](const Rational& x) { return value_text(x, h.dim); };
  if (p.values.low == p.values.high) return "at exactly " + v(p.values.low);
  bool from_start = p.values.low == r.low && !p.low_open;
  bool to_end = p.values.high == r.high && !p.high_open;
  std::string low = (p.low_open ? "above " : "from ") + v(p.values.low);
  std::string high = (p.high_open ? "below " : "up to ") + v(p.values.high);
  if (from_start && to_end) return "over the whole range";
  if (from_start) return high;
  if (to_end) return low;
  return low + " " + high;
}

std::string status_word(const eval::RobustVerdict& v) {
  if (!v.exact && v.robust) return "undecided";
  return v.robust ? "robust" : "depends";
}

}  // namespace

std::vector<std::string> hinge_lines(const eval::Hinge& h) {
  std::vector<std::string> out;
  switch (h.kind) {
    case eval::Hinge::Kind::option:
      out.push_back(fmt::format("hinges on {}:", h.name));
      for (size_t i = 0; i < h.sides.size(); ++i)
        out.push_back(fmt::format("  {}={}{}: {}", h.name, h.sides[i].value,
                                  i == 0 ? " (default)" : "", h.sides[i].outcome));
      break;
    case eval::Hinge::Kind::field:
      out.push_back(fmt::format("hinges on {}, in its range {} to {}:", h.name,
                                value_text(h.range->low, h.dim), value_text(h.range->high, h.dim)));
      for (const auto& p : h.pieces)
        out.push_back(fmt::format("  {}: {}", piece_text(h, p), p.outcome));
      for (const auto& in : h.inputs)
        out.push_back(fmt::format("  range of {} {}-{}{}", in.key, value_text(in.range.low, {}),
                                  value_text(in.range.high, {}),
                                  in.source.empty() ? "" : " (" + in.source + ")"));
      break;
    case eval::Hinge::Kind::combination:
      out.push_back(
          fmt::format("{}: only when {} vary together, e.g. {}", h.outcome, h.name, h.example));
      break;
  }
  return out;
}

std::string hinge_text(const eval::Hinge& h) {
  auto lines = hinge_lines(h);
  std::vector<std::string> rest;
  for (size_t i = 1; i < lines.size(); ++i)
    rest.emplace_back(trim(lines[i]));
  return rest.empty() ? lines.front() : lines.front() + " " + join(rest, " | ");
}

Table robust_table(const std::vector<DecisionRow>& rows,
                   const std::vector<eval::RobustVerdict>& verdicts) {
  Table t({{"chip", "Chip"},
           {"regime", "Regime"},
           {"outcome", "Outcome (default reading)"},
           {"robust", "Robust"},
           {"outcomes", "Possible outcomes", false, false}});
  for (size_t i = 0; i < rows.size() && i < verdicts.size(); ++i) {
    const auto& v = verdicts[i];
    t.add_row({{rows[i].chip, rows[i].chip},
               {rows[i].decision.regime, rows[i].decision.regime},
               {v.outcomes.front(), v.outcomes.front()},
               {status_word(v), v.robust && v.exact},
               {std::to_string(v.outcomes.size()), v.outcomes}});
  }
  return t;
}

std::string robust_details(const std::vector<DecisionRow>& rows,
                           const std::vector<eval::RobustVerdict>& verdicts) {
  std::string out;
  for (size_t i = 0; i < rows.size() && i < verdicts.size(); ++i) {
    const auto& v = verdicts[i];
    if (v.robust && v.exact) continue;
    out +=
        fmt::format("\n{} under {}: {}\n", rows[i].chip, rows[i].decision.regime, status_word(v));
    if (!v.robust) out += "  possible outcomes:\n";
    for (size_t k = 0; k < v.outcomes.size() && !v.robust; ++k)
      out += fmt::format("    {}{}\n", v.outcomes[k], k == 0 ? " (default reading)" : "");
    for (const auto& h : v.hinges) {
      auto lines = hinge_lines(h);
      for (size_t k = 0; k < lines.size(); ++k)
        out += (k ? "    " : "  - ") + lines[k] + "\n";
    }
    if (!v.exact) out += "  not decided exactly: " + v.inexact_because + "\n";
  }
  return out;
}

void add_robust_json(nlohmann::ordered_json& decision, const eval::RobustVerdict& v) {
  auto exact_value = [](const Rational& x) {
    return nlohmann::ordered_json{{"value", json_number(x)}, {"exact", x.exact_text()}};
  };
  decision["robust"] = v.robust && v.exact;
  decision["exact"] = v.exact;
  if (!v.exact) decision["inexact_because"] = v.inexact_because;
  decision["outcomes"] = v.outcomes;
  auto hinges = nlohmann::ordered_json::array();
  for (const auto& h : v.hinges) {
    nlohmann::ordered_json j;
    switch (h.kind) {
      case eval::Hinge::Kind::option: {
        j["kind"] = "option";
        j["option"] = h.name;
        auto sides = nlohmann::ordered_json::array();
        for (const auto& s : h.sides)
          sides.push_back({{"value", s.value}, {"outcome", s.outcome}});
        j["sides"] = sides;
        break;
      }
      case eval::Hinge::Kind::field: {
        j["kind"] = "field";
        j["field"] = h.name;
        j["unit"] = sema::dim_name(h.dim);
        j["range"] = {{"low", exact_value(h.range->low)}, {"high", exact_value(h.range->high)}};
        auto inputs = nlohmann::ordered_json::array();
        for (const auto& in : h.inputs)
          inputs.push_back({{"key", in.key},
                            {"low", exact_value(in.range.low)},
                            {"high", exact_value(in.range.high)},
                            {"source", in.source}});
        j["inputs"] = inputs;
        auto pieces = nlohmann::ordered_json::array();
        for (const auto& p : h.pieces)
          pieces.push_back({{"low", exact_value(p.values.low)},
                            {"low_open", p.low_open},
                            {"high", exact_value(p.values.high)},
                            {"high_open", p.high_open},
                            {"outcome", p.outcome}});
        j["pieces"] = pieces;
        break;
      }
      case eval::Hinge::Kind::combination:
        j["kind"] = "combination";
        j["varying"] = h.name;
        j["outcome"] = h.outcome;
        j["example"] = h.example;
        break;
    }
    j["text"] = hinge_text(h);
    hinges.push_back(std::move(j));
  }
  decision["hinges"] = hinges;
}

std::string robust_footer(const std::vector<std::string>& interpretation) {
  return fmt::format(
      "robust: the same outcome under every reading (tf32_bits, mx_bits, io_dies, sparse_only, "
      "units) and every value in the spec's ranges; default reading {}\n",
      join(interpretation, ", "));
}

}  // namespace exctl::report
