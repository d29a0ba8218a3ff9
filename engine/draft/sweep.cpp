#include "engine/draft/sweep.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/eval/compiled.hpp"
#include "engine/sema/check.hpp"
#include "engine/sema/thresholds.hpp"

namespace exctl::draft {
namespace {

// Halfway between a <= b, without a + b, which can pass 64 bits where both are in range.
Rational middle(const Rational& a, const Rational& b) {
  return a + (b - a) / Rational(2);
}

// Chips laid out as columns once, for the compiled form's decide_all.
struct Columns {
  std::vector<uint32_t> known, truth;
  std::vector<std::vector<Rational>> number;
  eval::ValueColumns view;

  // Only the fields in `used` get a column: the others are never read.
  Columns(const std::vector<eval::FieldValues>& chips, const std::set<sema::FieldId>& used)
      : known(chips.size()), truth(chips.size()), number(sema::kFieldCount) {
    for (size_t i = 0; i < chips.size(); ++i) {
      known[i] = chips[i].known_mask;
      truth[i] = chips[i].true_mask;
    }
    view.size = chips.size();
    view.known = known.data();
    view.truth = truth.data();
    for (size_t f = 0; f < sema::kFieldCount; ++f) {
      if (!used.count(static_cast<sema::FieldId>(f))) continue;
      number[f].resize(chips.size());
      for (size_t i = 0; i < chips.size(); ++i)
        number[f][i] = chips[i].number[f];
      view.number[f] = number[f].data();
    }
  }
};

// A quantity's value for one chip: nullopt when a field is unknown or it divides by zero.
std::optional<Rational> quantity_value(const sema::ThresholdQuantity& q,
                                       const eval::FieldValues& v) {
  std::vector<Rational> stack;
  for (const auto& step : q.program) {
    switch (step.code) {
      case sema::QuantityStep::Code::field: {
        auto x = v.num(step.field);
        if (!x) return std::nullopt;
        stack.push_back(*x);
        break;
      }
      case sema::QuantityStep::Code::constant:
        stack.push_back(step.constant);
        break;
      case sema::QuantityStep::Code::arithmetic: {
        Rational b = stack.back();
        stack.pop_back();
        Rational a = stack.back();
        stack.pop_back();
        std::optional<Rational> r;
        try {
          r = sema::arithmetic(step.op, a, b);
        } catch (const std::overflow_error&) {
          return std::nullopt;
        }
        if (!r) return std::nullopt;
        stack.push_back(*r);
      }
    }
  }
  return stack.empty() ? std::nullopt : std::optional<Rational>(stack.back());
}

}  // namespace

const sema::Regime* Variants::at(const std::vector<Rational>& values) {
  auto it = made_.find(values);
  if (it != made_.end()) return &it->second;
  std::vector<std::pair<std::string, Rational>> set;
  for (size_t i = 0; i < names_.size(); ++i)
    set.emplace_back(names_[i], values[i]);
  auto r = sema::with_params(regime_, set, sink_);
  if (!r) return nullptr;
  return &made_.emplace(values, std::move(*r)).first->second;
}

std::vector<Rational> Axis::values() const {
  // from + k * step never passes `to`: adding the step to the last value could overflow.
  std::vector<Rational> out;
  for (int64_t k = 0, n = count(); k < n; ++k)
    out.push_back(from + Rational(k) * step);
  return out;
}

int64_t Axis::count() const {
  Rational n = (to - from) / step;
  return n.num() / n.den() + 1;  // both non-negative: division floors
}

Caught caught(const eval::Decision& d, const eval::Query& q) {
  if (!q.to.empty() || !q.hq.empty()) {
    if (!d.licence.required) return Caught::unknown;
    return *d.licence.required ? Caught::yes : Caught::no;
  }
  if (d.verdict == eval::Verdict::indeterminate) return Caught::unknown;
  return d.verdict == eval::Verdict::controlled ? Caught::yes : Caught::no;
}

std::string_view caught_name(Caught c) {
  return c == Caught::yes ? "yes" : c == Caught::no ? "no" : "unknown";
}

std::optional<std::vector<SweepStep>> sweep(const sema::Regime& regime, const eval::Query& query,
                                            const std::vector<eval::FieldValues>& chips,
                                            const std::vector<Axis>& axes, DiagnosticSink& sink) {
  Columns columns(chips, regime.fields_used());
  std::vector<std::vector<Rational>> grid = {{}};
  for (const auto& axis : axes) {
    std::vector<std::vector<Rational>> next;
    for (const auto& prefix : grid) {
      for (const auto& v : axis.values()) {
        next.push_back(prefix);
        next.back().push_back(v);
      }
    }
    grid = std::move(next);
  }
  std::vector<std::string> names;
  for (const auto& a : axes)
    names.push_back(a.param);
  std::vector<SweepStep> out;
  std::vector<Caught> previous, now(chips.size());
  for (const auto& values : grid) {
    std::vector<std::pair<std::string, Rational>> set;
    for (size_t i = 0; i < names.size(); ++i)
      set.emplace_back(names[i], values[i]);
    auto variant = sema::with_params(regime, set, sink);
    if (!variant) return std::nullopt;
    eval::CompiledRegime compiled(*variant, query);
    SweepStep step;
    step.values = values;
    compiled.decide_all(columns.view, [&](size_t i, const eval::Decision& d) {
      now[i] = caught(d, query);
      step.caught += now[i] == Caught::yes;
      step.unknown += now[i] == Caught::unknown;
    });
    // Entered and left make sense along one axis: against the previous value of the last.
    bool same_row = !previous.empty() && (axes.size() == 1 || values.back() != axes.back().from);
    if (same_row) {
      for (size_t i = 0; i < chips.size(); ++i) {
        if (now[i] == Caught::yes && previous[i] != Caught::yes) step.entered.push_back(i);
        if (now[i] != Caught::yes && previous[i] == Caught::yes) step.left.push_back(i);
      }
    }
    previous = now;
    out.push_back(std::move(step));
  }
  return out;
}

namespace {

// Where a chip's outcome can change as the parameter moves: comparisons with the parameter
// as written on one side of a quantity give exact candidates (the chip's own quantity); any
// other use of it leaves changes to be found between samples, by bisection.
class Candidates {
 public:
  Candidates(const sema::Regime& regime, const Axis& axis)
      : axis_(axis), analysis_(sema::analyse_thresholds(regime)) {
    int p = regime.find_param(axis.param);
    for (const auto& c : analysis_.comparisons) {
      if (c.regime != &regime) continue;  // a regime consulted keeps its own parameters
      bool uses =
          std::find(c.source.params.begin(), c.source.params.end(), p) != c.source.params.end() ||
          std::find(c.quantity_params.begin(), c.quantity_params.end(), p) !=
              c.quantity_params.end();
      if (!uses) continue;
      bool as_written = c.form == sema::ThresholdComparison::Form::threshold &&
                        c.source.kind == sema::ThresholdSource::Kind::param &&
                        c.source.param == p && c.source.params == std::vector<int>{p} &&
                        c.quantity_params.empty();
      if (as_written)
        direct_.push_back(&c);
      else
        indirect_ = true;
    }
  }

  bool indirect() const { return indirect_; }

  // The axis ends and each direct comparison's quantity for each of `values`, ascending; the
  // whole grid as well where the parameter is used otherwise.
  std::vector<Rational> points(const std::vector<eval::FieldValues>& values) const {
    std::vector<Rational> out = {axis_.from, axis_.to};
    for (const auto& v : values) {
      for (const auto* c : direct_) {
        auto q = quantity_value(analysis_.quantities[static_cast<size_t>(c->quantity)], v);
        if (q && *q >= axis_.from && *q <= axis_.to) out.push_back(*q);
      }
    }
    if (indirect_) {
      auto grid = axis_.values();
      out.insert(out.end(), grid.begin(), grid.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  const Axis& axis_;
  sema::ThresholdAnalysis analysis_;
  std::vector<const sema::ThresholdComparison*> direct_;
  bool indirect_ = false;
};

Caught first_of(CaughtSet set) {
  for (Caught c : {Caught::yes, Caught::no, Caught::unknown})
    if (set & caught_bit(c)) return c;
  return Caught::unknown;
}

// One chip's pieces: `outcome` sampled at `points` and between them; between two samples
// that differ with no point between them, bisected down to the resolution when `refine`.
std::optional<ChipBreakpoints> pieces_of(
    size_t chip, const Axis& axis, const std::vector<Rational>& points, bool refine,
    const std::function<std::optional<CaughtSet>(const Rational&)>& outcome) {
  const Rational resolution = axis.step / Rational(1 << 16);
  struct Sample {
    Rational x;
    CaughtSet o;
    bool point;  // a value where a change can be exactly (else a sample between them)
  };
  std::vector<Sample> samples;
  bool exact = true;
  std::function<bool(const Sample&, const Sample&)> bisect = [&](const Sample& a,
                                                                 const Sample& b) -> bool {
    if (a.o == b.o || b.x - a.x <= resolution) {
      if (a.o != b.o) exact = false;
      return true;
    }
    Rational m = middle(a.x, b.x);
    auto o = outcome(m);
    if (!o) return false;
    Sample s{m, *o, false};
    if (!bisect(a, s)) return false;
    samples.push_back(s);
    return bisect(s, b);
  };
  for (size_t i = 0; i < points.size(); ++i) {
    auto o = outcome(points[i]);
    if (!o) return std::nullopt;
    Sample here{points[i], *o, true};
    if (i > 0) {
      Rational m = middle(points[i - 1], points[i]);
      auto om = outcome(m);
      if (!om) return std::nullopt;
      Sample mid{m, *om, false};
      if (refine && !bisect(samples.back(), mid)) return std::nullopt;
      samples.push_back(mid);
      if (refine && !bisect(mid, here)) return std::nullopt;
    }
    samples.push_back(here);
  }
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.x < b.x; });
  ChipBreakpoints bp;
  bp.chip = chip;
  bp.resolution = resolution;
  auto piece_of = [&](CaughtSet o) {
    return Piece{axis.from, axis.to, true, true, first_of(o), o};
  };
  Piece piece = piece_of(samples.front().o);
  for (size_t i = 1; i < samples.size(); ++i) {
    const Sample &a = samples[i - 1], &b = samples[i];
    if (a.o == b.o) continue;
    Piece next = piece_of(b.o);
    if (b.point) {  // changes at b: the old outcome holds up to b, not at it
      piece.hi = b.x, piece.hi_closed = false;
      next.lo = b.x, next.lo_closed = true;
    } else if (a.point) {  // held at a only
      piece.hi = a.x, piece.hi_closed = true;
      next.lo = a.x, next.lo_closed = false;
    } else {  // between two samples of a bisection: somewhere in (a, b), which is left out
      piece.hi = a.x, piece.hi_closed = true;
      next.lo = b.x, next.lo_closed = true;
      exact = false;
    }
    bp.pieces.push_back(piece);
    piece = next;
  }
  bp.pieces.push_back(piece);
  bp.exact = exact;
  return bp;
}

}  // namespace

std::optional<std::vector<ChipBreakpoints>> breakpoints(const sema::Regime& regime,
                                                        const eval::Query& query,
                                                        const std::vector<eval::FieldValues>& chips,
                                                        const Axis& axis, DiagnosticSink& sink) {
  Candidates candidates(regime, axis);
  Variants variants(regime, {axis.param}, sink);
  std::vector<ChipBreakpoints> out;
  for (size_t chip = 0; chip < chips.size(); ++chip) {
    auto outcome = [&](const Rational& x) -> std::optional<CaughtSet> {
      const sema::Regime* r = variants.at({x});
      if (!r) return std::nullopt;
      return caught_bit(caught(eval::decide(*r, chips[chip], query), query));
    };
    auto bp =
        pieces_of(chip, axis, candidates.points({chips[chip]}), candidates.indirect(), outcome);
    if (!bp) return std::nullopt;
    out.push_back(std::move(*bp));
  }
  return out;
}

std::optional<std::vector<ChipBreakpoints>> possible_breakpoints(
    const sema::Regime& regime, const Axis& axis, const std::vector<PossibleChip>& chips,
    const PossibleAt& possible) {
  Candidates candidates(regime, axis);
  std::vector<ChipBreakpoints> out;
  for (size_t chip = 0; chip < chips.size(); ++chip) {
    auto outcome = [&](const Rational& x) { return possible(chip, x); };
    const auto& c = chips[chip];
    auto bp = pieces_of(chip, axis, candidates.points(c.readings),
                        c.ranged || candidates.indirect(), outcome);
    if (!bp) return std::nullopt;
    out.push_back(std::move(*bp));
  }
  return out;
}

}  // namespace exctl::draft
