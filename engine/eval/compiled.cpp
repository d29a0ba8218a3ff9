#include "engine/eval/compiled.hpp"

#include <algorithm>
#include <stdexcept>

namespace exctl::eval {

using sema::CmpOp;
using sema::Node;

namespace {

__extension__ typedef __int128 i128;  // exact cross products

// x passes the threshold: x > t (strict) or x >= t. Exact, and inline for the hot loop.
inline bool passes(const Rational& x, const Rational& t, bool strict) {
  i128 l = i128(x.num()) * t.den(), r = i128(t.num()) * x.den();
  return strict ? l > r : l >= r;
}

// Each chip's coordinate on a field against N cuts, added to its cell: the cuts passed, or
// 0 when the field is unknown. N fixed, so the loop over the cuts unrolls; a strict cut
// (x > t) is x >= t with one added, since the cross products are integers.
template <size_t N, typename Cuts>
void add_field_coordinates(const Rational* x, const Cuts& cuts, const uint32_t* known,
                           uint32_t need, uint32_t radix, size_t count, uint64_t* cell) {
  i128 num[N], den[N], strict[N];
  for (size_t k = 0; k < N; ++k) {
    num[k] = cuts[k].value.num();
    den[k] = cuts[k].value.den();
    strict[k] = cuts[k].strict ? 1 : 0;
  }
  for (size_t j = 0; j < count; ++j) {
    // The column streams from memory: without fetching ahead, the loads of x missed the
    // cache and held the loop to 48 M chips/s (87 M/s with it, bench/rule_eval_bench).
    __builtin_prefetch(x + j + 128);
    uint32_t b = 0;
    for (size_t k = 0; k < N; ++k)
      b += i128(x[j].num()) * den[k] >= num[k] * x[j].den() + strict[k] ? 1 : 0;
    cell[j] = cell[j] * radix + ((known[j] & need) == need ? b : 0);
  }
}

}  // namespace

// Answers decide_with() for one cell: each comparison from the cell's coordinates.
class CompiledRegime::CellOracle final : public ComparisonOracle {
 public:
  CellOracle(const CompiledRegime& c, uint32_t known, const uint32_t* coords)
      : c_(c), known_(known), coords_(coords) {}

  bool known(sema::FieldId f) const override { return (known_ & FieldValues::bit(f)) != 0; }
  Truth comparison(const Node& cmp) const override {
    auto it = c_.tests_.find(&cmp);
    if (it == c_.tests_.end())
      throw std::logic_error("compiled regime: a comparison was not compiled");
    const Test& t = it->second;
    if (t.quantity < 0) return t.constant;
    const Quantity& q = c_.quantities_[static_cast<size_t>(t.quantity)];
    auto b = static_cast<int>(coords_[t.quantity]);
    if ((known_ & q.fields) != q.fields || b == static_cast<int>(q.cuts.size()) + 1)
      return Truth::unknown;
    bool r = (t.lo < 0 || b > t.lo) && !(t.hi >= 0 && b > t.hi);
    return truth_of(r != t.invert);
  }
  Truth flag(sema::FieldId f) const override {
    int q = c_.boolean_quantity_[static_cast<size_t>(f)];
    if (q < 0) throw std::logic_error("compiled regime: a boolean field was not compiled");
    return truth_of(coords_[q] == 1);
  }

 private:
  const CompiledRegime& c_;
  uint32_t known_;
  const uint32_t* coords_;
};

CompiledRegime::CompiledRegime(const sema::Regime& regime, const Query& query)
    : regime_(regime), query_(query), boolean_quantity_(sema::kFieldCount, -1) {
  // The comparisons as `quantity op threshold` (engine/sema/thresholds.hpp).
  const sema::ThresholdAnalysis analysis = sema::analyse_thresholds(regime);
  if (!analysis.complete) tabulated_ = false;  // decide() handles all
  for (sema::FieldId f : analysis.fields)
    fields_ |= FieldValues::bit(f);
  for (sema::FieldId f : analysis.conditions) {
    boolean_quantity_[static_cast<size_t>(f)] = static_cast<int>(quantities_.size());
    Quantity q;
    q.field = static_cast<int>(f);
    q.fields = FieldValues::bit(f);
    q.boolean = true;
    quantities_.push_back(std::move(q));
  }
  // Each comparison as a test on its quantity's cuts; a quantity is compiled when a test
  // with a threshold needs it.
  std::vector<int> compiled(analysis.quantities.size(), -1);
  for (const auto& c : analysis.comparisons) {
    const Node& cmp = c.regime->nodes[static_cast<size_t>(c.node)];
    Test t;
    if (c.form == sema::ThresholdComparison::Form::constant) {
      t.constant = c.truth;
      tests_[&cmp] = t;
      continue;
    }
    const sema::ThresholdQuantity& quantity = analysis.quantities[static_cast<size_t>(c.quantity)];
    if (quantity.depth() > kMaxStack) {
      tabulated_ = false;
      continue;
    }
    if (c.threshold.kind == sema::Threshold::Kind::undefined) {
      tests_[&cmp] = t;  // a threshold that divides by zero is unknown, whatever the chip
      continue;
    }
    t.op = c.op;
    t.threshold = c.threshold.value;
    int& index = compiled[static_cast<size_t>(c.quantity)];
    if (index < 0) {
      index = static_cast<int>(quantities_.size());
      quantities_.push_back(compile(quantity));
    }
    t.quantity = index;
    bool strict_cut = t.op == CmpOp::gt || t.op == CmpOp::le;
    auto& cuts = quantities_[static_cast<size_t>(t.quantity)].cuts;
    if (t.op == CmpOp::eq || t.op == CmpOp::ne) {
      cuts.push_back({t.threshold, false});
      cuts.push_back({t.threshold, true});
    } else {
      cuts.push_back({t.threshold, strict_cut});
    }
    tests_[&cmp] = t;
  }

  for (auto& q : quantities_) {
    std::sort(q.cuts.begin(), q.cuts.end(), [](const Threshold& a, const Threshold& b) {
      return a.value != b.value ? a.value < b.value : (!a.strict && b.strict);
    });
    q.cuts.erase(std::unique(q.cuts.begin(), q.cuts.end(),
                             [](const Threshold& a, const Threshold& b) {
                               return a.value == b.value && a.strict == b.strict;
                             }),
                 q.cuts.end());
  }
  // Each test's thresholds as positions in its quantity's sorted cuts.
  for (auto& entry : tests_) {
    auto& t = entry.second;  // not a structured binding: clang 14 cannot capture one
    if (t.quantity < 0) continue;
    const auto& cuts = quantities_[static_cast<size_t>(t.quantity)].cuts;
    auto position = [&](bool strict) {
      auto it = std::find_if(cuts.begin(), cuts.end(), [&](const Threshold& c) {
        return c.value == t.threshold && c.strict == strict;
      });
      return static_cast<int>(it - cuts.begin());
    };
    switch (t.op) {
      case CmpOp::ge:
        t.lo = position(false);
        break;
      case CmpOp::gt:
        t.lo = position(true);
        break;
      case CmpOp::le:
        t.lo = position(true), t.invert = true;
        break;
      case CmpOp::lt:
        t.lo = position(false), t.invert = true;
        break;
      case CmpOp::eq:
        t.lo = position(false), t.hi = position(true);
        break;
      case CmpOp::ne:
        t.lo = position(false), t.hi = position(true), t.invert = true;
        break;
    }
  }

  for (uint32_t bit = 1; bit != 0; bit <<= 1) {
    if (fields_ & bit) field_bits_.push_back(bit);
  }
  cells_ = Cell{1} << field_bits_.size();  // which fields are known
  if (quantities_.size() > kMaxQuantities) tabulated_ = false;
  for (const auto& q : quantities_) {
    if (!tabulated_ || cells_ > kMaxCells / q.radix()) {
      tabulated_ = false;
      break;
    }
    cells_ *= q.radix();
  }
  if (!tabulated_)
    cells_ = 0;
  else if (cells_ <= kMaxDenseCells)
    dense_.assign(cells_, nullptr);
}

// A quantity of the analysis in the flat form: a plain field, or a postfix program.
CompiledRegime::Quantity CompiledRegime::compile(const sema::ThresholdQuantity& quantity) {
  Quantity q;
  for (sema::FieldId f : quantity.fields)
    q.fields |= FieldValues::bit(f);
  if (auto f = quantity.field()) {
    q.field = static_cast<int>(*f);
    return q;
  }
  for (const auto& step : quantity.program) {
    using Code = sema::QuantityStep::Code;
    switch (step.code) {
      case Code::field:
        q.program.push_back({Op::Code::field, static_cast<uint8_t>(step.field), {}, {}});
        break;
      case Code::constant:
        q.program.push_back({Op::Code::constant, 0, {}, step.constant});
        break;
      case Code::arithmetic:
        q.program.push_back({Op::Code::arithmetic, 0, step.op, {}});
        break;
    }
  }
  return q;
}

namespace {

enum class Run { value, undefined, inexact };

// Runs a postfix program on chip i: undefined when it divides by zero, inexact when a step
// leaves exact arithmetic's range. Programs deeper than kStack are never tabulated (see
// add_comparison).
template <size_t kStack, typename Program>
Run run(const Program& program, const ValueColumns& chips, size_t i, Rational& out) {
  Rational stack[kStack];
  size_t top = 0;
  for (const auto& op : program) {
    using Code = typename std::decay_t<decltype(op)>::Code;
    if (op.code == Code::field) {
      stack[top++] = chips.number[op.field][i];
      continue;
    }
    if (op.code == Code::constant) {
      stack[top++] = op.constant;
      continue;
    }
    Rational b = stack[--top], a = stack[--top];
    std::optional<Rational> value;
    try {
      value = sema::arithmetic(op.op, a, b);
    } catch (const std::overflow_error&) {
      return Run::inexact;
    }
    if (!value) return Run::undefined;
    stack[top++] = *value;
  }
  out = stack[0];
  return Run::value;
}

}  // namespace

ValueColumns ValueColumns::of(const FieldValues& one) {
  ValueColumns c;
  c.size = 1;
  c.known = &one.known_mask;
  c.truth = &one.true_mask;
  for (size_t f = 0; f < sema::kFieldCount; ++f)
    c.number[f] = &one.number[f];
  return c;
}

FieldValues ValueColumns::row(size_t i) const {
  FieldValues v;
  v.known_mask = known[i];
  v.true_mask = truth[i];
  for (size_t f = 0; f < sema::kFieldCount; ++f) {
    if (number[f] && (v.known_mask & (uint32_t{1} << f))) v.number[f] = number[f][i];
  }
  return v;
}

// A cell is (which fields are known) x (each quantity's coordinate), in mixed radix.
// Computed quantity by quantity over a block of chips: short loops without branches
// that depend on the chip, except where an expression must be run.
void CompiledRegime::locate(const ValueColumns& chips, size_t start, size_t count,
                            Cell* cell) const {
  uint32_t known[kBlock];
  bool inexact[kBlock] = {};
  for (size_t j = 0; j < count; ++j) {
    uint32_t k = chips.known[start + j] & fields_;
    known[j] = k;
    uint32_t pattern = 0;
    for (size_t b = 0; b < field_bits_.size(); ++b)
      pattern |= (k & field_bits_[b]) ? uint32_t{1} << b : 0;
    cell[j] = pattern;
  }
  for (const Quantity& q : quantities_) {
    uint32_t radix = q.radix();
    if (q.boolean) {
      const uint32_t* truth = chips.truth + start;
      for (size_t j = 0; j < count; ++j)
        cell[j] = cell[j] * radix + ((known[j] & truth[j] & q.fields) ? 1 : 0);
    } else if (q.field >= 0 && chips.number[static_cast<size_t>(q.field)]) {
      // Unknown values read as whatever the column holds and are then masked to 0.
      const Rational* x = chips.number[static_cast<size_t>(q.field)] + start;
      switch (q.cuts.size()) {
        case 1:
          add_field_coordinates<1>(x, q.cuts, known, q.fields, radix, count, cell);
          continue;
        case 2:
          add_field_coordinates<2>(x, q.cuts, known, q.fields, radix, count, cell);
          continue;
        case 3:
          add_field_coordinates<3>(x, q.cuts, known, q.fields, radix, count, cell);
          continue;
        case 4:
          add_field_coordinates<4>(x, q.cuts, known, q.fields, radix, count, cell);
          continue;
        default:
          break;
      }
      for (size_t j = 0; j < count; ++j) {
        uint32_t b = 0;
        for (const auto& c : q.cuts)
          b += passes(x[j], c.value, c.strict) ? 1 : 0;
        cell[j] = cell[j] * radix + ((known[j] & q.fields) == q.fields ? b : 0);
      }
    } else if (q.field >= 0) {
      for (size_t j = 0; j < count; ++j)
        cell[j] *= radix;  // no chip has it: all unknown
    } else {
      for (size_t j = 0; j < count; ++j) {
        uint32_t b = 0;  // unknown
        Rational x;
        if ((known[j] & q.fields) == q.fields) {
          switch (run<kMaxStack>(q.program, chips, start + j, x)) {
            case Run::value:
              for (const auto& c : q.cuts)
                b += passes(x, c.value, c.strict) ? 1 : 0;
              break;
            case Run::undefined:
              b = static_cast<uint32_t>(q.cuts.size()) + 1;  // divided by zero: unknown
              break;
            case Run::inexact:
              inexact[j] = true;
              break;
          }
        }
        cell[j] = cell[j] * radix + b;
      }
    }
  }
  for (size_t j = 0; j < count; ++j) {
    if (inexact[j]) cell[j] = kUntabulated;
  }
}

// Decides a cell the first time a chip lands in it: its coordinates back out of the index.
const Decision& CompiledRegime::fill(Cell cell) const {
  uint32_t coords[kMaxQuantities];
  Cell rest = cell;
  for (size_t i = quantities_.size(); i-- > 0;) {
    coords[i] = static_cast<uint32_t>(rest % quantities_[i].radix());
    rest /= quantities_[i].radix();
  }
  uint32_t known = 0;
  for (size_t b = 0; b < field_bits_.size(); ++b)
    known |= (rest & (Cell{1} << b)) ? field_bits_[b] : 0;
  CellOracle oracle(*this, known, coords);
  Decision d = decide_with(regime_, oracle, query_);
  d.trace.clear();
  decisions_.push_back(std::move(d));
  // A deque keeps its elements in place.
  (dense_.empty() ? sparse_[cell] : dense_[cell]) = &decisions_.back();
  return decisions_.back();
}

Decision CompiledRegime::untabulated(const FieldValues& values) const {
  Decision d = eval::decide(regime_, values, query_);
  d.trace.clear();
  return d;
}

const Decision& CompiledRegime::decide(const FieldValues& values, Decision& scratch) const {
  if (!tabulated_) return scratch = untabulated(values);
  Cell cell = 0;
  locate(ValueColumns::of(values), 0, 1, &cell);
  return cell == kUntabulated ? scratch = untabulated(values) : cell_decision(cell);
}

CompiledRegime::Shape CompiledRegime::shape() const {
  Shape s;
  s.quantities = quantities_.size();
  for (const auto& q : quantities_)
    s.thresholds += q.cuts.size();
  s.cells = cells_;
  s.filled = decisions_.size();
  return s;
}

}  // namespace exctl::eval
