// `check --robust`: each decision under every reading of the ambiguous notes (the five
// interpretation options) and every value in the spec's ranges. A decision is robust when
// all of them give the same outcome; otherwise the hinges say exactly what it turns on: an
// option, a field's value against a threshold inside its range, or several together.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/app/check.hpp"
#include "engine/eval/robust.hpp"

namespace exctl::app {

// What a decision comes to, for robustness: the verdict, the paragraphs (or the notes that
// excluded them), the licence, the review policy and the exceptions. The trace is not part of it.
std::string outcome_text(const eval::Decision& d);

using eval::Hinge;
using eval::RobustVerdict;

// The readings a robust verdict ranges over: every combination of the five options.
std::vector<MetricOptions> every_reading(const MetricOptions& base);
// "tf32_bits=32, io_dies=exclude": how `reading` differs from `base` ("" when it does not).
std::string reading_text(const MetricOptions& reading, const MetricOptions& base);

// What a robust verdict decides: the regimes whose comparisons it reads, and the rows'
// outcomes for given values (outcome_text of a check's rows, of a decision table's one
// decision, or how a chip's outcome moves between two regimes).
struct RobustTarget {
  std::vector<const sema::Regime*> regimes;
  std::function<std::vector<std::string>(const eval::FieldValues&)> outcomes;
  std::vector<sema::ThresholdAnalysis> analyses;  // of `regimes`: analyse() before use

  void analyse();
};

// One verdict per row of target.outcomes, in its order: a chip record ranges over every
// reading from `base` and its spec's ranges; without one, `box` alone is ranged over.
std::vector<RobustVerdict> robust_verdicts(const RobustTarget& target, const Chip& chip,
                                           const MetricOptions& base, sema::DateKey date);
std::vector<RobustVerdict> robust_verdicts(const RobustTarget& target, const eval::FieldBox& box);

// Every row of a check, robust: one verdict per row of run.rows, in order.
std::vector<RobustVerdict> robust_check(CheckRun& run, const MetricOptions& base);

}  // namespace exctl::app
