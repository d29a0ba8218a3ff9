#include "engine/report/diff_report.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/report/decision_report.hpp"
#include "engine/report/robust_report.hpp"

namespace exctl::report {
namespace {

using draft::OutcomeChange;

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  return fmt::format("{}", fmt::join(v, sep));
}

std::string truth_word(Truth t) {
  return t == Truth::yes ? "holds" : t == Truth::no ? "does not hold" : "undecided";
}

// "controlled 3A090.a; licence required (presumption_of_denial); NAC" for one side.
std::string outcome_text(const eval::Decision& d) {
  std::string out(eval::verdict_name(d.verdict));
  if (!d.paragraphs.empty()) out += " " + join(d.paragraphs);
  if (d.verdict == eval::Verdict::excluded) out += " by " + join(d.excluded_by);
  if (d.licence.asked) {
    out += "; licence " + licence_text(d.licence);
    if (d.licence.policy != sema::Policy::none)
      out += fmt::format(" ({})", sema::policy_name(d.licence.policy));
  }
  std::vector<std::string> ex;
  for (const auto& x : d.licence.exceptions)
    ex.push_back(x.name);
  if (!ex.empty()) out += "; exceptions " + join(ex);
  if (!d.missing.empty()) out += "; missing " + join(d.missing);
  return out;
}

// The comparisons that carry a clause's result: those with the clause's own truth (all of
// them when none has it, e.g. a clause that consults another regime).
std::vector<const eval::Comparison*> carrying(const eval::ClauseTrace& t) {
  std::vector<const eval::Comparison*> out;
  for (const auto& c : t.comparisons)
    if (c.result == t.result) out.push_back(&c);
  if (out.empty())
    for (const auto& c : t.comparisons)
      out.push_back(&c);
  return out;
}

std::string where(const Span& s) {
  if (!s.has_file()) return "";
  return fmt::format("{}:{}", s.file->path(), s.file->position(s.begin).line);
}

// "us-2022-10: control 3A090 does not hold: interconnect_bandwidth >= io_floor (400 GB/s
// is 200 GB/s below 600 GB/s)".
std::string clause_line(const std::string& regime, const eval::ClauseTrace& t) {
  // A licence rule or exception is told apart from its namesakes by its citation.
  bool cited = (t.kind == "licence" || t.kind == "exception") && !t.cite.empty();
  std::string line = fmt::format("{}: {} {}{} {}", regime, t.kind, t.id,
                                 cited ? " (" + t.cite + ")" : "", truth_word(t.result));
  if (t.result == Truth::unknown) {
    // Undecided: what it waits for is the point, not each comparison.
    if (!t.missing.empty()) line += ": needs " + join(t.missing);
    return line;
  }
  std::vector<std::string> parts;
  for (const auto* c : carrying(t))
    parts.push_back(fmt::format("{} ({})", c->text, margin_text(*c)));
  for (const auto& k : t.consulted)
    parts.push_back(fmt::format("{} {} under {}", k.paragraph,
                                k.result == Truth::yes ? "classified" : "not classified",
                                k.regime));
  if (!parts.empty()) line += ": " + join(parts, "; ");
  return line;
}

std::vector<std::string> why_lines(const DiffView& v, const draft::OutcomeDiff& d) {
  std::vector<std::string> out;
  for (const auto& c : d.why) {
    if (c.before) out.push_back(clause_line(v.before, *c.before));
    if (c.after) out.push_back(clause_line(v.after, *c.after));
  }
  return out;
}

std::string change_words(OutcomeChange c) {
  switch (c) {
    case OutcomeChange::caught:
      return "newly caught";
    case OutcomeChange::released:
      return "released";
    case OutcomeChange::indeterminate:
      return "indeterminate on one side";
    case OutcomeChange::paragraphs:
      return "changed paragraph";
    case OutcomeChange::licence:
      return "changed licence or policy";
    case OutcomeChange::unchanged:
      return "unchanged";
  }
  return "";
}

nlohmann::ordered_json side_json(const eval::Decision& d) {
  nlohmann::ordered_json j;
  j["verdict"] = eval::verdict_name(d.verdict);
  j["paragraphs"] = d.paragraphs;
  j["excluded_by"] = d.excluded_by;
  j["licence_required"] =
      d.licence.required ? nlohmann::ordered_json(*d.licence.required) : nlohmann::ordered_json();
  j["review_policy"] = d.licence.policy == sema::Policy::none
                           ? nlohmann::ordered_json()
                           : nlohmann::ordered_json(sema::policy_name(d.licence.policy));
  std::vector<std::string> ex;
  for (const auto& x : d.licence.exceptions)
    ex.push_back(x.name);
  j["exceptions"] = ex;
  j["missing"] = d.missing;
  return j;
}

}  // namespace

std::string diff_summary(const std::array<int, 6>& n) {
  auto at = [&](OutcomeChange c) { return n[static_cast<size_t>(c)]; };
  return fmt::format(
      "{} newly caught, {} released, {} changed paragraph, {} changed licence or policy, {} "
      "indeterminate on one side, {} unchanged",
      at(OutcomeChange::caught), at(OutcomeChange::released), at(OutcomeChange::paragraphs),
      at(OutcomeChange::licence), at(OutcomeChange::indeterminate), at(OutcomeChange::unchanged));
}

namespace {

// --robust: whether the change holds under every reading and value in range, or what it
// turns on.
std::string robust_change_text(const eval::RobustVerdict& r) {
  if (r.robust && r.exact)
    return "  robust: the same under every reading and every value in range\n";
  std::string out = r.robust ? "  undecided: " + r.inexact_because + "\n"
                             : "  depends: under some reading or value in range it is\n";
  for (size_t k = 1; k < r.outcomes.size() && !r.robust; ++k)
    out += "    " + r.outcomes[k] + "\n";
  for (const auto& h : r.hinges) {
    auto lines = hinge_lines(h);
    for (size_t k = 0; k < lines.size(); ++k)
      out += (k ? "      " : "    - ") + lines[k] + "\n";
  }
  return out;
}

}  // namespace

std::string diff_text(const DiffView& v) {
  std::string out;
  if (v.outcomes) {
    std::string query = fmt::format("as of {}", v.date);
    if (!v.to.empty()) query += ", export to " + v.to;
    if (!v.hq.empty()) query += ", buyer headquartered in " + v.hq;
    out += fmt::format("{} -> {} ({})\n", v.before, v.after, query);
    for (const auto& c : v.chips) {
      const auto& d = *c.diff;
      out += fmt::format("\n{} ({}): {}\n", c.chip_name.empty() ? c.chip : c.chip_name, c.chip,
                         change_words(d.change));
      size_t w = std::max(v.before.size(), v.after.size());
      out += fmt::format("  {:<{}}  {}\n", v.before, w, outcome_text(d.before));
      out += fmt::format("  {:<{}}  {}\n", v.after, w, outcome_text(d.after));
      auto why = why_lines(v, d);
      if (!why.empty()) {
        out += "  why:\n";
        for (const auto& line : why)
          out += "    " + line + "\n";
      }
      if (c.robust) out += robust_change_text(*c.robust);
    }
    out += fmt::format("\n{}\n", diff_summary(v.counts));
  }
  if (v.rules) {
    out += fmt::format("{}rules: {} -> {}{}\n", v.outcomes ? "\n" : "", v.before, v.after,
                       v.rules->empty() ? ": no change" : "");
    for (const auto& r : *v.rules) {
      std::string id = r.id.empty() ? "" : " " + r.id;
      switch (r.kind) {
        case draft::RuleChange::Kind::added:
          out += fmt::format("  + {}{}: {}  [{}]\n", r.section, id, r.after, where(r.after_span));
          break;
        case draft::RuleChange::Kind::removed:
          out += fmt::format("  - {}{}: {}  [{}]\n", r.section, id, r.before, where(r.before_span));
          break;
        case draft::RuleChange::Kind::changed:
          out += fmt::format("  ~ {}{}:\n      {}  [{}]\n   -> {}  [{}]\n", r.section, id, r.before,
                             where(r.before_span), r.after, where(r.after_span));
          break;
      }
    }
  }
  return out;
}

nlohmann::ordered_json diff_json(const DiffView& v) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["before"] = v.before;
  j["after"] = v.after;
  j["date"] = v.date;
  j["to"] = v.to.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(v.to);
  j["hq"] = v.hq.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(v.hq);
  if (v.outcomes) {
    nlohmann::ordered_json summary;
    for (size_t i = 0; i < v.counts.size(); ++i)
      summary[std::string(draft::outcome_change_name(static_cast<OutcomeChange>(i)))] = v.counts[i];
    j["summary"] = summary;
    auto chips = nlohmann::ordered_json::array();
    for (const auto& c : v.chips) {
      const auto& d = *c.diff;
      nlohmann::ordered_json x;
      x["chip"] = c.chip;
      x["name"] = c.chip_name;
      x["change"] = draft::outcome_change_name(d.change);
      x["aspects"] = d.aspects;
      x["before"] = side_json(d.before);
      x["after"] = side_json(d.after);
      auto why = nlohmann::ordered_json::array();
      for (const auto& w : d.why) {
        why.push_back({{"kind", w.kind},
                       {"id", w.id},
                       {"before", w.before ? clause_json(*w.before) : nlohmann::ordered_json()},
                       {"after", w.after ? clause_json(*w.after) : nlohmann::ordered_json()}});
      }
      x["why"] = why;
      if (c.robust) {
        nlohmann::ordered_json r = nlohmann::ordered_json::object();
        add_robust_json(r, *c.robust);
        x["robust"] = r;
      }
      chips.push_back(x);
    }
    j["chips"] = chips;
  }
  if (v.rules) {
    auto rules = nlohmann::ordered_json::array();
    for (const auto& r : *v.rules) {
      rules.push_back(
          {{"change", draft::rule_change_kind_name(r.kind)},
           {"section", r.section},
           {"id", r.id},
           {"before",
            r.before.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.before)},
           {"after", r.after.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.after)},
           {"before_source", where(r.before_span)},
           {"after_source", where(r.after_span)}});
    }
    j["rules"] = rules;
  }
  return j;
}

Table diff_table(const DiffView& v) {
  if (!v.outcomes) {
    Table t({{"change", "Change"},
             {"section", "Section"},
             {"id", "Id"},
             {"before", "Before"},
             {"after", "After"}});
    for (const auto& r : *v.rules) {
      std::string kind(draft::rule_change_kind_name(r.kind));
      t.add_row({{kind, kind},
                 {r.section, r.section},
                 {r.id, r.id},
                 {r.before, r.before},
                 {r.after, r.after}});
    }
    return t;
  }
  Table t({{"chip", "Chip"},
           {"change", "Change"},
           {"before", v.before},
           {"after", v.after},
           {"why", "Why"}});
  for (const auto& c : v.chips) {
    std::string change(draft::outcome_change_name(c.diff->change));
    std::string a = outcome_text(c.diff->before), b = outcome_text(c.diff->after);
    std::string why = join(why_lines(v, *c.diff), " | ");
    t.add_row({{c.chip, c.chip}, {change, change}, {a, a}, {b, b}, {why, why}});
  }
  return t;
}

}  // namespace exctl::report
