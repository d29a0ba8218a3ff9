// Decisions over ranges of values, exactly. Where a spec value is known only to lie in a
// range, the chip's fields lie in a box; every condition of a regime is a comparison of an
// expression of fields against a threshold, so the box falls into finitely many cells, one
// per combination of the comparisons' truths that some point of it reaches. split_box finds
// every such combination, with a point inside the box that reaches it, by exact linear
// feasibility (Fourier-Motzkin elimination over the rationals): deciding each point with
// decide() gives every outcome the box can have, without sampling.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/eval/values.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/sema/thresholds.hpp"

namespace exctl::eval {

// A closed interval of exact values, low <= high.
struct Interval {
  Rational low, high;
  bool operator==(const Interval&) const = default;
};

// Field values, some known only to lie in an interval.
struct FieldBox {
  FieldValues point;  // the point values: what a decision without ranges sees
  // A known field's interval, when wider than its point value.
  std::array<std::optional<Interval>, sema::kFieldCount> range{};
  // A chip record's performance_density is tpp / die_area: it moves with them, not alone.
  bool density_derived = false;

  bool ranged() const;
  bool operator==(const FieldBox& other) const;
};

// The box of a chip record's fields under `options`: the spec's ranges carried through the
// metrics at their exact ends (every metric is monotone in each value it reads).
FieldBox chip_box(const Chip& chip, const MetricOptions& options, sema::DateKey export_date);

// One way the box can go: a point of it, and (for a box ranged in one field only) the
// interval of that field's values that all go this way, each end open or closed.
struct Witness {
  FieldValues values;
  std::optional<Interval> along;
  bool low_open = false, high_open = false;
};

struct BoxSplit {
  // One per reachable combination of the comparisons' truths (for a box ranged in one
  // field: one per piece of its interval, in ascending order).
  std::vector<Witness> witnesses;
  bool exact = true;  // false: some combinations may be missing, for the reason given
  std::string inexact_because;
};

// Every combination of the truths of the comparisons in `analyses` (the threshold analyses
// of every regime whose decision is asked for) that some point of `box` reaches.
BoxSplit split_box(const std::vector<const sema::ThresholdAnalysis*>& analyses,
                   const FieldBox& box);

// A decision's robustness (engine/app/robust.hpp computes it): the same outcome under every
// reading and every value in range, or the hinges it turns on.
struct Hinge {
  enum class Kind {
    option,       // one interpretation option, the others as in the default reading
    field,        // one field's value inside its range, the others at their point values
    combination,  // an outcome only several options or ranged values reach together
  };
  Kind kind = Kind::option;
  std::string name;  // the option or field; for a combination, what varies

  // option: each of its values (the default reading's first) with the outcome under it.
  struct Side {
    std::string value, outcome;
  };
  std::vector<Side> sides;

  // field: its range, the spec values it comes from, and each piece of the range with its
  // outcome, in ascending order.
  std::optional<Interval> range;
  sema::Dim dim;
  struct Input {      // a spec value whose range the field's range comes from
    std::string key;  // "memory.bandwidth_gbps", in the spec's own unit
    Interval range;
    std::string source;
  };
  std::vector<Input> inputs;
  struct Piece {
    Interval values;
    bool low_open = false, high_open = false;
    std::string outcome;
  };
  std::vector<Piece> pieces;

  // combination: the outcome, and a reading and point that reach it.
  std::string outcome, example;
};

struct RobustVerdict {
  bool robust = true;
  bool exact = true;  // false: an outcome may be missing, for the reason given
  std::string inexact_because;
  std::vector<std::string> outcomes;  // every outcome reached; the default reading's first
  std::vector<Hinge> hinges;
};

}  // namespace exctl::eval
