#include "engine/eval/decide.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace exctl::eval {

using sema::Node;

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::controlled:
      return "controlled";
    case Verdict::not_controlled:
      return "not_controlled";
    case Verdict::excluded:
      return "excluded";
    case Verdict::indeterminate:
      return "indeterminate";
  }
  return "indeterminate";
}

Diagnostic ArithmeticOverflow::diagnostic(std::string_view chip) const {
  std::string_view text;
  if (expression_.has_file()) {
    text = std::string_view(expression_.file->text())
               .substr(expression_.begin, expression_.end - expression_.begin);
  }
  return {Severity::error,
          "E0421",
          fmt::format("the values of '{}' take '{}' out of exact arithmetic's range", chip, text),
          expression_,
          {"exact values keep numerators and denominators within 64 bits (about 9.2e18); a "
           "value this large is likely in the wrong unit, so no verdict is given"}};
}

namespace {

struct Value {
  std::optional<Rational> number;
  Truth truth = Truth::unknown;
};

// Walks the expression pool of one regime, recording comparisons and unknown fields.
class Evaluator {
 public:
  Evaluator(const sema::Regime& regime, const FieldValues& values)
      : regime_(regime), values_(&values) {}
  Evaluator(const sema::Regime& regime, const ComparisonOracle& oracle)
      : regime_(regime), oracle_(&oracle) {}

  Truth condition(int root, ClauseTrace& trace) {
    trace_ = &trace;
    Truth t = eval(root).truth;
    trace_ = nullptr;
    return t;
  }
  Truth condition(int root) { return eval(root).truth; }
  std::optional<Rational> quantity(int root) { return eval(root).number; }

 private:
  Value eval(int index) {
    const Node& n = regime_.nodes[static_cast<size_t>(index)];
    switch (n.kind) {
      case Node::Kind::number:
        return {n.number, Truth::unknown};
      case Node::Kind::boolean:
        return {std::nullopt, truth_of(n.boolean)};
      case Node::Kind::param:
        return {regime_.params[static_cast<size_t>(n.ref)].value, Truth::unknown};
      case Node::Kind::field: {
        auto f = static_cast<sema::FieldId>(n.ref);
        bool known = oracle_ ? oracle_->known(f) : values_->known(f);
        if (!known) note_missing(f);
        if (oracle_) return {std::nullopt, n.is_bool && known ? oracle_->flag(f) : Truth::unknown};
        if (n.is_bool) {
          auto b = values_->boolean(f);
          return {std::nullopt, b ? truth_of(*b) : Truth::unknown};
        }
        return {values_->num(f), Truth::unknown};
      }
      case Node::Kind::metric:
        // Evaluated afresh in each clause, so that each clause's trace is whole.
        return eval(regime_.metrics[static_cast<size_t>(n.ref)].root);
      case Node::Kind::classified: {
        // Another regime's paragraphs, on the same chip values, into the same trace. A
        // consulted paragraph's unknown fields count only when they leave it undecided, as for
        // the paragraphs of the decision itself.
        const sema::Reference& ref = regime_.references[static_cast<size_t>(n.ref)];
        Evaluator consulted(*ref.target, values_, oracle_);
        consulted.prefix_ = prefix_ + ref.regime + ": ";
        Truth any = Truth::no;
        for (const auto& p : ref.paragraphs) {
          ClauseTrace scratch;
          consulted.trace_ = trace_ ? &scratch : nullptr;
          Consultation c = consulted.paragraph(p);
          any = truth_or(any, c.result);
          if (!trace_) continue;
          for (auto& cmp : scratch.comparisons)
            trace_->comparisons.push_back(std::move(cmp));
          for (auto& k : scratch.consulted)
            trace_->consulted.push_back(std::move(k));
          if (c.result == Truth::unknown) {
            for (const auto& m : scratch.missing) {
              if (std::find(trace_->missing.begin(), trace_->missing.end(), m) ==
                  trace_->missing.end()) {
                trace_->missing.push_back(m);
              }
            }
          }
          trace_->consulted.push_back(std::move(c));
        }
        return {std::nullopt, any};
      }
      case Node::Kind::not_:
        return {std::nullopt, truth_not(eval(n.lhs).truth)};
      case Node::Kind::confirmed:
        return {std::nullopt, truth_of(eval(n.lhs).truth == Truth::yes)};
      case Node::Kind::and_: {
        Truth a = eval(n.lhs).truth;
        Truth b = eval(n.rhs).truth;
        return {std::nullopt, truth_and(a, b)};
      }
      case Node::Kind::or_: {
        Truth a = eval(n.lhs).truth;
        Truth b = eval(n.rhs).truth;
        return {std::nullopt, truth_or(a, b)};
      }
      case Node::Kind::add:
      case Node::Kind::sub:
      case Node::Kind::mul:
      case Node::Kind::div: {
        auto a = eval(n.lhs).number, b = eval(n.rhs).number;
        if (!a || !b) return {};
        if (n.kind == Node::Kind::div && *b == 0) {
          divided_by_zero_ = true;
          return {};
        }
        try {
          return {sema::arithmetic(n.kind, *a, *b)};
        } catch (const std::overflow_error&) {
          throw ArithmeticOverflow(n.span);
        }
      }
      case Node::Kind::cmp: {
        const Node& l = regime_.nodes[static_cast<size_t>(n.lhs)];
        if (oracle_ && !l.is_bool) {
          eval(n.lhs), eval(n.rhs);  // for the fields they find missing
          return {std::nullopt, oracle_->comparison(n)};
        }
        Comparison c;
        c.node = index;
        c.op = n.cmp;
        c.dim = l.dim;
        if (l.is_bool) {
          Truth a = eval(n.lhs).truth, b = eval(n.rhs).truth;
          Truth r = (a == Truth::unknown || b == Truth::unknown) ? Truth::unknown
                    : n.cmp == sema::CmpOp::eq                   ? truth_of(a == b)
                                                                 : truth_of(a != b);
          return {std::nullopt, r};
        }
        bool divided_before = std::exchange(divided_by_zero_, false);
        c.lhs = eval(n.lhs).number;
        c.rhs = eval(n.rhs).number;
        if (c.lhs && c.rhs) {
          c.result = truth_of(sema::compare(n.cmp, *c.lhs, *c.rhs));
        } else if (divided_by_zero_) {
          c.unknown_because = "division by zero";
        }
        divided_by_zero_ = divided_by_zero_ || divided_before;
        if (trace_) {
          const auto& text = n.span.file->text();
          c.text = prefix_ + text.substr(n.span.begin, n.span.end - n.span.begin);
          trace_->comparisons.push_back(c);
        }
        return {std::nullopt, c.result};
      }
    }
    return {};
  }

  // A paragraph's truth in this regime: its control, less the exclusions aimed at it.
  Consultation paragraph(const std::string& p) {
    Consultation c{regime_.id, p, Truth::unknown, {}};
    Truth control = eval(regime_.find_control(p)->condition).truth;
    Truth excluded = Truth::no;
    for (const auto& x : regime_.exclusions) {
      if (!sema::Regime::aims_at(x, p)) continue;
      Truth e = eval(x.condition).truth;
      excluded = truth_or(excluded, e);
      if (control == Truth::yes && e == Truth::yes) c.excluded_by.push_back(x.note);
    }
    c.result = truth_and(control, truth_not(excluded));
    return c;
  }

  void note_missing(sema::FieldId f) {
    if (!trace_) return;
    std::string name(sema::field_info(f).name);
    if (std::find(trace_->missing.begin(), trace_->missing.end(), name) == trace_->missing.end()) {
      trace_->missing.push_back(name);
    }
  }

  Evaluator(const sema::Regime& regime, const FieldValues* values, const ComparisonOracle* oracle)
      : regime_(regime), values_(values), oracle_(oracle) {}

  const sema::Regime& regime_;
  const FieldValues* values_ = nullptr;
  const ComparisonOracle* oracle_ = nullptr;  // set: comparisons are answered, not computed
  bool divided_by_zero_ = false;  // a divisor was zero for these values (in this comparison)
  ClauseTrace* trace_ = nullptr;
  std::string prefix_;  // "us-2024-12: " before comparisons of a regime consulted
};

bool targets_include(const std::vector<std::string>& targets, const std::string& paragraph) {
  return targets.empty() || std::find(targets.begin(), targets.end(), paragraph) != targets.end();
}

// Every clause of the regime, then the verdict and licence folded from their truths.
Decision decide_clauses(const sema::Regime& regime, Evaluator& ev, const Query& query) {
  Decision d;
  d.regime = regime.id;
  d.in_force = query.date != 0 && regime.in_force_on(query.date);

  // Paragraph truth: the control, less any exclusion aimed at it.
  std::vector<std::pair<std::string, Truth>> effective;
  std::vector<Truth> control_truth;
  for (const auto& c : regime.controls) {
    ClauseTrace t{"control", c.paragraph, Truth::unknown, c.cite, c.defined_in, c.span, {}, {}};
    t.result = ev.condition(c.condition, t);
    control_truth.push_back(t.result);
    d.trace.push_back(std::move(t));
  }
  std::vector<Truth> exclusion_truth;
  for (const auto& x : regime.exclusions) {
    ClauseTrace t{"exclude", x.note, Truth::unknown, x.cite, x.defined_in, x.span, {}, {}};
    t.result = ev.condition(x.condition, t);
    exclusion_truth.push_back(t.result);
    d.trace.push_back(std::move(t));
  }
  std::set<std::string> missing;
  auto collect_missing = [&](const ClauseTrace& t) {
    missing.insert(t.missing.begin(), t.missing.end());
  };
  bool any_unknown = false;
  std::set<std::string> excluded_notes;
  for (size_t i = 0; i < regime.controls.size(); ++i) {
    const auto& c = regime.controls[i];
    Truth excluded = Truth::no;
    for (size_t j = 0; j < regime.exclusions.size(); ++j) {
      const auto& x = regime.exclusions[j];
      if (!targets_include(x.targets, c.paragraph)) continue;
      excluded = truth_or(excluded, exclusion_truth[j]);
      // Named when it holds, even over an unknown control: no licence either way.
      if (control_truth[i] != Truth::no && exclusion_truth[j] == Truth::yes)
        excluded_notes.insert(x.note);
      if (control_truth[i] != Truth::no && exclusion_truth[j] == Truth::unknown)
        collect_missing(d.trace[regime.controls.size() + j]);
    }
    Truth eff = truth_and(control_truth[i], truth_not(excluded));
    effective.emplace_back(c.paragraph, eff);
    if (eff == Truth::yes) d.paragraphs.push_back(c.paragraph);
    // Still open when the control is unknown, even if an exclusion takes the chip out: it is
    // then `excluded` or `not_controlled` by the missing value, so the verdict says neither.
    if (eff == Truth::unknown || (control_truth[i] == Truth::unknown && excluded == Truth::yes)) {
      any_unknown = true;
      if (control_truth[i] == Truth::unknown) collect_missing(d.trace[i]);
    }
  }
  d.excluded_by.assign(excluded_notes.begin(), excluded_notes.end());
  if (!d.paragraphs.empty())
    d.verdict = Verdict::controlled;
  else if (any_unknown)
    d.verdict = Verdict::indeterminate;
  else if (!d.excluded_by.empty())
    d.verdict = Verdict::excluded;
  else
    d.verdict = Verdict::not_controlled;
  if (d.verdict == Verdict::indeterminate) d.missing.assign(missing.begin(), missing.end());

  for (const auto& p : regime.propagations) {
    for (const auto& s : p.sources) {
      if (std::find(d.paragraphs.begin(), d.paragraphs.end(), s) != d.paragraphs.end()) {
        d.end_items.push_back(p.item);
        break;
      }
    }
  }

  // Licence: only when a destination or headquarters was asked about.
  auto paragraph_truth = [&](const std::vector<std::string>& targets) {
    Truth t = Truth::no;
    for (const auto& [p, eff] : effective) {
      if (targets_include(targets, p)) t = truth_or(t, eff);
    }
    return t;
  };
  LicenceOutcome& lic = d.licence;
  lic.asked = !query.to.empty() || !query.hq.empty();
  const bool domestic = query.to == sema::kControllingCountry;
  if (domestic)
    lic.reasons.push_back(
        "no licence: a sale inside the United States is not an export (15 CFR 734.13)");
  // Within destination rules (and within headquarters rules) the most derived regime's rule
  // sets the policy; the two are separate requirements, so the stricter of them wins.
  std::pair<int, int> best_dest = {-1, -1}, best_hq = {-1, -1};
  sema::Policy dest_policy = sema::Policy::none, hq_policy = sema::Policy::none;
  // Undecided rules that would outrank the decided ones, if they applied.
  std::vector<std::pair<std::pair<int, int>, sema::Policy>> undecided_dest, undecided_hq;
  for (const auto& rule : regime.licences) {
    if (domestic || !rule.reaches(query.to, query.hq, query.date)) continue;
    const std::string& who = rule.headquarters ? query.hq : query.to;
    ClauseTrace t{"licence",
                  rule.targets.empty() ? "any" : fmt::format("{}", fmt::join(rule.targets, ", ")),
                  Truth::unknown,
                  rule.cite,
                  rule.defined_in,
                  rule.span,
                  {},
                  {}};
    Truth applies = paragraph_truth(rule.targets);
    if (rule.condition >= 0) applies = truth_and(applies, ev.condition(rule.condition, t));
    t.result = applies;
    if (applies != Truth::no) {
      std::string where = rule.headquarters ? fmt::format("buyer headquartered in {}", who)
                                            : fmt::format("export to {}", who);
      lic.reasons.push_back(fmt::format("{}: {} ({}){}", t.id, where, rule.where.text(),
                                        applies == Truth::unknown ? " [undecided]" : ""));
    }
    std::pair<int, int> rank = {rule.level, policy_rank(rule.policy)};
    auto& best = rule.headquarters ? best_hq : best_dest;
    if (applies == Truth::yes && rule.policy != sema::Policy::none && rank > best) {
      best = rank;
      (rule.headquarters ? hq_policy : dest_policy) = rule.policy;
    }
    if (applies == Truth::unknown && rule.policy != sema::Policy::none)
      (rule.headquarters ? undecided_hq : undecided_dest).push_back({rank, rule.policy});
    lic.truth = truth_or(lic.truth, applies);
    if (applies == Truth::unknown) collect_missing(t);
    d.trace.push_back(std::move(t));
  }
  lic.policy = stricter(hq_policy, dest_policy);
  // The policies each side could end with; when the final one could differ, it is not
  // stated: a missing value must not settle it silently.
  auto possible = [](sema::Policy decided, std::pair<int, int> best, const auto& undecided) {
    std::vector<sema::Policy> out{decided};
    for (const auto& [rank, policy] : undecided) {
      if (rank > best) out.push_back(policy);
    }
    return out;
  };
  bool policy_open = false;
  for (auto dp : possible(dest_policy, best_dest, undecided_dest)) {
    for (auto hp : possible(hq_policy, best_hq, undecided_hq))
      policy_open |= stricter(hp, dp) != lic.policy;
  }
  if (policy_open) {
    lic.policy = sema::Policy::none;
    lic.reasons.push_back("review policy undecided: it turns on a missing value");
  }
  // Part 746: an embargoed destination needs a licence for every item the embargo reaches,
  // and none of the advanced-computing exceptions applies there.
  bool embargoed = false;
  if (!domestic && !query.to.empty()) {
    for (const auto& e : regime.embargoes) {
      if (!e.where.contains(query.to, query.date)) continue;
      embargoed = true;
      // A CCL-wide embargo reaches what this regime classifies; an item it does not
      // classify may still be on the CCL under another entry (3A991, 4A994, 5A992), which
      // exctl does not decide: undecided, never "no licence".
      Truth applies = e.scope == sema::Embargo::Scope::ear || d.verdict == Verdict::controlled
                          ? Truth::yes
                          : Truth::unknown;
      ClauseTrace t{"embargo", e.name, applies, e.cite, "country groups", {}, {}, {}};
      d.trace.push_back(std::move(t));
      lic.truth = truth_or(lic.truth, applies);
      if (applies == Truth::yes) {
        lic.policy = stricter(lic.policy, e.policy);
        lic.reasons.push_back(fmt::format("{}: export to {} ({})", e.title, query.to, e.cite));
      } else {
        lic.reasons.push_back(fmt::format(
            "{}: export to {} [undecided: whether the item is on the CCL under an entry other "
            "than those this rule classifies]",
            e.title, query.to));
      }
    }
  }
  if (lic.asked) {
    if (lic.truth == Truth::yes)
      lic.required = true;
    else if (lic.truth == Truth::no)
      lic.required = false;
  }
  if (embargoed && lic.truth == Truth::yes)
    lic.reasons.push_back("no licence exception: part 746 admits none of this rule's exceptions");
  if (lic.truth == Truth::yes && !embargoed) {
    for (const auto& x : regime.exceptions) {
      // Unknown when it needs the buyer's headquarters and none was given: not listed.
      Truth reaches = x.reaches(query.to, query.hq, query.date);
      if (reaches == Truth::no) continue;
      ClauseTrace t{"exception", x.name, Truth::unknown, x.cite, x.defined_in, x.span, {}, {}};
      Truth ok = truth_and(reaches, paragraph_truth(x.targets));
      if (x.condition >= 0) ok = truth_and(ok, ev.condition(x.condition, t));
      if (ok == Truth::unknown && reaches == Truth::unknown) t.missing.push_back("hq");
      t.result = ok;
      // Two clauses of one exception (a rule that widens an inherited one): listed once.
      bool listed = std::any_of(lic.exceptions.begin(), lic.exceptions.end(),
                                [&](const ExceptionOutcome& e) { return e.name == x.name; });
      if (ok == Truth::yes && !listed) lic.exceptions.push_back({x.name, x.cite, x.limit, x.per});
      d.trace.push_back(std::move(t));
    }
  }
  for (const auto& f : regime.flags) {
    ClauseTrace t{"flag", f.message, Truth::unknown, "", regime.id, f.span, {}, {}};
    t.result = ev.condition(f.condition, t);
    if (t.result == Truth::yes) d.flags.push_back(f.message);
  }
  if (d.verdict == Verdict::indeterminate || lic.truth == Truth::unknown || policy_open)
    d.missing.assign(missing.begin(), missing.end());
  return d;
}

}  // namespace

Decision decide(const sema::Regime& regime, const FieldValues& values, const Query& query) {
  Evaluator ev(regime, values);
  return decide_clauses(regime, ev, query);
}

Truth evaluate(const sema::Regime& regime, int root, const FieldValues& values) {
  return Evaluator(regime, values).condition(root);
}

std::optional<Rational> quantity(const sema::Regime& regime, int root, const FieldValues& values) {
  return Evaluator(regime, values).quantity(root);
}

Decision decide_with(const sema::Regime& regime, const ComparisonOracle& oracle,
                     const Query& query) {
  Evaluator ev(regime, oracle);
  return decide_clauses(regime, ev, query);
}

int policy_rank(sema::Policy p) {
  switch (p) {
    case sema::Policy::presumption_of_denial:
      return 3;
    case sema::Policy::case_by_case:
      return 2;
    case sema::Policy::presumption_of_approval:
      return 1;
    case sema::Policy::none:
      return 0;
  }
  return 0;
}

sema::Policy stricter(sema::Policy a, sema::Policy b) {
  return policy_rank(a) > policy_rank(b) ? a : b;
}

}  // namespace exctl::eval
