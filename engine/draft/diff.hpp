// What changes between two regimes: for one chip, the outcomes side by side with the clauses
// whose truth differs (the why); for the regimes themselves, the parameters and clauses as
// written after `extends` is resolved.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/eval/decide.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::draft {

// How a chip's outcome moves from the first regime to the second, in order of precedence.
enum class OutcomeChange {
  caught,         // controlled in the second, not in the first
  released,       // controlled in the first, not in the second
  indeterminate,  // indeterminate on one side (or both, for different missing values)
  paragraphs,     // controlled in both, under other paragraphs
  licence,        // licence requirement, review policy or available exceptions differ
  unchanged,
};
std::string_view outcome_change_name(OutcomeChange c);

// A clause that explains the change: its trace on each side where the regime has it.
struct ClauseDelta {
  std::string kind, id;  // control, exclude, licence, exception; paragraph, note or name
  std::optional<eval::ClauseTrace> before, after;
};

struct OutcomeDiff {
  OutcomeChange change = OutcomeChange::unchanged;
  std::vector<std::string>
      aspects;  // what differs: verdict, paragraphs, licence, policy, exceptions
  eval::Decision before, after;
  std::vector<ClauseDelta> why;
};

// Compares two decisions on the same chip and query (each with its trace, from decide()).
// The why lists the clauses of the kinds the change is about (classification, or licence
// and exceptions) whose truth differs: a clause of the same kind and id on the other side
// with another truth, one only one side has that holds or is undecided, and, on a side
// that controls nothing while the other does, its controls that do not hold.
OutcomeDiff diff_outcomes(eval::Decision before, eval::Decision after);

// A difference in the regimes as written.
struct RuleChange {
  enum class Kind { added, removed, changed };
  Kind kind = Kind::changed;
  std::string section;        // param, control, exclusion, licence, exception, flag, metadata
  std::string id;             // the parameter, paragraph, note or exception name ("" for licences)
  std::string before, after;  // canonical text (a parameter's value with its unit)
  Span before_span, after_span;
};
std::string_view rule_change_kind_name(RuleChange::Kind k);

// The parameters, metadata and clauses of `after` against `before`, each clause as
// canonical text (the `fmt` layout, one line). Clauses are paired by kind and id (licence
// rules, which have none, by their text); a clause both regimes inherit from one source is
// unchanged.
std::vector<RuleChange> diff_rules(const sema::Regime& before, const sema::Regime& after);

// A clause's canonical text from its span: the `fmt` layout on one line.
std::string clause_text(const Span& span);

}  // namespace exctl::draft
