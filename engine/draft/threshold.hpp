// Threshold search: which thresholds on which metrics catch one set of chips and spare
// another. Exact: the values are rationals, the intervals have open and closed ends, and
// the search over pairs of cuts is exhaustive.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/base/rational.hpp"

namespace exctl::draft {

// One metric's values, one per chip of the search (nullopt: the chip's value is unknown).
struct MetricValues {
  std::string name;  // as the user wrote it: a field, or an expression of the rule language
  std::string unit;  // for people: "GB/s", "/mm2", ""
  std::vector<std::optional<Rational>> values;
};

struct Chips {
  std::vector<std::string> ids;
  std::vector<bool> caught;  // true: to catch; false: to spare
};

// `value >= t` catches (at_least) or `value <= t` catches (at_most).
enum class Direction { at_least, at_most };

// An end of an interval of thresholds.
struct End {
  Rational value;
  bool closed = false;
};

// What one threshold on one metric can do.
struct Separation {
  size_t metric = 0;
  bool separates = false;
  Direction direction = Direction::at_least;
  // When it separates: every threshold in [lo, hi] (ends open or closed) does, and the
  // suggested one is a round number in it; the margins are to the nearest chip either side.
  End lo, hi;
  Rational suggested;
  Rational caught_margin, spared_margin;
  std::string nearest_caught, nearest_spared;
  // When it does not: the chips the best single threshold gets wrong (a threshold that
  // catches some chips with a value and spares others), or `no_cut` when every chip with a
  // value has the same one, so no threshold tells any apart.
  std::vector<std::string> wrong;
  bool no_cut = false;
  std::vector<std::string> unknown;  // chips without a value for the metric: left out
};

// Each metric on its own, in the order given. Needs at least one chip of each set with a
// value; otherwise the metric is reported as not separating, every chip unknown.
std::vector<Separation> separate(const Chips& chips, const std::vector<MetricValues>& metrics);

// One cut: `metric >= threshold` (at_least) or `metric <= threshold` (at_most). Any
// threshold in (lo, hi] for at_least ([lo, hi) for at_most) cuts the same chips.
struct Cut {
  size_t metric = 0;
  Direction direction = Direction::at_least;
  End lo, hi;
  Rational suggested;  // a round number in the interval
};

// Two cuts joined by AND or OR, and what the rule gets wrong.
struct PairRule {
  Cut first, second;
  bool conjunction = true;           // AND; false: OR
  std::vector<std::string> wrong;    // caught chips it spares and spared chips it catches
  std::vector<std::string> unknown;  // chips without a value for either metric: left out
  double tightest = 0;               // the narrower cut's interval, relative to its threshold
};

// The best `limit` two-metric rules over every pair of metrics and every pair of cuts,
// ranked by chips wrong, then chips unknown, then the widest tightest interval.
std::vector<PairRule> best_pairs(const Chips& chips, const std::vector<MetricValues>& metrics,
                                 size_t limit = 10);

// The roundest number in the interval (fewest significant digits; of those, the nearest
// the middle): 3000 in (1400, 4000], 4800 in (4799.5, 4800].
Rational round_in(const End& lo, const End& hi);

}  // namespace exctl::draft
