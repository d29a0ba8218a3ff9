#include "engine/draft/diff.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/eval/values.hpp"

namespace exctl::draft {
namespace {

using eval::ClauseTrace;
using eval::Decision;
using eval::Verdict;

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> exception_names(const Decision& d) {
  std::vector<std::string> out;
  for (const auto& x : d.licence.exceptions)
    out.push_back(x.name);
  return sorted(out);
}

bool is_classification(const std::string& kind) {
  return kind == "control" || kind == "exclude";
}

// A clause's key within its decision: kind, id, and which of that kind and id it is.
using ClauseKey = std::tuple<std::string, std::string, int>;

std::map<ClauseKey, const ClauseTrace*> by_key(const Decision& d) {
  std::map<ClauseKey, const ClauseTrace*> out;
  std::map<std::pair<std::string, std::string>, int> seen;
  for (const auto& t : d.trace) {
    // Licence rules have no id of their own: their text stands for one.
    std::string id = t.kind == "licence" ? clause_text(t.span) : t.id;
    int n = seen[{t.kind, id}]++;
    out[{t.kind, id, n}] = &t;
  }
  return out;
}

}  // namespace

std::string_view outcome_change_name(OutcomeChange c) {
  switch (c) {
    case OutcomeChange::caught:
      return "caught";
    case OutcomeChange::released:
      return "released";
    case OutcomeChange::indeterminate:
      return "indeterminate";
    case OutcomeChange::paragraphs:
      return "paragraphs";
    case OutcomeChange::licence:
      return "licence";
    case OutcomeChange::unchanged:
      return "unchanged";
  }
  return "unchanged";
}

std::string_view rule_change_kind_name(RuleChange::Kind k) {
  switch (k) {
    case RuleChange::Kind::added:
      return "added";
    case RuleChange::Kind::removed:
      return "removed";
    case RuleChange::Kind::changed:
      return "changed";
  }
  return "changed";
}

OutcomeDiff diff_outcomes(Decision before, Decision after) {
  OutcomeDiff diff;
  auto controlled = [](const Decision& d) { return d.verdict == Verdict::controlled; };
  bool verdict = before.verdict != after.verdict;
  bool paragraphs = sorted(before.paragraphs) != sorted(after.paragraphs) ||
                    sorted(before.excluded_by) != sorted(after.excluded_by);
  bool licence = before.licence.required != after.licence.required;
  bool policy = before.licence.policy != after.licence.policy;
  bool exceptions = exception_names(before) != exception_names(after);
  bool missing = sorted(before.missing) != sorted(after.missing);
  for (auto [differs, name] : {std::pair{verdict, "verdict"},
                               {paragraphs, "paragraphs"},
                               {licence, "licence"},
                               {policy, "policy"},
                               {exceptions, "exceptions"}}) {
    if (differs) diff.aspects.push_back(name);
  }
  bool undecided =
      before.verdict == Verdict::indeterminate || after.verdict == Verdict::indeterminate;
  if (!controlled(before) && controlled(after) && !undecided)
    diff.change = OutcomeChange::caught;
  else if (controlled(before) && !controlled(after) && !undecided)
    diff.change = OutcomeChange::released;
  else if (undecided && (verdict || paragraphs || missing))
    diff.change = OutcomeChange::indeterminate;
  else if (verdict || paragraphs)
    diff.change = OutcomeChange::paragraphs;
  else if (licence || policy || exceptions)
    diff.change = OutcomeChange::licence;
  if (diff.change == OutcomeChange::indeterminate && missing && diff.aspects.empty())
    diff.aspects.push_back("missing");

  if (diff.change != OutcomeChange::unchanged) {
    // The kinds of clause the change is about.
    bool classification = verdict || paragraphs || diff.change == OutcomeChange::indeterminate;
    bool licensing = licence || policy || exceptions;
    auto wanted = [&](const std::string& kind) {
      return is_classification(kind) ? classification
                                     : (kind == "licence" || kind == "exception") && licensing;
    };
    auto a = by_key(before), b = by_key(after);
    std::set<ClauseKey> keys;
    for (const auto& [k, t] : a)
      keys.insert(k);
    for (const auto& [k, t] : b)
      keys.insert(k);
    // A side that controls nothing while the other does: its failed controls say why not.
    auto explains_nothing = [&](const Decision& self, const Decision& other) {
      return self.paragraphs.empty() && !other.paragraphs.empty();
    };
    for (const auto& key : keys) {
      const auto& kind = std::get<0>(key);
      if (!wanted(kind)) continue;
      auto ia = a.find(key), ib = b.find(key);
      const ClauseTrace* ta = ia == a.end() ? nullptr : ia->second;
      const ClauseTrace* tb = ib == b.end() ? nullptr : ib->second;
      bool keep = false;
      if (ta && tb) {
        keep = ta->result != tb->result;
      } else {
        const ClauseTrace* only = ta ? ta : tb;
        bool self_empty = ta ? explains_nothing(before, after) : explains_nothing(after, before);
        keep = only->result != Truth::no || (kind == "control" && self_empty);
      }
      if (!keep) continue;
      ClauseDelta delta{kind, (ta ? ta : tb)->id, std::nullopt, std::nullopt};
      if (ta) delta.before = *ta;
      if (tb) delta.after = *tb;
      diff.why.push_back(std::move(delta));
    }
    // Classification first, in the order the regimes write their clauses.
    std::stable_sort(diff.why.begin(), diff.why.end(), [](const auto& x, const auto& y) {
      return is_classification(x.kind) && !is_classification(y.kind);
    });
  }
  diff.before = std::move(before);
  diff.after = std::move(after);
  return diff;
}

std::string clause_text(const Span& span) {
  if (!span.has_file()) return "";
  std::string_view text(span.file->text());
  text = text.substr(span.begin, span.end - span.begin);
  std::string out;
  bool space = false, quoted = false, comment = false;
  for (char c : text) {
    if (comment) {
      if (c == '\n')
        comment = false;
      else
        continue;
    }
    if (!quoted && c == '#') {
      comment = true;
      space = true;
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<RuleChange> diff_rules(const sema::Regime& before, const sema::Regime& after) {
  std::vector<RuleChange> out;
  using Kind = RuleChange::Kind;
  auto compare = [&](const std::string& section, const std::string& id, std::string a,
                     std::string b, Span sa, Span sb, bool in_a, bool in_b) {
    if (in_a && in_b && a == b) return;
    Kind kind = !in_a ? Kind::added : !in_b ? Kind::removed : Kind::changed;
    out.push_back({kind, section, id, std::move(a), std::move(b), std::move(sa), std::move(sb)});
  };

  // Metadata: what each regime says of itself.
  auto meta = [&](const std::string& key, const std::string& a, const std::string& b) {
    if (a != b) compare("metadata", key, a, b, before.span, after.span, !a.empty(), !b.empty());
  };
  meta("title", before.title, after.title);
  meta("citation", before.citation, after.citation);
  meta("status", std::string(sema::status_name(before.status)),
       std::string(sema::status_name(after.status)));
  meta("effective", sema::date_text(before.effective), sema::date_text(after.effective));
  meta("ends", sema::date_text(before.ends), sema::date_text(after.ends));
  meta("extends", before.parent, after.parent);
  meta("supersedes", before.supersedes, after.supersedes);
  meta("applies_to", before.applies_to, after.applies_to);
  meta("informed", fmt::format("{}", fmt::join(before.informed, ", ")),
       fmt::format("{}", fmt::join(after.informed, ", ")));

  // Parameters by name, by value and unit.
  for (const auto& p : before.params) {
    int j = after.find_param(p.name);
    const sema::Param* q = j >= 0 ? &after.params[static_cast<size_t>(j)] : nullptr;
    std::string a = eval::format_value(p.value, p.dim);
    std::string b = q ? eval::format_value(q->value, q->dim) : "";
    bool same = q && q->value == p.value && q->dim == p.dim;
    if (!same) compare("param", p.name, a, b, p.span, q ? q->span : Span{}, true, q != nullptr);
  }
  for (const auto& q : after.params) {
    if (before.find_param(q.name) < 0)
      compare("param", q.name, "", eval::format_value(q.value, q.dim), {}, q.span, false, true);
  }

  // Clauses, paired by (section, id, occurrence). Same source span: inherited alike.
  struct Clause {
    std::string id, text;
    Span span;
  };
  auto pair_up = [&](const std::string& section, const std::vector<Clause>& xs,
                     const std::vector<Clause>& ys) {
    std::map<std::pair<std::string, int>, const Clause*> a, b;
    std::vector<std::pair<std::string, int>> order;
    std::map<std::string, int> na, nb;
    for (const auto& x : xs) {
      std::pair key{x.id, na[x.id]++};
      a[key] = &x;
      order.push_back(key);
    }
    for (const auto& y : ys) {
      std::pair key{y.id, nb[y.id]++};
      b[key] = &y;
      if (!a.count(key)) order.push_back(key);
    }
    for (const auto& key : order) {
      const Clause* x = a.count(key) ? a[key] : nullptr;
      const Clause* y = b.count(key) ? b[key] : nullptr;
      if (x && y && x->span.file == y->span.file && x->span.begin == y->span.begin) continue;
      bool by_text = section == "licence";  // a licence rule's id is its text
      compare(section, by_text ? "" : key.first, x ? x->text : "", y ? y->text : "",
              x ? x->span : Span{}, y ? y->span : Span{}, x != nullptr, y != nullptr);
    }
  };
  auto clauses = [&](const sema::Regime& r, const std::string& section) {
    std::vector<Clause> v;
    auto add = [&](const std::string& id, const Span& s) {
      std::string text = clause_text(s);
      v.push_back({section == "licence" ? text : id, text, s});
    };
    if (section == "control")
      for (const auto& c : r.controls)
        add(c.paragraph, c.span);
    if (section == "exclusion")
      for (const auto& x : r.exclusions)
        add(x.note, x.span);
    if (section == "licence")
      for (const auto& l : r.licences)
        add("", l.span);
    if (section == "exception")
      for (const auto& x : r.exceptions)
        add(x.name, x.span);
    if (section == "flag")
      for (const auto& f : r.flags)
        add(f.message, f.span);
    return v;
  };
  for (const char* section : {"control", "exclusion", "licence", "exception", "flag"})
    pair_up(section, clauses(before, section), clauses(after, section));
  return out;
}

}  // namespace exctl::draft
