// Parameter sweeps: a regime re-decided over a catalogue for each value of one parameter
// (or each pair of values of two), and each chip's exact breakpoints: the parameter values
// where its outcome changes, with the outcome on each side.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/eval/decide.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::draft {

// One swept parameter: from, from + step, ... up to `to` (exact, in canonical units).
struct Axis {
  std::string param;
  sema::Dim dim;
  Rational from, to, step;
  std::vector<Rational> values() const;
  // How many values: floor((to - from) / step) + 1.
  int64_t count() const;
};

// The regime with the swept parameters (`names`) at given values, each variant made once and
// kept (its address stays valid while this lives). nullopt-like nullptr: a diagnostic.
class Variants {
 public:
  Variants(const sema::Regime& regime, std::vector<std::string> names, DiagnosticSink& sink)
      : regime_(regime), names_(std::move(names)), sink_(sink) {}
  const sema::Regime* at(const std::vector<Rational>& values);

 private:
  const sema::Regime& regime_;
  std::vector<std::string> names_;
  DiagnosticSink& sink_;
  std::map<std::vector<Rational>, sema::Regime> made_;
};

// What a sweep counts for a chip: whether it is controlled or, when the query names a
// destination, whether it needs a licence; unknown when that is undecided.
enum class Caught { no, yes, unknown };
Caught caught(const eval::Decision& d, const eval::Query& q);
std::string_view caught_name(Caught c);

// Several outcomes at once, as bits: what a chip can be over every reading and range.
using CaughtSet = uint8_t;
inline CaughtSet caught_bit(Caught c) {
  return static_cast<CaughtSet>(1u << static_cast<unsigned>(c));
}
// Beside the outcomes found: some may be missing (the ranges met a condition that is not
// linear in them), so the chip cannot be called robust.
inline constexpr CaughtSet kUndecided = 1u << 3;

struct SweepStep {
  std::vector<Rational> values;  // one per axis
  size_t caught = 0, unknown = 0;
  std::vector<size_t> entered, left;  // chips caught here and not at the previous step (1-D)
  // With --robust (app/sweep): the chips caught under every reading and value in range, and
  // those whose outcome here depends on one.
  size_t caught_always = 0;
  std::vector<size_t> depends;
};

// Every step of the sweep, in order (the first axis outer for two), each decided through
// the compiled form. nullopt with a diagnostic when a value breaks a derived constant.
std::optional<std::vector<SweepStep>> sweep(const sema::Regime& regime, const eval::Query& query,
                                            const std::vector<eval::FieldValues>& chips,
                                            const std::vector<Axis>& axes, DiagnosticSink& sink);

// A range of the parameter over which a chip's outcome is one thing.
struct Piece {
  Rational lo, hi;
  bool lo_closed = true, hi_closed = true;
  Caught outcome = Caught::no;                  // the first of `outcomes`: yes, no, unknown
  CaughtSet outcomes = caught_bit(Caught::no);  // more than one only from possible_breakpoints
};

struct ChipBreakpoints {
  size_t chip = 0;
  // Over [axis.from, axis.to], ascending; one piece: no change. A change found by bisection
  // lies strictly between two pieces, in a gap no wider than `resolution`.
  std::vector<Piece> pieces;
  // True when every change is at a value read off the chip (the parameter is compared with
  // a quantity as written); false when one was found by exact bisection, to within
  // `resolution` (the parameter enters through an expression, or the quantity).
  bool exact = true;
  Rational resolution;
};

// Each chip's outcome as a function of the parameter over the axis. Candidate values come
// from sema's threshold analysis: for `quantity op param` the chip's own quantity; a
// change between samples that no candidate explains is found by bisection.
std::optional<std::vector<ChipBreakpoints>> breakpoints(const sema::Regime& regime,
                                                        const eval::Query& query,
                                                        const std::vector<eval::FieldValues>& chips,
                                                        const Axis& axis, DiagnosticSink& sink);

// Breakpoints of what a chip can be: `possible(chip, x)` gives every outcome the chip has at
// parameter value x (nullopt: a diagnostic was reported). Candidates are the quantities of
// each of the chip's `readings` (the values under each reading of the rule, and for a chip
// with ranges its box's corners). Readings of point values change only at their own
// candidates; a ranged chip's changes need not be at a corner (another threshold may cut
// the range), so between its samples that differ the change is bisected.
struct PossibleChip {
  std::vector<eval::FieldValues> readings;
  bool ranged = false;
};
using PossibleAt = std::function<std::optional<CaughtSet>(size_t chip, const Rational& x)>;
std::optional<std::vector<ChipBreakpoints>> possible_breakpoints(
    const sema::Regime& regime, const Axis& axis, const std::vector<PossibleChip>& chips,
    const PossibleAt& possible);

}  // namespace exctl::draft
