#include "engine/sema/thresholds.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

namespace exctl::sema {
namespace {

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
// when it divides by zero (unknown, as in decide()). Throws std::overflow_error past exact
// arithmetic.
std::optional<std::optional<Rational>> fold(const Regime& r, int index) {
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
      return arithmetic(n.kind, **a, **b);
    }
    default:
      return std::nullopt;
  }
}

// The parameters an expression's value depends on, through metrics and the expressions of
// derived parameters.
void params_of(const Regime& r, int index, std::set<int>& out) {
  if (index < 0) return;
  const Node& n = r.nodes[static_cast<size_t>(index)];
  switch (n.kind) {
    case Node::Kind::param:
      if (out.insert(n.ref).second) params_of(r, r.params[static_cast<size_t>(n.ref)].root, out);
      return;
    case Node::Kind::metric:
      return params_of(r, r.metrics[static_cast<size_t>(n.ref)].root, out);
    case Node::Kind::add:
    case Node::Kind::sub:
    case Node::Kind::mul:
    case Node::Kind::div:
      params_of(r, n.lhs, out);
      return params_of(r, n.rhs, out);
    default:
      return;
  }
}

std::vector<int> params_of(const Regime& r, std::initializer_list<int> roots) {
  std::set<int> found;
  for (int root : roots)
    params_of(r, root, found);
  return {found.begin(), found.end()};
}

// A constant side: the parameter it is (through metrics that only name one), the
// parameters it is made of, or a literal.
ThresholdSource source_of(const Regime& r, int index) {
  ThresholdSource s;
  s.params = params_of(r, {index});
  const Node* n = &r.nodes[static_cast<size_t>(index)];
  while (n->kind == Node::Kind::metric)
    n = &r.nodes[static_cast<size_t>(r.metrics[static_cast<size_t>(n->ref)].root)];
  if (n->kind == Node::Kind::param) {
    s.kind = ThresholdSource::Kind::param;
    s.param = n->ref;
  } else {
    s.kind = s.params.empty() ? ThresholdSource::Kind::literal : ThresholdSource::Kind::expression;
  }
  return s;
}

class Analyser {
 public:
  explicit Analyser(ThresholdAnalysis& out) : out_(out) {}

  // The clauses of `r`, as the decision walks them.
  void regime(const Regime& r) {
    using Kind = ClauseRef::Kind;
    for (size_t i = 0; i < r.controls.size(); ++i)
      clause(r, r.controls[i].condition, {&r, Kind::control, i, r.controls[i].paragraph});
    for (size_t i = 0; i < r.exclusions.size(); ++i)
      clause(r, r.exclusions[i].condition, {&r, Kind::exclusion, i, r.exclusions[i].note});
    for (size_t i = 0; i < r.licences.size(); ++i)
      clause(r, r.licences[i].condition, {&r, Kind::licence, i, ""});
    for (size_t i = 0; i < r.exceptions.size(); ++i)
      clause(r, r.exceptions[i].condition, {&r, Kind::exception, i, r.exceptions[i].name});
    for (size_t i = 0; i < r.flags.size(); ++i)
      clause(r, r.flags[i].condition, {&r, Kind::flag, i, r.flags[i].message});
  }

 private:
  void clause(const Regime& r, int condition, ClauseRef ref) {
    path_.push_back(std::move(ref));
    walk(r, condition);
    path_.pop_back();
  }

  void walk(const Regime& r, int index) {
    if (index < 0) return;
    const Node& n = r.nodes[static_cast<size_t>(index)];
    switch (n.kind) {
      case Node::Kind::number:
      case Node::Kind::boolean:
      case Node::Kind::param:
        return;
      case Node::Kind::field: {
        auto f = static_cast<FieldId>(n.ref);
        out_.fields.insert(f);
        if (n.is_bool &&
            std::find(out_.conditions.begin(), out_.conditions.end(), f) == out_.conditions.end())
          out_.conditions.push_back(f);
        return;
      }
      case Node::Kind::metric:
        return walk(r, r.metrics[static_cast<size_t>(n.ref)].root);
      case Node::Kind::classified: {
        // The consulted paragraphs as decide() reads them: each control, less the
        // exclusions aimed at it.
        const Reference& ref = r.references[static_cast<size_t>(n.ref)];
        if (!ref.target) {
          out_.complete = false;
          return;
        }
        const Regime& consulted = *ref.target;
        using Kind = ClauseRef::Kind;
        for (const auto& p : ref.paragraphs) {
          for (size_t i = 0; i < consulted.controls.size(); ++i) {
            if (consulted.controls[i].paragraph != p) continue;
            clause(consulted, consulted.controls[i].condition, {&consulted, Kind::control, i, p});
            break;  // find_control: the first
          }
          for (size_t i = 0; i < consulted.exclusions.size(); ++i) {
            const Exclusion& x = consulted.exclusions[i];
            if (Regime::aims_at(x, p))
              clause(consulted, x.condition, {&consulted, Kind::exclusion, i, x.note});
          }
        }
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
        return comparison(r, index);
      case Node::Kind::add:
      case Node::Kind::sub:
      case Node::Kind::mul:
      case Node::Kind::div:
        return;  // reached only under a comparison, which reads them
    }
    out_.complete = false;  // a node kind this analysis does not know
  }

  // Normalises `lhs op rhs` to `quantity op threshold`.
  void comparison(const Regime& r, int index) {
    auto [it, added] = index_.try_emplace({&r, index}, out_.comparisons.size());
    if (!added) {
      add_clauses(out_.comparisons[it->second]);
      return;
    }
    const Node& n = r.nodes[static_cast<size_t>(index)];
    ThresholdComparison c;
    c.regime = &r;
    c.node = index;
    c.op = n.cmp;
    std::optional<std::optional<Rational>> lhs, rhs;
    try {
      lhs = fold(r, n.lhs), rhs = fold(r, n.rhs);
    } catch (const std::overflow_error&) {
      // A constant beyond exact arithmetic: decide() refuses every chip here (E0421).
      out_.complete = false;
      index_.erase(it);
      return;
    }
    auto threshold = [](const std::optional<Rational>& v) {
      return v ? Threshold{Threshold::Kind::exact, *v} : Threshold{Threshold::Kind::undefined, {}};
    };
    std::vector<QuantityStep> program;
    std::set<FieldId> fields;
    bool ok = true;
    if (lhs && rhs) {  // both constant: the comparison is too
      c.form = ThresholdComparison::Form::constant;
      if (*lhs && *rhs) c.truth = truth_of(compare(c.op, **lhs, **rhs));
      c.threshold = threshold(*rhs);
      c.source.params = params_of(r, {n.lhs, n.rhs});
      c.source.kind = c.source.params.empty() ? ThresholdSource::Kind::literal
                                              : ThresholdSource::Kind::expression;
    } else if (rhs) {
      ok = steps(r, n.lhs, program, fields);
      c.threshold = threshold(*rhs);
      c.source = source_of(r, n.rhs);
      c.quantity_params = params_of(r, {n.lhs});
    } else if (lhs) {
      ok = steps(r, n.rhs, program, fields);
      c.op = flipped(c.op);
      c.flipped = true;
      c.threshold = threshold(*lhs);
      c.source = source_of(r, n.lhs);
      c.quantity_params = params_of(r, {n.rhs});
    } else {  // both vary: lhs - rhs against 0
      ok = steps(r, n.lhs, program, fields) && steps(r, n.rhs, program, fields);
      program.push_back({QuantityStep::Code::arithmetic, {}, Node::Kind::sub, {}});
      c.form = ThresholdComparison::Form::difference;
      c.threshold = {Threshold::Kind::not_constant, Rational(0)};
      c.source.kind = ThresholdSource::Kind::none;
      c.quantity_params = params_of(r, {n.lhs, n.rhs});
    }
    if (!ok) {
      out_.complete = false;
      index_.erase(it);
      return;
    }
    c.inclusive = c.op == CmpOp::ge || c.op == CmpOp::le || c.op == CmpOp::eq;
    if (c.form != ThresholdComparison::Form::constant)
      c.quantity = quantity(std::move(program), std::move(fields));
    add_clauses(c);
    if (c.quantity >= 0)
      out_.quantities[static_cast<size_t>(c.quantity)].comparisons.push_back(
          out_.comparisons.size());
    out_.comparisons.push_back(std::move(c));
  }

  void add_clauses(ThresholdComparison& c) {
    for (const auto& ref : path_) {
      if (std::find(c.clauses.begin(), c.clauses.end(), ref) == c.clauses.end())
        c.clauses.push_back(ref);
    }
  }

  bool steps(const Regime& r, int index, std::vector<QuantityStep>& out,
             std::set<FieldId>& fields) {
    const Node& n = r.nodes[static_cast<size_t>(index)];
    switch (n.kind) {
      case Node::Kind::number:
        out.push_back({QuantityStep::Code::constant, {}, {}, n.number});
        return true;
      case Node::Kind::param:
        out.push_back(
            {QuantityStep::Code::constant, {}, {}, r.params[static_cast<size_t>(n.ref)].value});
        return true;
      case Node::Kind::field: {
        if (n.is_bool) return false;
        auto f = static_cast<FieldId>(n.ref);
        out.push_back({QuantityStep::Code::field, f, {}, {}});
        fields.insert(f);
        out_.fields.insert(f);
        return true;
      }
      case Node::Kind::metric:
        return steps(r, r.metrics[static_cast<size_t>(n.ref)].root, out, fields);
      case Node::Kind::add:
      case Node::Kind::sub:
      case Node::Kind::mul:
      case Node::Kind::div:
        if (!steps(r, n.lhs, out, fields) || !steps(r, n.rhs, out, fields)) return false;
        out.push_back({QuantityStep::Code::arithmetic, {}, n.kind, {}});
        return true;
      default:
        return false;
    }
  }

  // The quantity `program` computes, shared by every comparison that writes it the same way.
  int quantity(std::vector<QuantityStep> program, std::set<FieldId> fields) {
    auto& qs = out_.quantities;
    auto it = std::find_if(qs.begin(), qs.end(),
                           [&](const ThresholdQuantity& q) { return q.program == program; });
    if (it != qs.end()) return static_cast<int>(it - qs.begin());
    qs.push_back({std::move(program), std::move(fields), {}});
    return static_cast<int>(qs.size()) - 1;
  }

  ThresholdAnalysis& out_;
  std::vector<ClauseRef> path_;  // the clauses the walk is in, outermost first
  std::map<std::pair<const Regime*, int>, size_t> index_;
};

}  // namespace

std::optional<FieldId> ThresholdQuantity::field() const {
  if (program.size() == 1 && program[0].code == QuantityStep::Code::field) return program[0].field;
  return std::nullopt;
}

size_t ThresholdQuantity::depth() const {
  size_t depth = 0, deepest = 0;
  for (const auto& step : program) {
    depth = step.code == QuantityStep::Code::arithmetic ? depth - 1 : depth + 1;
    deepest = std::max(deepest, depth);
  }
  return deepest;
}

std::string ThresholdQuantity::text() const {
  // Each operand with its precedence: 3 a leaf, 2 `*` and `/`, 1 `+` and `-`.
  std::vector<std::pair<std::string, int>> stack;
  for (const auto& step : program) {
    if (step.code == QuantityStep::Code::field) {
      stack.emplace_back(std::string(field_info(step.field).name), 3);
      continue;
    }
    if (step.code == QuantityStep::Code::constant) {
      stack.emplace_back(step.constant.exact_text(), 3);
      continue;
    }
    if (stack.size() < 2) return "?";
    auto b = std::move(stack.back());
    stack.pop_back();
    auto a = std::move(stack.back());
    stack.pop_back();
    bool product = step.op == Node::Kind::mul || step.op == Node::Kind::div;
    int precedence = product ? 2 : 1;
    bool exact_right = step.op == Node::Kind::sub || step.op == Node::Kind::div;
    auto wrap = [](const std::string& s, bool paren) { return paren ? "(" + s + ")" : s; };
    const char* op = step.op == Node::Kind::add   ? "+"
                     : step.op == Node::Kind::sub ? "-"
                     : step.op == Node::Kind::mul ? "*"
                                                  : "/";
    stack.emplace_back(
        fmt::format("{} {} {}", wrap(a.first, a.second < precedence), op,
                    wrap(b.first, exact_right ? b.second <= precedence : b.second < precedence)),
        precedence);
  }
  return stack.size() == 1 ? stack[0].first : "?";
}

std::string_view clause_kind_name(ClauseRef::Kind kind) {
  switch (kind) {
    case ClauseRef::Kind::control:
      return "control";
    case ClauseRef::Kind::exclusion:
      return "exclude";
    case ClauseRef::Kind::licence:
      return "licence";
    case ClauseRef::Kind::exception:
      return "exception";
    case ClauseRef::Kind::flag:
      return "flag";
  }
  return "control";
}

const ThresholdComparison* ThresholdAnalysis::find(const Regime& regime, int node) const {
  for (const auto& c : comparisons) {
    if (c.regime == &regime && c.node == node) return &c;
  }
  return nullptr;
}

ThresholdAnalysis analyse_thresholds(const Regime& regime) {
  ThresholdAnalysis out;
  Analyser(out).regime(regime);
  return out;
}

}  // namespace exctl::sema
