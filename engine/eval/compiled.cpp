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

CmpOp flipped(CmpOp op) {
  switch (op) {
    case CmpOp::ge:
      return CmpOp::le;
    case CmpOp::gt:
      return CmpOp::lt;
    case CmpOp::le:
      return CmpOp::ge;
    case CmpOp::lt:
      return CmpOp::gt;
    case CmpOp::eq:
    case CmpOp::ne:
      return op;
  }
  return op;
}

// A constant expression's value: nullopt when it is not constant; an empty inner value
// when it divides by zero (unknown, as in decide()).
std::optional<std::optional<Rational>> fold(const sema::Regime& r, int index) {
  const Node& n = r.nodes[static_cast<size_t>(index)];
  switch (n.kind) {
    case Node::Kind::number:
      return std::optional<Rational>(n.number);
    case Node::Kind::param:
      return std::optional<Rational>(r.params[static_cast<size_t>(n.ref)].value);
    case Node::Kind::metric:
      return fold(r, r.metrics[static_cast<size_t>(n.ref)].root);
    case Node::Kind::add:
    case Node::Kind::sub:
    case Node::Kind::mul:
    case Node::Kind::div: {
      auto a = fold(r, n.lhs), b = fold(r, n.rhs);
      if (!a || !b) return std::nullopt;
      if (!*a || !*b) return std::optional<Rational>();
      return sema::arithmetic(n.kind, **a, **b);
    }
    default:
      return std::nullopt;
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
  for (const auto& c : regime.controls)
    walk(regime, c.condition);
  for (const auto& x : regime.exclusions)
    walk(regime, x.condition);
  for (const auto& l : regime.licences)
    walk(regime, l.condition);
  for (const auto& x : regime.exceptions)
    walk(regime, x.condition);
  for (const auto& f : regime.flags)
    walk(regime, f.condition);

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
  for (auto& [node, t] : tests_) {
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

// Every node a decision can evaluate, in `r` or in a regime it consults.
void CompiledRegime::walk(const sema::Regime& r, int index) {
  if (index < 0) return;
  const Node& n = r.nodes[static_cast<size_t>(index)];
  switch (n.kind) {
    case Node::Kind::number:
    case Node::Kind::boolean:
    case Node::Kind::param:
      return;
    case Node::Kind::field: {
      auto f = static_cast<size_t>(n.ref);
      fields_ |= FieldValues::bit(static_cast<sema::FieldId>(n.ref));
      if (n.is_bool && boolean_quantity_[f] < 0) {
        boolean_quantity_[f] = static_cast<int>(quantities_.size());
        Quantity q;
        q.field = n.ref;
        q.fields = FieldValues::bit(static_cast<sema::FieldId>(n.ref));
        q.boolean = true;
        quantities_.push_back(std::move(q));
      }
      return;
    }
    case Node::Kind::metric:
      return walk(r, r.metrics[static_cast<size_t>(n.ref)].root);
    case Node::Kind::classified: {  // another regime's paragraphs: their clauses too
      const sema::Regime& consulted = *r.references[static_cast<size_t>(n.ref)].target;
      for (const auto& c : consulted.controls)
        walk(consulted, c.condition);
      for (const auto& x : consulted.exclusions)
        walk(consulted, x.condition);
      return;
    }
    case Node::Kind::not_:
    case Node::Kind::confirmed:
      return walk(r, n.lhs);
    case Node::Kind::and_:
    case Node::Kind::or_:
      walk(r, n.lhs);
      return walk(r, n.rhs);
    case Node::Kind::cmp:
      if (r.nodes[static_cast<size_t>(n.lhs)].is_bool) {
        walk(r, n.lhs);
        return walk(r, n.rhs);
      }
      return add_comparison(r, n);
    case Node::Kind::add:
    case Node::Kind::sub:
    case Node::Kind::mul:
    case Node::Kind::div:
      return;  // reached only under a comparison, which compiles them
  }
  tabulated_ = false;  // a node kind this compiler does not know: decide() handles all
}

// Normalises `lhs op rhs` to `quantity op threshold` and records the thresholds it needs.
void CompiledRegime::add_comparison(const sema::Regime& r, const Node& cmp) {
  Test t;
  t.op = cmp.cmp;
  auto lhs = fold(r, cmp.lhs), rhs = fold(r, cmp.rhs);
  std::vector<Op> program;
  uint32_t fields = 0;
  bool ok = true;
  if (lhs && rhs) {  // both constant: the comparison is too
    if (*lhs && *rhs) {
      t.constant = truth_of(sema::compare(t.op, **lhs, **rhs));
    }
    tests_[&cmp] = t;
    return;
  }
  if (rhs) {
    ok = compile_program(r, cmp.lhs, program, fields);
  } else if (lhs) {
    ok = compile_program(r, cmp.rhs, program, fields);
    t.op = flipped(t.op);
    rhs = lhs;
  } else {  // both vary: lhs - rhs against 0
    ok = compile_program(r, cmp.lhs, program, fields) &&
         compile_program(r, cmp.rhs, program, fields);
    program.push_back({Op::Code::arithmetic, 0, Node::Kind::sub, {}});
    rhs = std::optional<Rational>(Rational(0));
  }
  fields_ |= fields;
  size_t depth = 0, deepest = 0;
  for (const auto& op : program) {
    depth = op.code == Op::Code::arithmetic ? depth - 1 : depth + 1;
    deepest = std::max(deepest, depth);
  }
  if (!ok || deepest > kMaxStack) {
    tabulated_ = false;
    return;
  }
  if (!*rhs) {  // a threshold that divides by zero is unknown, whatever the chip
    tests_[&cmp] = t;
    return;
  }
  t.threshold = **rhs;
  t.quantity = quantity_for(std::move(program), fields);
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

bool CompiledRegime::compile_program(const sema::Regime& r, int index, std::vector<Op>& out,
                                     uint32_t& fields) const {
  const Node& n = r.nodes[static_cast<size_t>(index)];
  switch (n.kind) {
    case Node::Kind::number:
      out.push_back({Op::Code::constant, 0, {}, n.number});
      return true;
    case Node::Kind::param:
      out.push_back({Op::Code::constant, 0, {}, r.params[static_cast<size_t>(n.ref)].value});
      return true;
    case Node::Kind::field:
      if (n.is_bool) return false;
      out.push_back({Op::Code::field, static_cast<uint8_t>(n.ref), {}, {}});
      fields |= FieldValues::bit(static_cast<sema::FieldId>(n.ref));
      return true;
    case Node::Kind::metric:
      return compile_program(r, r.metrics[static_cast<size_t>(n.ref)].root, out, fields);
    case Node::Kind::add:
    case Node::Kind::sub:
    case Node::Kind::mul:
    case Node::Kind::div: {
      if (!compile_program(r, n.lhs, out, fields) || !compile_program(r, n.rhs, out, fields))
        return false;
      out.push_back({Op::Code::arithmetic, 0, n.kind, {}});
      return true;
    }
    default:
      return false;
  }
}

// The quantity computed by `program`: a plain field, or an expression shared by every
// comparison that writes it the same way.
int CompiledRegime::quantity_for(std::vector<Op> program, uint32_t fields) {
  int field = program.size() == 1 && program[0].code == Op::Code::field ? program[0].field : -1;
  auto same = [&](const Quantity& q) {
    if (q.boolean) return false;
    if (field >= 0 || q.field >= 0) return q.field == field;
    if (q.program.size() != program.size()) return false;
    for (size_t i = 0; i < program.size(); ++i) {
      const Op &a = q.program[i], &b = program[i];
      if (a.code != b.code || a.field != b.field || a.op != b.op || a.constant != b.constant)
        return false;
    }
    return true;
  };
  auto it = std::find_if(quantities_.begin(), quantities_.end(), same);
  if (it != quantities_.end()) return static_cast<int>(it - quantities_.begin());
  Quantity q;
  q.field = field;
  q.fields = fields;
  if (field < 0) q.program = std::move(program);
  quantities_.push_back(std::move(q));
  return static_cast<int>(quantities_.size() - 1);
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
