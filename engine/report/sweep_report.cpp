#include "engine/report/sweep_report.hpp"

#include <fmt/format.h>

#include "engine/eval/values.hpp"
#include "engine/report/chip_report.hpp"

namespace exctl::report {
namespace {

// A parameter value as exactly as it is: every decimal up to eight, so that a breakpoint or
// a step never reads as a rounder number than it is ("1,183.9997", not "1,184"); past eight,
// rounded and marked "~".
std::string value(const draft::Axis& a, const Rational& x) {
  std::string unit = sema::dim_name(a.dim);
  std::string text;
  for (int digits = 0; digits <= 8 && text.empty(); ++digits) {
    std::string plain = x.format(digits, false);
    if (Rational::parse(plain) == x) text = x.format(digits);
  }
  if (text.empty()) text = "~" + x.format(8);
  return unit.empty() ? text : text + " " + unit;
}

std::string outcome_word(const SweepView& v, draft::Caught c) {
  if (v.licence)
    return c == draft::Caught::yes  ? "licence required"
           : c == draft::Caught::no ? "no licence"
                                    : "licence undecided";
  return c == draft::Caught::yes  ? "controlled"
         : c == draft::Caught::no ? "not controlled"
                                  : "indeterminate";
}

// One outcome, or "depends: licence required or no licence" for several.
std::string outcomes_word(const SweepView& v, const draft::Piece& p) {
  std::vector<std::string> words;
  for (auto c : {draft::Caught::yes, draft::Caught::no, draft::Caught::unknown})
    if (p.outcomes & draft::caught_bit(c)) words.push_back(outcome_word(v, c));
  if (p.outcomes & draft::kUndecided) words.push_back("undecided (ranges not linear)");
  if (words.size() == 1) return words.front();
  return fmt::format("depends: {}", fmt::join(words, " or "));
}

nlohmann::ordered_json outcomes_json(const draft::Piece& p) {
  auto out = nlohmann::ordered_json::array();
  for (auto c : {draft::Caught::yes, draft::Caught::no, draft::Caught::unknown})
    if (p.outcomes & draft::caught_bit(c)) out.push_back(draft::caught_name(c));
  if (p.outcomes & draft::kUndecided) out.push_back("undecided");
  return out;
}

std::string ids_of(const SweepView& v, const std::vector<size_t>& chips, size_t most) {
  if (chips.empty()) return "-";
  std::vector<std::string> names;
  for (size_t i = 0; i < chips.size() && i < most; ++i)
    names.push_back((*v.ids)[chips[i]]);
  std::string out = fmt::format("{}", fmt::join(names, ", "));
  if (chips.size() > most) out += fmt::format(" and {} more", chips.size() - most);
  return out;
}

std::vector<std::string> ids_list(const SweepView& v, const std::vector<size_t>& chips) {
  std::vector<std::string> out;
  for (size_t i : chips)
    out.push_back((*v.ids)[i]);
  return out;
}

// "dram_cap <= 4,000 GB/s", "4,000 GB/s < dram_cap <= 4,100 GB/s", "dram_cap = 4,000 GB/s".
std::string range_text(const draft::Axis& a, const draft::Piece& p) {
  bool from_start = p.lo == a.from && p.lo_closed, to_end = p.hi == a.to && p.hi_closed;
  const std::string& n = a.param;
  if (p.lo == p.hi) return fmt::format("{} = {}", n, value(a, p.lo));
  if (from_start && to_end) return fmt::format("every {} swept", n);
  if (from_start) return fmt::format("{} {} {}", n, p.hi_closed ? "<=" : "<", value(a, p.hi));
  if (to_end) return fmt::format("{} {} {}", n, p.lo_closed ? ">=" : ">", value(a, p.lo));
  return fmt::format("{} {} {} {} {}", value(a, p.lo), p.lo_closed ? "<=" : "<", n,
                     p.hi_closed ? "<=" : "<", value(a, p.hi));
}

nlohmann::ordered_json exact_json(const Rational& x) {
  return {{"value", json_number(x)}, {"exact", x.exact_text()}};
}

// A chip's outcome changes over the range, or (robust) depends on a reading somewhere.
bool changes(const draft::ChipBreakpoints& b) {
  return b.pieces.size() > 1 ||
         b.pieces.front().outcomes != draft::caught_bit(b.pieces.front().outcome);
}

}  // namespace

std::string breakpoint_text(const SweepView& v, const draft::ChipBreakpoints& b) {
  const auto& a = v.axes->front();
  std::vector<std::string> parts;
  for (const auto& p : b.pieces)
    parts.push_back(fmt::format("{} for {}", outcomes_word(v, p), range_text(a, p)));
  std::string out = fmt::format("{}", fmt::join(parts, "; "));
  if (!b.exact)
    out += fmt::format(" (found by bisection: the change lies in between, a gap of at most {})",
                       value(a, b.resolution));
  return out;
}

std::string sweep_text(const SweepView& v, bool breakpoints_only) {
  std::string out;
  const auto& axes = *v.axes;
  std::string query = fmt::format("as of {}", v.date);
  if (!v.to.empty()) query += ", export to " + v.to;
  if (!v.hq.empty()) query += ", buyer headquartered in " + v.hq;
  std::vector<std::string> ranges;
  for (const auto& a : axes)
    ranges.push_back(fmt::format("{} from {} to {} in steps of {}", a.param, value(a, a.from),
                                 value(a, a.to), value(a, a.step)));
  out += fmt::format("sweep {}: {} ({}; counting chips {}, of {})\n", v.regime,
                     fmt::join(ranges, ", "), query,
                     v.licence ? "that need a licence" : "controlled", v.ids->size());
  if (!breakpoints_only) out += "\n" + render(sweep_table(v), Format::text);
  if (axes.size() == 1 && v.breakpoints) {
    size_t changing = 0;
    for (const auto& b : *v.breakpoints)
      changing += changes(b);
    out += fmt::format("\nbreakpoints{}: {} chip{} change{} outcome over the range{}\n",
                       v.robust ? " over every reading and range" : "", changing,
                       changing == 1 ? "" : "s", changing == 1 ? "s its" : " their",
                       changing ? ":" : "");
    for (const auto& b : *v.breakpoints) {
      if (!changes(b)) continue;
      out += fmt::format("  {}: {}\n", (*v.ids)[b.chip], breakpoint_text(v, b));
    }
  }
  return out;
}

Table sweep_table(const SweepView& v) {
  const auto& axes = *v.axes;
  std::vector<Column> cols;
  for (const auto& a : axes)
    cols.push_back({a.param, a.param});
  cols.push_back({"caught", v.licence ? "Licence" : "Controlled", true});
  cols.push_back({"unknown", "Unknown", true});
  if (v.robust) {
    cols.push_back({"caught_always", "Always", true});
    cols.push_back({"depends", "Depends", true});
  }
  if (axes.size() == 1) {
    cols.push_back({"entered", "Entered"});
    cols.push_back({"left", "Left"});
  }
  Table t(cols);
  for (const auto& s : *v.steps) {
    std::vector<Cell> row;
    for (size_t i = 0; i < axes.size(); ++i)
      row.push_back({value(axes[i], s.values[i]), json_number(s.values[i])});
    row.push_back({fmt::format("{}", s.caught), s.caught});
    row.push_back({fmt::format("{}", s.unknown), s.unknown});
    if (v.robust) {
      row.push_back({fmt::format("{}", s.caught_always), s.caught_always});
      row.push_back({fmt::format("{}", s.depends.size()), s.depends.size()});
    }
    if (axes.size() == 1) {
      row.push_back({ids_of(v, s.entered, 6), ids_list(v, s.entered)});
      row.push_back({ids_of(v, s.left, 6), ids_list(v, s.left)});
    }
    t.add_row(std::move(row));
  }
  return t;
}

Table breakpoint_table(const SweepView& v) {
  Table t({{"chip", "Chip"},
           {"outcome", "Outcome"},
           {"from", "From"},
           {"from_closed", "From incl."},
           {"to", "To"},
           {"to_closed", "To incl."},
           {"exact", "Exact"}});
  if (!v.breakpoints || v.axes->size() != 1) return t;
  const auto& a = v.axes->front();
  for (const auto& b : *v.breakpoints) {
    if (!changes(b)) continue;
    for (const auto& p : b.pieces) {
      std::string o = outcomes_word(v, p);
      t.add_row({{(*v.ids)[b.chip], (*v.ids)[b.chip]},
                 {o, o},
                 {value(a, p.lo), p.lo.exact_text()},
                 {p.lo_closed ? "yes" : "no", p.lo_closed},
                 {value(a, p.hi), p.hi.exact_text()},
                 {p.hi_closed ? "yes" : "no", p.hi_closed},
                 {b.exact ? "yes" : "no", b.exact}});
    }
  }
  return t;
}

nlohmann::ordered_json sweep_json(const SweepView& v, bool breakpoints_only) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["regime"] = v.regime;
  j["date"] = v.date;
  j["to"] = v.to.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(v.to);
  j["hq"] = v.hq.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(v.hq);
  j["counting"] = v.licence ? "licence_required" : "controlled";
  j["chips"] = v.ids->size();
  if (v.robust) j["robust"] = true;
  auto params = nlohmann::ordered_json::array();
  for (const auto& a : *v.axes) {
    params.push_back({{"name", a.param},
                      {"unit", sema::dim_name(a.dim)},
                      {"from", exact_json(a.from)},
                      {"to", exact_json(a.to)},
                      {"step", exact_json(a.step)}});
  }
  j["params"] = params;
  if (!breakpoints_only) {
    auto steps = nlohmann::ordered_json::array();
    for (const auto& s : *v.steps) {
      auto values = nlohmann::ordered_json::array();
      for (const auto& x : s.values)
        values.push_back(exact_json(x));
      nlohmann::ordered_json step{{"values", values}, {"caught", s.caught}, {"unknown", s.unknown}};
      if (v.robust) {
        step["caught_always"] = s.caught_always;
        step["depends"] = ids_list(v, s.depends);
      }
      if (v.axes->size() == 1) {
        step["entered"] = ids_list(v, s.entered);
        step["left"] = ids_list(v, s.left);
      }
      steps.push_back(step);
    }
    j["steps"] = steps;
  }
  if (v.breakpoints && v.axes->size() == 1) {
    auto bps = nlohmann::ordered_json::array();
    for (const auto& b : *v.breakpoints) {
      if (!changes(b)) continue;
      auto pieces = nlohmann::ordered_json::array();
      for (const auto& p : b.pieces) {
        nlohmann::ordered_json piece;
        if (v.robust)
          piece["outcomes"] = outcomes_json(p);
        else
          piece["outcome"] = draft::caught_name(p.outcome);
        piece["from"] = exact_json(p.lo);
        piece["from_closed"] = p.lo_closed;
        piece["to"] = exact_json(p.hi);
        piece["to_closed"] = p.hi_closed;
        pieces.push_back(piece);
      }
      bps.push_back({{"chip", (*v.ids)[b.chip]},
                     {"exact", b.exact},
                     {"text", breakpoint_text(v, b)},
                     {"pieces", pieces}});
    }
    j["breakpoints"] = bps;
  }
  return j;
}

}  // namespace exctl::report
