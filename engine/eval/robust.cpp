#include "engine/eval/robust.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace exctl::eval {

using sema::FieldId;

bool FieldBox::ranged() const {
  for (size_t f = 0; f < range.size(); ++f) {
    if (range[f] && !(density_derived && f == static_cast<size_t>(FieldId::performance_density)))
      return true;
  }
  return false;
}

bool FieldBox::operator==(const FieldBox& other) const {
  return point.known_mask == other.point.known_mask && point.true_mask == other.point.true_mask &&
         point.number == other.point.number && range == other.range &&
         density_derived == other.density_derived;
}

FieldBox chip_box(const Chip& chip, const MetricOptions& options, sema::DateKey export_date) {
  FieldBox box;
  box.point = chip_values(chip, compute_metrics(chip, options), export_date);
  box.density_derived = true;
  if (!chip.has_ranges()) return box;
  // Every metric rises with each value it reads but memory_bandwidth_density, which falls as
  // the stack's footprint grows; so two corners bound every field.
  Chip low = chip, high = chip;
  auto lows = low.ranged_values(), highs = high.ranged_values();
  for (size_t i = 0; i < lows.size(); ++i) {
    bool falls = lows[i].value == &low.hbm_stack_footprint_mm2;
    *lows[i].value = falls ? lows[i].range->high : lows[i].range->low;
    *highs[i].value = falls ? highs[i].range->low : highs[i].range->high;
  }
  FieldValues lo = chip_values(low, compute_metrics(low, options), export_date);
  FieldValues hi = chip_values(high, compute_metrics(high, options), export_date);
  for (const auto& field : chip_fields()) {
    auto a = lo.num(field.id), b = hi.num(field.id);
    if (field.boolean || !a || !b || *a == *b || !box.point.known(field.id)) continue;
    box.range[static_cast<size_t>(field.id)] = Interval{std::min(*a, *b), std::max(*a, *b)};
  }
  return box;
}

namespace {

// c + sum a[i] x[i] over the box's ranged fields.
struct Linear {
  Rational c;
  std::vector<Rational> a;

  bool constant() const {
    return std::all_of(a.begin(), a.end(), [](const Rational& x) { return x == Rational(0); });
  }
  Linear scaled(const Rational& k) const {
    Linear out{c * k, a};
    for (auto& x : out.a)
      x = x * k;
    return out;
  }
  Linear plus(const Linear& o, const Rational& k = 1) const {
    Linear out{c + o.c * k, a};
    for (size_t i = 0; i < a.size(); ++i)
      out.a[i] = a[i] + o.a[i] * k;
    return out;
  }
  bool operator==(const Linear&) const = default;
};

// A quantity as num / den, both linear in the ranged fields; den is 1 unless a ranged
// field divides.
struct Ratio {
  Linear num, den;
};

class NotLinear : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Solves a system of a.x + c >= 0 (> 0 when strict) by Fourier-Motzkin elimination.
struct Inequality {
  Linear form;
  bool strict = false;
  bool operator==(const Inequality&) const = default;
};

constexpr size_t kMaxInequalities = 4096;

// False when the constant inequality fails.
bool holds(const Inequality& q) {
  return q.strict ? q.form.c > Rational(0) : q.form.c >= Rational(0);
}

// A point satisfying every inequality, or nullopt; `along` gets the first variable's bounds
// when there is one variable. Throws NotLinear when elimination grows past its bound.
struct Solution {
  std::vector<Rational> x;
  Rational low, high;
  bool low_open = false, high_open = false;
};

std::optional<Solution> solve(const std::vector<Inequality>& system, size_t n) {
  // levels[k]: the system over x[0..k), the variables from k on eliminated.
  std::vector<std::vector<Inequality>> levels(n + 1);
  levels[n] = system;
  for (size_t k = n; k-- > 0;) {
    std::vector<Inequality> lower, upper, out;
    for (const auto& q : levels[k + 1]) {
      if (q.form.a[k] > Rational(0))
        lower.push_back(q);
      else if (q.form.a[k] < Rational(0))
        upper.push_back(q);
      else
        out.push_back(q);
    }
    for (const auto& l : lower) {
      for (const auto& u : upper) {
        // l / l.a[k] + u / -u.a[k]: x[k] cancels.
        Inequality q{l.form.scaled(Rational(1) / l.form.a[k])
                         .plus(u.form, Rational(1) / (Rational(0) - u.form.a[k])),
                     l.strict || u.strict};
        q.form.a[k] = 0;
        out.push_back(std::move(q));
      }
    }
    std::vector<Inequality> kept;
    for (auto& q : out) {
      if (q.form.constant()) {
        if (!holds(q)) return std::nullopt;
        continue;
      }
      if (std::find(kept.begin(), kept.end(), q) == kept.end()) kept.push_back(std::move(q));
    }
    if (kept.size() > kMaxInequalities) throw NotLinear("too many combinations of the ranges");
    levels[k] = std::move(kept);
  }
  Solution s;
  s.x.resize(n);
  for (size_t k = 0; k < n; ++k) {
    std::optional<Rational> lo, hi;
    bool lo_open = false, hi_open = false;
    for (const auto& q : levels[k + 1]) {
      const Rational& ak = q.form.a[k];
      if (ak == Rational(0)) continue;
      Rational rest = q.form.c;
      for (size_t j = 0; j < k; ++j)
        rest = rest + q.form.a[j] * s.x[j];
      Rational bound = (Rational(0) - rest) / ak;
      if (ak > Rational(0)) {  // x[k] >= bound
        if (!lo || bound > *lo || (bound == *lo && q.strict)) lo = bound, lo_open = q.strict;
      } else if (!hi || bound < *hi || (bound == *hi && q.strict)) {
        hi = bound, hi_open = q.strict;
      }
    }
    // The box bounds every variable, so both bounds exist.
    if (!lo || !hi || *lo > *hi || (*lo == *hi && (lo_open || hi_open))) return std::nullopt;
    s.x[k] = *lo == *hi ? *lo : (*lo + *hi) / Rational(2);
    if (k == 0) s.low = *lo, s.high = *hi, s.low_open = lo_open, s.high_open = hi_open;
  }
  return s;
}

class Splitter {
 public:
  Splitter(const std::vector<const sema::ThresholdAnalysis*>& analyses, const FieldBox& box)
      : box_(box) {
    for (size_t f = 0; f < sema::kFieldCount; ++f) {
      if (box.range[f] && !(box.density_derived && f == density())) {
        variable_[f] = static_cast<int>(vars_.size());
        vars_.push_back(f);
      }
    }
    for (const auto* a : analyses) {
      if (!a->complete) inexact("a comparison's constant is beyond exact arithmetic");
      for (const auto& c : a->comparisons)
        add(*a, c);
    }
  }

  BoxSplit run() {
    std::vector<Inequality> system;
    for (size_t i = 0; i < vars_.size(); ++i) {
      const Interval& r = *box_.range[vars_[i]];
      system.push_back({variable(i).plus(constant(r.low), -1), false});   // x >= low
      system.push_back({constant(r.high).plus(variable(i), -1), false});  // x <= high
    }
    try {
      search(0, system);
    } catch (const NotLinear& e) {
      inexact(e.what());
    } catch (const std::overflow_error&) {
      inexact("the ranges' arithmetic is beyond exact 64-bit rationals");
    }
    if (vars_.size() == 1) {
      std::sort(out_.witnesses.begin(), out_.witnesses.end(), [](const auto& a, const auto& b) {
        return a.along->low < b.along->low ||
               (a.along->low == b.along->low && !a.low_open && b.low_open);
      });
    }
    return std::move(out_);
  }

 private:
  static size_t density() { return static_cast<size_t>(FieldId::performance_density); }

  Linear constant(const Rational& c) const { return {c, std::vector<Rational>(vars_.size())}; }
  Linear variable(size_t i) const {
    Linear l = constant(0);
    l.a[i] = 1;
    return l;
  }
  // A field's value as a ratio of linear forms; nullopt when unknown.
  std::optional<Ratio> field(size_t f) const {
    if (box_.density_derived && f == density() &&
        (variable_[static_cast<size_t>(FieldId::tpp)] >= 0 ||
         variable_[static_cast<size_t>(FieldId::die_area)] >= 0)) {
      auto t = field(static_cast<size_t>(FieldId::tpp));
      auto a = field(static_cast<size_t>(FieldId::die_area));
      if (!t || !a || !box_.point.known(FieldId::performance_density)) return std::nullopt;
      return Ratio{t->num, a->num};
    }
    if (variable_[f] >= 0) return Ratio{variable(static_cast<size_t>(variable_[f])), constant(1)};
    auto v = box_.point.num(static_cast<FieldId>(f));
    if (!v) return std::nullopt;
    return Ratio{constant(*v), constant(1)};
  }

  static Linear product(const Linear& a, const Linear& b) {
    if (a.constant()) return b.scaled(a.c);
    if (b.constant()) return a.scaled(b.c);
    throw NotLinear("a product of two ranged values is not linear");
  }

  // The quantity's program over the box; nullopt when a field it reads is unknown, or it
  // divides by zero everywhere (the comparison is unknown throughout the box).
  std::optional<Ratio> quantity(const sema::ThresholdQuantity& q) const {
    std::vector<Ratio> stack;
    for (const auto& step : q.program) {
      switch (step.code) {
        case sema::QuantityStep::Code::field: {
          auto v = field(static_cast<size_t>(step.field));
          if (!v) return std::nullopt;
          stack.push_back(*v);
          break;
        }
        case sema::QuantityStep::Code::constant:
          stack.push_back({constant(step.constant), constant(1)});
          break;
        case sema::QuantityStep::Code::arithmetic: {
          Ratio b = stack.back();
          stack.pop_back();
          Ratio a = stack.back();
          stack.pop_back();
          Ratio r;
          switch (step.op) {
            case sema::Node::Kind::add:
            case sema::Node::Kind::sub: {
              Rational sign = step.op == sema::Node::Kind::add ? 1 : -1;
              if (a.den == b.den) {
                r = {a.num.plus(b.num, sign), a.den};
              } else {
                r = {product(a.num, b.den).plus(product(b.num, a.den), sign),
                     product(a.den, b.den)};
              }
              break;
            }
            case sema::Node::Kind::mul:
              r = {product(a.num, b.num), product(a.den, b.den)};
              break;
            default:  // div
              r = {product(a.num, b.den), product(a.den, b.num)};
              break;
          }
          if (r.den.constant()) {
            if (r.den.c == Rational(0)) return std::nullopt;  // divides by zero everywhere
            r = {r.num.scaled(Rational(1) / r.den.c), constant(1)};
          }
          stack.push_back(std::move(r));
          break;
        }
      }
    }
    return stack.back();
  }

  // The least and greatest value of a linear form over the box.
  Interval bounds(const Linear& l) const {
    Interval r{l.c, l.c};
    for (size_t i = 0; i < vars_.size(); ++i) {
      const Interval& v = *box_.range[vars_[i]];
      Rational x = l.a[i] * v.low, y = l.a[i] * v.high;
      r.low = r.low + std::min(x, y);
      r.high = r.high + std::max(x, y);
    }
    return r;
  }

  void add(const sema::ThresholdAnalysis& analysis, const sema::ThresholdComparison& c) {
    if (c.form == sema::ThresholdComparison::Form::constant || c.quantity < 0) return;
    if (c.threshold.kind == sema::Threshold::Kind::undefined) return;
    try {
      auto q = quantity(analysis.quantities[static_cast<size_t>(c.quantity)]);
      if (!q) return;
      // num / den op t, as g = num - t den op 0 with den > 0 throughout the box.
      Linear g = q->num.plus(q->den, Rational(0) - c.threshold.value);
      if (!q->den.constant()) {
        Interval d = bounds(q->den);
        if (d.low <= Rational(0) && d.high >= Rational(0))
          throw NotLinear("a ranged divisor that may be zero");
        if (d.high < Rational(0)) g = g.scaled(-1);
      }
      Interval range = bounds(g);
      if (range.low > Rational(0) || range.high < Rational(0) ||
          (range.low == Rational(0) && range.high == Rational(0)))
        return;  // the same truth over the whole box
      // One sign: the form scaled so that its first coefficient is +1 or -1.
      for (const auto& a : g.a) {
        if (a == Rational(0)) continue;
        g = g.scaled(Rational(1) / (a < Rational(0) ? Rational(0) - a : a));
        break;
      }
      if (std::find(mixed_.begin(), mixed_.end(), g) == mixed_.end()) mixed_.push_back(g);
    } catch (const NotLinear& e) {
      inexact(std::string(e.what()) + " (`" +
              analysis.quantities[static_cast<size_t>(c.quantity)].text() + "`)");
    } catch (const std::overflow_error&) {
      inexact("the ranges' arithmetic is beyond exact 64-bit rationals");
    }
  }

  // Every sign (below, at, above zero) of every form that varies, depth first, keeping only
  // systems with a solution.
  void search(size_t i, const std::vector<Inequality>& system) {
    if (i == mixed_.size()) {
      auto s = solve(system, vars_.size());
      if (!s) return;
      Witness w;
      w.values = box_.point;
      for (size_t v = 0; v < vars_.size(); ++v)
        w.values.set(static_cast<FieldId>(vars_[v]), s->x[v]);
      if (box_.density_derived && box_.point.known(FieldId::performance_density)) {
        auto t = w.values.num(FieldId::tpp), a = w.values.num(FieldId::die_area);
        if (t && a && *a != Rational(0)) w.values.set(FieldId::performance_density, *t / *a);
      }
      if (vars_.size() == 1) {
        w.along = Interval{s->low, s->high};
        w.low_open = s->low_open, w.high_open = s->high_open;
      }
      out_.witnesses.push_back(std::move(w));
      if (out_.witnesses.size() > kMaxInequalities)
        throw NotLinear("too many combinations of the ranges");
      return;
    }
    const Linear& g = mixed_[i];
    Linear minus = g.scaled(-1);
    std::vector<std::vector<Inequality>> sides(3, system);
    sides[0].push_back({minus, true});  // g < 0
    sides[1].push_back({g, false});     // g == 0
    sides[1].push_back({minus, false});
    sides[2].push_back({g, true});  // g > 0
    for (auto& side : sides) {
      if (solve(side, vars_.size())) search(i + 1, side);
    }
  }

  void inexact(std::string why) {
    if (out_.exact) out_.inexact_because = std::move(why);
    out_.exact = false;
  }

  const FieldBox& box_;
  std::array<int, sema::kFieldCount> variable_ = [] {
    std::array<int, sema::kFieldCount> v{};
    v.fill(-1);
    return v;
  }();
  std::vector<size_t> vars_;   // the ranged fields, in field order
  std::vector<Linear> mixed_;  // forms whose sign varies over the box
  BoxSplit out_;
};

}  // namespace

BoxSplit split_box(const std::vector<const sema::ThresholdAnalysis*>& analyses,
                   const FieldBox& box) {
  if (!box.ranged()) return {{Witness{box.point, std::nullopt}}, true, ""};
  return Splitter(analyses, box).run();
}

}  // namespace exctl::eval
