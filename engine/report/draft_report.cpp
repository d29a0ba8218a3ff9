#include "engine/report/draft_report.hpp"

#include <fmt/format.h>

#include "engine/report/chip_report.hpp"

namespace exctl::report {
namespace {

std::string with_unit(const Rational& v, const std::string& unit) {
  int digits = v.is_integer() ? 0 : 2;
  std::string text = v.format(digits);
  if (!v.is_integer() && Rational::parse(text) != v) text = v.format(4);
  return unit.empty() ? text : text + " " + unit;
}

std::string interval(const draft::End& lo, const draft::End& hi, const std::string& unit) {
  return fmt::format("{}{}, {}{}", lo.closed ? "[" : "(", with_unit(lo.value, unit),
                     with_unit(hi.value, unit), hi.closed ? "]" : ")");
}

std::string op(draft::Direction d) {
  return d == draft::Direction::at_least ? ">=" : "<=";
}

std::string join(const std::vector<std::string>& v) {
  return fmt::format("{}", fmt::join(v, ", "));
}

std::string cut_text(const DraftView& v, const draft::Cut& c) {
  const auto& m = (*v.metrics)[c.metric];
  return fmt::format("{} {} {}", m.name, op(c.direction), with_unit(c.suggested, m.unit));
}

nlohmann::ordered_json end_json(const draft::End& e) {
  return {{"value", json_number(e.value)}, {"exact", e.value.exact_text()}, {"closed", e.closed}};
}

nlohmann::ordered_json cut_json(const DraftView& v, const draft::Cut& c) {
  return {{"metric", (*v.metrics)[c.metric].name},
          {"direction", c.direction == draft::Direction::at_least ? "at_least" : "at_most"},
          {"threshold", json_number(c.suggested)},
          {"from", end_json(c.lo)},
          {"to", end_json(c.hi)}};
}

}  // namespace

Table separation_table(const DraftView& v) {
  Table t({{"metric", "Metric"},
           {"separates", "Separates"},
           {"rule", "Suggested rule"},
           {"thresholds", "Every threshold in"},
           {"caught_margin", "Margin to caught"},
           {"spared_margin", "Margin to spared"},
           {"wrong", "Best single cut misplaces"},
           {"unknown", "Unknown"}});
  for (const auto& s : *v.separations) {
    const auto& m = (*v.metrics)[s.metric];
    std::string rule =
        s.separates || !s.wrong.empty()
            ? fmt::format("{} {} {}", m.name, op(s.direction), with_unit(s.suggested, m.unit))
            : "-";
    std::string range = s.separates ? interval(s.lo, s.hi, m.unit) : "-";
    std::string cm =
        s.separates ? fmt::format("{} ({})", with_unit(s.caught_margin, m.unit), s.nearest_caught)
                    : "-";
    std::string sm =
        s.separates ? fmt::format("{} ({})", with_unit(s.spared_margin, m.unit), s.nearest_spared)
                    : "-";
    std::string wrong = s.separates       ? "-"
                        : s.no_cut        ? "(one value: no cut)"
                        : s.wrong.empty() ? "(no value for one set)"
                                          : join(s.wrong);
    std::string unknown = s.unknown.empty() ? "-" : join(s.unknown);
    t.add_row({{m.name, m.name},
               {s.separates ? "yes" : "no", s.separates},
               {rule, rule},
               {range, range},
               {cm, s.separates ? json_number(s.caught_margin) : nlohmann::ordered_json()},
               {sm, s.separates ? json_number(s.spared_margin) : nlohmann::ordered_json()},
               {wrong, s.wrong},
               {unknown, s.unknown}});
  }
  return t;
}

std::string draft_text(const DraftView& v) {
  std::vector<std::string> caught, spared;
  for (size_t i = 0; i < v.chips->ids.size(); ++i)
    (v.chips->caught[i] ? caught : spared).push_back(v.chips->ids[i]);
  std::string out = fmt::format("draft on {} (as of {}): catch {}; spare {}\n\n", v.base, v.date,
                                join(caught), join(spared));
  // The metrics that separate first, then the rest in one line each.
  Table t({{"metric", "Metric"},
           {"rule", "Separates with"},
           {"thresholds", "Every threshold in"},
           {"caught", "Margin to caught"},
           {"spared", "Margin to spared"}});
  std::vector<std::string> not_separating;
  for (const auto& s : *v.separations) {
    const auto& m = (*v.metrics)[s.metric];
    if (!s.separates) {
      std::string why = s.no_cut          ? "one value for every chip with one"
                        : s.wrong.empty() ? "no value for the chips of one set"
                                          : "best cut misplaces " + join(s.wrong);
      if (!s.unknown.empty()) why += "; unknown for " + join(s.unknown);
      not_separating.push_back(fmt::format("  {}: {}", m.name, why));
      continue;
    }
    std::string rule =
        fmt::format("{} {} {}", m.name, op(s.direction), with_unit(s.suggested, m.unit));
    if (!s.unknown.empty()) rule += " (unknown: " + join(s.unknown) + ")";
    t.add_row({{m.name, m.name},
               {rule, rule},
               {interval(s.lo, s.hi, m.unit), ""},
               {fmt::format("{} ({})", with_unit(s.caught_margin, m.unit), s.nearest_caught), ""},
               {fmt::format("{} ({})", with_unit(s.spared_margin, m.unit), s.nearest_spared), ""}});
  }
  if (t.size() > 0)
    out += render(t, Format::text);
  else
    out += "no metric separates the chips on its own\n";
  if (!not_separating.empty()) {
    out += "\ndo not separate them:\n";
    for (const auto& line : not_separating)
      out += line + "\n";
  }
  if (v.pairs && !v.pairs->empty()) {
    out += "\nbest rules of two thresholds:\n";
    size_t n = 0;
    for (const auto& p : *v.pairs) {
      out += fmt::format("  {}. {} {} {}: {}{}\n", ++n, cut_text(v, p.first),
                         p.conjunction ? "and" : "or", cut_text(v, p.second),
                         p.wrong.empty() ? "separates them" : "misplaces " + join(p.wrong),
                         p.unknown.empty() ? "" : "; unknown for " + join(p.unknown));
    }
  }
  if (!v.rule_text.empty()) {
    out += v.emitted.empty() ? "\nthe draft rule (--emit FILE.rules writes it):\n"
                             : fmt::format("\nwrote {}:\n", v.emitted);
    out += v.rule_text;
  }
  return out;
}

nlohmann::ordered_json draft_json(const DraftView& v) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["base"] = v.base;
  j["date"] = v.date;
  std::vector<std::string> caught, spared;
  for (size_t i = 0; i < v.chips->ids.size(); ++i)
    (v.chips->caught[i] ? caught : spared).push_back(v.chips->ids[i]);
  j["catch"] = caught;
  j["spare"] = spared;
  auto metrics = nlohmann::ordered_json::array();
  for (const auto& s : *v.separations) {
    const auto& m = (*v.metrics)[s.metric];
    nlohmann::ordered_json x;
    x["metric"] = m.name;
    x["unit"] = m.unit;
    x["separates"] = s.separates;
    if (s.separates || !s.wrong.empty()) {
      x["direction"] = s.direction == draft::Direction::at_least ? "at_least" : "at_most";
      x["threshold"] = json_number(s.suggested);
      x["threshold_exact"] = s.suggested.exact_text();
    }
    if (s.separates) {
      x["from"] = end_json(s.lo);
      x["to"] = end_json(s.hi);
      x["caught_margin"] = json_number(s.caught_margin);
      x["nearest_caught"] = s.nearest_caught;
      x["spared_margin"] = json_number(s.spared_margin);
      x["nearest_spared"] = s.nearest_spared;
    }
    x["wrong"] = s.wrong;
    x["unknown"] = s.unknown;
    metrics.push_back(x);
  }
  j["metrics"] = metrics;
  auto pairs = nlohmann::ordered_json::array();
  if (v.pairs) {
    for (const auto& p : *v.pairs) {
      pairs.push_back({{"join", p.conjunction ? "and" : "or"},
                       {"first", cut_json(v, p.first)},
                       {"second", cut_json(v, p.second)},
                       {"wrong", p.wrong},
                       {"unknown", p.unknown}});
    }
  }
  j["pairs"] = pairs;
  j["rule"] = v.rule_text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(v.rule_text);
  j["emitted"] = v.emitted.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(v.emitted);
  return j;
}

}  // namespace exctl::report
