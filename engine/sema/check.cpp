#include "engine/sema/check.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "engine/base/text.hpp"

namespace exctl::sema {
namespace {

using namespace syntax;

struct RegimeSource {
  const Regime* dummy = nullptr;
  const syntax::Regime* ast;
  SourcePtr file;
};

// How a Builder reaches the other regimes of the rule files, for `classified ... under`.
class RegimeResolver {
 public:
  virtual ~RegimeResolver() = default;
  virtual bool exists(const std::string& id) const = 0;
  virtual std::vector<std::string> ids() const = 0;
  // The checked regime; nullptr when it has errors or consults the asker in a cycle
  // (both reported where they are written).
  virtual std::shared_ptr<const Regime> resolve(const std::string& id) = 0;
};

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_distance) best_distance = d, best = c;
  }
  return best;
}

// Whether an expression is a constant: numbers and parameters joined by arithmetic.
bool is_constant(const Regime& r, int index) {
  const Node& n = r.nodes[static_cast<size_t>(index)];
  switch (n.kind) {
    case Node::Kind::number:
    case Node::Kind::param:
      return true;
    case Node::Kind::add:
    case Node::Kind::sub:
    case Node::Kind::mul:
    case Node::Kind::div:
      return is_constant(r, n.lhs) && is_constant(r, n.rhs);
    default:
      return false;
  }
}

// A constant's value with the parameters' values as they stand, while a regime is built;
// nullopt when it is not one, divides by zero or leaves exact arithmetic. Reports nothing:
// the fold of the finished chain does.
std::optional<Rational> current_value(const Regime& r, int index) {
  const Node& n = r.nodes[static_cast<size_t>(index)];
  switch (n.kind) {
    case Node::Kind::number:
      return n.number;
    case Node::Kind::param:
      return r.params[static_cast<size_t>(n.ref)].value;
    case Node::Kind::add:
    case Node::Kind::sub:
    case Node::Kind::mul:
    case Node::Kind::div: {
      auto a = current_value(r, n.lhs), b = current_value(r, n.rhs);
      if (!a || !b) return std::nullopt;
      try {
        return arithmetic(n.kind, *a, *b);
      } catch (const std::overflow_error&) {
        return std::nullopt;
      }
    }
    default:
      return std::nullopt;
  }
}

// The text of an operand with the parentheses around it, if it has them: "(2 - 2)".
Span parenthesized(Span s) {
  if (!s.file) return s;
  const std::string& text = s.file->text();
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  size_t begin = s.begin, end = s.end;
  while (begin > 0 && is_space(text[begin - 1]))
    --begin;
  while (end < text.size() && is_space(text[end]))
    ++end;
  if (begin > 0 && text[begin - 1] == '(' && end < text.size() && text[end] == ')') {
    s.begin = static_cast<uint32_t>(begin - 1);
    s.end = static_cast<uint32_t>(end + 1);
  }
  return s;
}

// What a fold of a regime's constants may report, and where.
struct FoldScope {
  std::set<int>* reported = nullptr;  // nodes reported already (by the fold of an ancestor)
  // A node of text whose values changed since it was written (an ancestor's, or any once
  // parameters are set): its diagnostics say which parameter values make it fail.
  std::function<bool(int node)> inherited;
  // A parameter whose definition is new here: a cycle is reported where it is closed.
  std::function<bool(int param)> defined_here;
};

// Folds a regime's constants from their definitions: each parameter from its expression,
// in dependency order, so that one derived from an overridden parameter follows the
// override; then the exceptions' limits; and checks every constant divisor of a clause.
// Reports E0423 at a divisor that is zero, E0406 for a value beyond exact arithmetic and
// E0424 for a parameter that depends on itself, each node once.
class ConstantFolder {
 public:
  ConstantFolder(Regime& r, DiagnosticSink& sink, FoldScope scope)
      : r_(r), sink_(sink), scope_(std::move(scope)) {}

  void run() {
    size_t count = r_.params.size();
    values_.assign(count, std::nullopt);
    state_.assign(count, State::unvisited);
    // In definition order: a parameter's first definition uses only earlier ones, so the
    // recursion goes deep only along overrides that use later parameters.
    for (size_t i = 0; i < count; ++i)
      param_value(static_cast<int>(i), -1);
    for (size_t i = 0; i < count; ++i) {
      if (values_[i]) r_.params[i].value = *values_[i];
    }
    // Constant zero divisors outside the values folded (`param p = tpp >= 1 / 0` is not a
    // constant, but its divisor is).
    for (const auto& p : r_.params)
      walk(p.root);
    for (auto& x : r_.exceptions) {
      if (x.limit_root < 0) continue;
      x.limit = value(x.limit_root);
      walk(x.limit_root);
    }
    for (const auto& m : r_.metrics)
      walk(m.root);
    for (const auto& c : r_.controls)
      walk(c.condition);
    for (const auto& x : r_.exclusions)
      walk(x.condition);
    for (const auto& l : r_.licences)
      walk(l.condition);
    for (const auto& x : r_.exceptions)
      walk(x.condition);
    for (const auto& f : r_.flags)
      walk(f.condition);
  }

 private:
  enum class State { unvisited, folding, folded };

  const Node& node(int index) const { return r_.nodes[static_cast<size_t>(index)]; }

  // Reports at most once per node (and per chain of regimes built).
  bool first_report(int index) { return scope_.reported->insert(index).second; }

  // "in regime 'c', where a = 1000": for the text of an ancestor, the parameters that make
  // its expression fail here.
  std::vector<std::string> why(int index) {
    if (!scope_.inherited || !scope_.inherited(index)) return {};
    std::set<int> params;
    std::vector<int> stack = {index};
    while (!stack.empty()) {
      const Node& n = node(stack.back());
      stack.pop_back();
      if (n.kind == Node::Kind::param) params.insert(n.ref);
      if (n.lhs >= 0) stack.push_back(n.lhs);
      if (n.rhs >= 0) stack.push_back(n.rhs);
    }
    std::vector<std::string> values;
    for (int p : params) {
      const Param& param = r_.params[static_cast<size_t>(p)];
      const auto& folded = values_[static_cast<size_t>(p)];
      std::string unit = dim_name(param.dim);
      values.push_back(fmt::format("{} = {}{}", param.name,
                                   (folded ? *folded : param.value).format(4, false),
                                   unit.empty() ? "" : " " + unit));
    }
    if (values.empty()) return {fmt::format("in regime '{}'", r_.id)};
    return {fmt::format("in regime '{}', where {}", r_.id, fmt::join(values, ", "))};
  }

  std::optional<Rational> value(int index) {
    const Node& n = node(index);
    switch (n.kind) {
      case Node::Kind::number:
        return n.number;
      case Node::Kind::param:
        return param_value(n.ref, index);
      case Node::Kind::add:
      case Node::Kind::sub:
      case Node::Kind::mul:
      case Node::Kind::div: {
        auto a = value(n.lhs), b = value(n.rhs);
        if (n.kind == Node::Kind::div && b && *b == 0) {
          zero_divisor(index);
          return std::nullopt;
        }
        if (!a || !b) return std::nullopt;
        try {
          return arithmetic(n.kind, *a, *b);
        } catch (const std::overflow_error&) {
          if (first_report(index)) {
            sink_.report(
                {Severity::error, "E0406",
                 "this value is too large for exact arithmetic (64-bit numerator and denominator)",
                 n.span, why(index)});
          }
          return std::nullopt;
        }
      }
      default:
        return std::nullopt;
    }
  }

  void zero_divisor(int div) {
    if (!first_report(div)) return;
    int divisor = node(div).rhs;
    sink_.report({Severity::error, "E0423", "division by zero", parenthesized(node(divisor).span),
                  why(divisor)});
  }

  // A parameter's value from its expression; `via` is the node that asks for it.
  std::optional<Rational> param_value(int p, int via) {
    auto i = static_cast<size_t>(p);
    if (state_[i] == State::folded) return values_[i];
    if (state_[i] == State::folding) {
      cycle(p, via);
      return std::nullopt;
    }
    state_[i] = State::folding;
    path_.push_back({p, via});
    int root = r_.params[i].root;
    std::optional<Rational> v = root >= 0 ? value(root) : r_.params[i].value;
    path_.pop_back();
    state_[i] = State::folded;
    values_[i] = v;
    return v;
  }

  // `via`, in the expression of the parameter folded last, asks for `p`, which is being
  // folded: E0424 at the reference that closes the cycle in a definition new here.
  void cycle(int p, int via) {
    size_t start = 0;
    while (path_[start].param != p)
      ++start;
    size_t n = path_.size() - start;
    // The reference each parameter of the cycle makes to the next one.
    auto reference = [&](size_t k) {
      size_t at = start + k;
      return at + 1 < path_.size() ? path_[at + 1].via : via;
    };
    auto name = [&](size_t k) {
      return r_.params[static_cast<size_t>(path_[start + k % n].param)].name;
    };
    for (size_t k = 0; k < n; ++k) {
      if (!scope_.defined_here || !scope_.defined_here(path_[start + k].param)) continue;
      if (!first_report(reference(k))) return;
      std::vector<std::string> steps, notes;
      for (size_t j = 0; j <= n; ++j)
        steps.push_back(name(k + j));
      for (size_t j = 0; j < n; ++j)
        notes.push_back(fmt::format("'{}' uses '{}'", name(k + j), name(k + j + 1)));
      sink_.report(
          {Severity::error, "E0424",
           fmt::format("parameter '{}' depends on itself: {}", name(k), fmt::join(steps, " -> ")),
           node(reference(k)).span, notes});
      return;
    }
  }

  // Every constant divisor under `index` (without recursion: a condition may be a chain
  // of a thousand `or`s); metrics are walked where they are defined.
  void walk(int index) {
    if (index < 0) return;
    std::vector<int> stack = {index};
    while (!stack.empty()) {
      int at = stack.back();
      stack.pop_back();
      const Node& n = node(at);
      if (n.kind == Node::Kind::div && is_constant(r_, n.rhs)) {
        if (auto divisor = value(n.rhs); divisor && *divisor == 0) zero_divisor(at);
      }
      if (n.kind == Node::Kind::metric || n.kind == Node::Kind::classified) continue;
      if (n.lhs >= 0) stack.push_back(n.lhs);
      if (n.rhs >= 0) stack.push_back(n.rhs);
    }
  }

  struct Step {
    int param;
    int via;
  };
  Regime& r_;
  DiagnosticSink& sink_;
  FoldScope scope_;
  std::vector<std::optional<Rational>> values_;
  std::vector<State> state_;
  std::vector<Step> path_;  // the parameters being folded, outermost first
};

// Compiles the items of one regime and its ancestors into a Regime.
class Builder {
 public:
  Builder(Regime& out, const CountryGroups& groups, RegimeResolver& resolver)
      : out_(out), groups_(groups), resolver_(resolver) {}

  // Items of `ast`, defined in regime `owner`; diagnostics go to `sink`.
  void add_items(const syntax::Regime& ast, const SourcePtr& file, DiagnosticSink& sink, bool own,
                 int level) {
    file_ = file;
    level_ = level;
    sink_ = &sink;
    owner_ = ast.id.text;
    own_ = own;
    own_paragraphs_.clear();
    for (const auto& item : ast.items)
      boost::apply_visitor([&](const auto& x) { this->item(x); }, item);
    fold();
  }

 private:
  Span span(const Located& n) const { return Span{file_, n.begin, std::max(n.end, n.begin + 1)}; }
  void error(const std::string& code, const std::string& message, const Span& where,
             std::vector<std::string> notes = {}) {
    sink_->report({Severity::error, code, message, where, std::move(notes)});
  }

  // ---- expressions ---------------------------------------------------------------------

  // Expressions are walked recursively (by decide() and the compiled form): a tree deeper than
  // kMaxDepth is refused, once per regime, rather than left to exhaust the stack.
  static constexpr int kMaxDepth = 1000;

  int add_node(Node n) {
    auto depth_of = [&](int index) {
      return index >= 0 && static_cast<size_t>(index) < depth_.size() ? depth_[index] : 0;
    };
    int below = std::max(depth_of(n.lhs), depth_of(n.rhs));
    if (n.kind == Node::Kind::metric) below = depth_of(out_.metrics[n.ref].root);
    depth_.resize(out_.nodes.size(), 0);  // nodes added before, or by another pass
    depth_.push_back(below + 1);
    node_level_.resize(out_.nodes.size(), 0);
    node_level_.push_back(level_);
    if (below + 1 > kMaxDepth && !too_deep_) {
      too_deep_ = true;
      error("E0422",
            fmt::format("expression nested more than {} deep (counting the metrics it uses)",
                        kMaxDepth),
            n.span);
    }
    out_.nodes.push_back(std::move(n));
    return static_cast<int>(out_.nodes.size()) - 1;
  }

  int operand(const Operand& op) {
    return boost::apply_visitor([&](const auto& x) { return this->compile(x); }, op);
  }

  // The text an operand takes up, with its parentheses if it has them, so that the text a
  // trace quotes is balanced: "(tpp + 100) >= 4800", not "tpp + 100) >= 4800".
  Span outer_span(const Operand& op, int index) const {
    Span s = out_.nodes[static_cast<size_t>(index)].span;
    if (!boost::get<x3::forward_ast<Expr>>(&op.get())) return s;
    return parenthesized(s);
  }

  int compile(const Number& n) {
    Node node;
    node.kind = Node::Kind::number;
    node.span = span(n);
    auto value = Rational::parse(n.digits);
    if (!value) {
      error("E0406", fmt::format("'{}' is not a number exctl can represent exactly", n.digits),
            node.span);
      value = Rational(0);
    }
    if (!n.unit.empty()) {
      auto unit = unit_from_text(n.unit);
      if (!unit) {
        error("E0406", fmt::format("unknown unit '{}'", n.unit), node.span);
      } else {
        try {
          *value = *value * unit->scale;
        } catch (const std::overflow_error&) {
          error("E0406", fmt::format("'{} {}' is too large for exact arithmetic", n.digits, n.unit),
                node.span);
          *value = Rational(0);
        }
        node.dim = unit->dim;
      }
    }
    node.number = *value;
    return add_node(node);
  }

  int compile(const BoolLiteral& b) {
    Node node;
    node.kind = Node::Kind::boolean;
    node.boolean = b.value;
    node.is_bool = true;
    node.span = span(b);
    return add_node(node);
  }

  int compile(const Name& name) {
    Node node;
    node.span = span(name);
    if (overriding_ >= 0 && out_.params[overriding_].name == name.text) {
      // In an override the parameter's own name is the definition it replaces (`param a =
      // a * 2`): a copy of that expression's root, at this name.
      const Param& old = out_.params[overriding_];
      if (old.root >= 0) {
        node = out_.nodes[old.root];
      } else {
        node.kind = Node::Kind::number;
        node.number = old.value;
        node.dim = old.dim;
      }
      node.span = span(name);
      return add_node(node);
    }
    if (int p = out_.find_param(name.text); p >= 0) {
      node.kind = Node::Kind::param;
      node.ref = p;
      node.dim = out_.params[p].dim;
      return add_node(node);
    }
    for (size_t i = 0; i < out_.metrics.size(); ++i) {
      if (out_.metrics[i].name == name.text) {
        node.kind = Node::Kind::metric;
        node.ref = static_cast<int>(i);
        node.dim = out_.metrics[i].dim;
        node.is_bool = out_.metrics[i].is_bool;
        return add_node(node);
      }
    }
    if (auto f = find_field(name.text)) {
      node.kind = Node::Kind::field;
      node.ref = static_cast<int>(*f);
      node.dim = field_info(*f).dim;
      node.is_bool = field_info(*f).boolean;
      return add_node(node);
    }
    std::vector<std::string> candidates;
    for (const auto& p : out_.params)
      candidates.push_back(p.name);
    for (const auto& m : out_.metrics)
      candidates.push_back(m.name);
    for (const auto& f : field_catalogue())
      candidates.emplace_back(f.name);
    std::string best = nearest(name.text, candidates);
    std::vector<std::string> notes;
    if (!best.empty()) notes.push_back(fmt::format("did you mean '{}'?", best));
    error("E0404",
          fmt::format("unknown name '{}': not a parameter, metric or chip field", name.text),
          node.span, notes);
    node.kind = Node::Kind::number;  // keep going with a placeholder
    node.dim = {};
    poisoned_ = true;
    return add_node(node);
  }

  // Another regime's classification: resolved to its checked IR here, so that the
  // evaluator only consults it.
  int compile(const Classified& c) {
    Node node;
    node.kind = Node::Kind::classified;
    node.is_bool = true;
    node.span = span(c);
    Reference ref{c.regime.text, {}, nullptr, span(c)};
    for (const auto& p : c.paragraphs)
      ref.paragraphs.push_back(p.text);
    if (!resolver_.exists(c.regime.text)) {
      std::vector<std::string> notes;
      if (auto best = nearest(c.regime.text, resolver_.ids()); !best.empty())
        notes.push_back(fmt::format("did you mean '{}'?", best));
      error("E0417", fmt::format("'classified ... under' names unknown regime '{}'", c.regime.text),
            span(c.regime), notes);
    } else if (auto target = resolver_.resolve(c.regime.text)) {
      std::vector<std::string> theirs;
      for (const auto& control : target->controls)
        theirs.push_back(control.paragraph);
      for (const auto& p : c.paragraphs) {
        if (target->find_control(p.text)) continue;
        std::vector<std::string> notes;
        if (auto best = nearest(p.text, theirs); !best.empty())
          notes.push_back(fmt::format("did you mean '{}'?", best));
        notes.push_back(fmt::format("{} controls {}", c.regime.text, fmt::join(theirs, ", ")));
        error("E0418",
              fmt::format("'{}' is not a paragraph regime '{}' controls", p.text, c.regime.text),
              span(p), notes);
      }
      ref.target = std::move(target);
    } else {
      broken_ = true;  // the regime consulted has errors (or runs in a cycle), reported there
    }
    node.ref = static_cast<int>(out_.references.size());
    out_.references.push_back(std::move(ref));
    return add_node(node);
  }

  int compile(const x3::forward_ast<Not>& n) {
    const Not& x = n.get();
    int operand_index = operand(x.operand);
    expect_bool(operand_index, "'" + x.op + "'");
    Node node;
    node.kind = x.op == "confirmed" ? Node::Kind::confirmed : Node::Kind::not_;
    node.lhs = operand_index;
    node.is_bool = true;
    node.span = span(x);
    return add_node(node);
  }

  int compile(const x3::forward_ast<Expr>& e) { return compile(e.get()); }

  int compile(const Expr& e) {
    int acc = operand(e.first);
    uint32_t begin = outer_span(e.first, acc).begin;
    for (const auto& op : e.rest) {
      int rhs = operand(op.operand);
      Node node;
      node.lhs = acc;
      node.rhs = rhs;
      node.span = Span{file_, begin, std::max(outer_span(op.operand, rhs).end, op.end)};
      const Node& l = out_.nodes[acc];
      const Node& r = out_.nodes[rhs];
      if (op.op == "or" || op.op == "and") {
        node.kind = op.op == "or" ? Node::Kind::or_ : Node::Kind::and_;
        expect_bool(acc, "'" + op.op + "'");
        expect_bool(rhs, "'" + op.op + "'");
        node.is_bool = true;
      } else if (op.op == "+" || op.op == "-" || op.op == "*" || op.op == "/") {
        node.kind = op.op == "+"   ? Node::Kind::add
                    : op.op == "-" ? Node::Kind::sub
                    : op.op == "*" ? Node::Kind::mul
                                   : Node::Kind::div;
        expect_number(acc, "'" + op.op + "'");
        expect_number(rhs, "'" + op.op + "'");
        if (node.kind == Node::Kind::add || node.kind == Node::Kind::sub) {
          check_same_dim(acc, rhs, op.op);
          node.dim = l.dim;
        } else {
          node.dim = node.kind == Node::Kind::mul ? l.dim * r.dim : l.dim / r.dim;
        }
      } else {
        node.kind = Node::Kind::cmp;
        node.cmp = op.op == ">="   ? CmpOp::ge
                   : op.op == ">"  ? CmpOp::gt
                   : op.op == "<=" ? CmpOp::le
                   : op.op == "<"  ? CmpOp::lt
                   : op.op == "==" ? CmpOp::eq
                                   : CmpOp::ne;
        node.is_bool = true;
        if (l.is_bool || r.is_bool) {
          if (l.is_bool != r.is_bool || (node.cmp != CmpOp::eq && node.cmp != CmpOp::ne)) {
            error("E0408", fmt::format("'{}' compares a condition with a number", op.op),
                  node.span);
          }
        } else {
          check_same_dim(acc, rhs, op.op);
        }
      }
      acc = add_node(node);
    }
    return acc;
  }

  void expect_bool(int index, const std::string& where) {
    const Node& n = out_.nodes[index];
    if (!n.is_bool && !poisoned_) {
      error("E0408",
            fmt::format("{} needs a condition, but this is a number{}", where,
                        n.dim.dimensionless() ? "" : " (" + dim_name(n.dim) + ")"),
            n.span);
    }
  }
  void expect_number(int index, const std::string& where) {
    const Node& n = out_.nodes[index];
    if (n.is_bool)
      error("E0408", fmt::format("{} needs a number, but this is a condition", where), n.span);
  }

  std::string describe(const Node& n) const {
    std::string unit = dim_name(n.dim);
    return unit.empty() ? "a dimensionless value" : "a value in " + unit;
  }

  // Values compared or added must have one dimension; the blame goes to a literal (or a
  // unit-less parameter) when one side is one.
  void check_same_dim(int a, int b, const std::string& op) {
    const Node& l = out_.nodes[a];
    const Node& r = out_.nodes[b];
    if (l.dim == r.dim || poisoned_) return;
    auto blame_param = [&](const Node& p, const Node& other) {
      const Param& param = out_.params[p.ref];
      auto pos = param.span.file ? param.span.file->position(param.span.begin)
                                 : SourceFile::Position{0, 0};
      error("E0407",
            fmt::format("parameter '{}' has no unit but is compared with {}", param.name,
                        describe(other)),
            p.span,
            {fmt::format("declared at line {} as {}; give it a unit, e.g. '{} {}'", pos.line,
                         param.value.format(4, false), param.value.format(4, false),
                         dim_name(other.dim))});
    };
    if (l.kind == Node::Kind::param && l.dim.dimensionless()) return blame_param(l, r);
    if (r.kind == Node::Kind::param && r.dim.dimensionless()) return blame_param(r, l);
    const Node& blamed = r.kind == Node::Kind::number ? r : l.kind == Node::Kind::number ? l : r;
    const Node& other = &blamed == &r ? l : r;
    error("E0405",
          fmt::format("unit mismatch: '{}' joins {} and {}", op, describe(other), describe(blamed)),
          blamed.span,
          {other.dim.dimensionless() ? "remove the unit, or compare with a quantity that has one"
                                     : fmt::format("write the value {}, e.g. with unit {}",
                                                   "in the same dimension", dim_name(other.dim))});
  }

  int condition(const Expr& e) {
    poisoned_ = false;
    int root = compile(e);
    expect_bool(root, "a 'when' clause");
    return root;
  }

  // ---- items ---------------------------------------------------------------------------

  void item(const Meta& m) {
    if (!own_) return;  // metadata is not inherited
    Span where = span(m);
    if (m.key == "title")
      out_.title = m.value;
    else if (m.key == "citation")
      out_.citation = m.value;
    else if (m.key == "note")
      out_.notes.push_back(m.value);
    else if (m.key == "applies_to")
      out_.applies_to = m.value;
    else if (m.key == "supersedes")
      out_.supersedes = m.value;
    else if (m.key == "status") {
      if (auto s = status_from_name(m.value))
        out_.status = *s, status_seen_ = true;
      else
        error("E0411", fmt::format("unknown status '{}'", m.value), where,
              {"status is one of in_force, superseded, rescinded, draft, reported, proposed"});
    } else if (m.key == "effective" || m.key == "ends") {
      auto d = parse_date(m.value);
      if (!d)
        error("E0410", fmt::format("'{}' is not a valid date", m.value), where);
      else
        (m.key == "effective" ? out_.effective : out_.ends) = *d;
    }
  }

  void item(const syntax::Param& p) {
    poisoned_ = false;
    int existing = out_.find_param(p.name.text);
    bool overrides = existing >= 0 && !(own_ && !inherited_param(existing));
    overriding_ = overrides ? existing : -1;
    int root = compile(p.value);
    overriding_ = -1;
    const Node& n = out_.nodes[root];
    // Its value as it stands, for what is checked before the chain is folded (E0407's note).
    Rational value = current_value(out_, root).value_or(Rational(0));
    if (!is_constant(out_, root)) {
      if (!poisoned_)
        error("E0415",
              fmt::format("parameter '{}' must be a constant (numbers, units and other parameters)",
                          p.name.text),
              span(p.value));
      // Known by name from here on, so that its uses do not each report it again; a regime
      // with errors is never evaluated, so the placeholder value is never read.
      if (existing < 0) define_param({p.name.text, 0, n.dim, span(p), root});
      return;
    }
    if (existing >= 0) {
      Param& old = out_.params[existing];
      if (!overrides) {
        error("E0416", fmt::format("parameter '{}' is defined twice", p.name.text), span(p.name));
        return;
      }
      if (!(old.dim == n.dim)) {
        error("E0405",
              fmt::format("parameter '{}' overrides a value in {} with one in {}", p.name.text,
                          dim_name(old.dim).empty() ? "no unit" : dim_name(old.dim),
                          dim_name(n.dim).empty() ? "no unit" : dim_name(n.dim)),
              span(p.value));
        return;
      }
      // The expression is replaced; the chain's fold gives it, and what derives from it, a
      // value.
      old.root = root;
      old.value = value;
      old.span = span(p);
      param_level_[existing] = level_;
      if (own_) own_params_.insert(existing);
      return;
    }
    define_param({p.name.text, value, n.dim, span(p), root});
  }
  void define_param(Param p) {
    out_.params.push_back(std::move(p));
    param_level_.push_back(level_);
    if (own_) own_params_.insert(static_cast<int>(out_.params.size()) - 1);
  }
  bool inherited_param(int index) const { return !own_params_.count(index); }

  void item(const syntax::Metric& m) {
    poisoned_ = false;
    int root = compile(m.value);
    const Node& n = out_.nodes[root];
    sema::Metric metric{m.name.text, root, n.dim, n.is_bool, span(m)};
    for (auto& existing : out_.metrics) {
      if (existing.name == m.name.text) {
        existing = metric;  // a child regime redefines the metric
        return;
      }
    }
    if (find_field(m.name.text)) {
      error("E0416", fmt::format("metric '{}' has the name of a chip field", m.name.text),
            span(m.name));
      return;
    }
    out_.metrics.push_back(metric);
  }

  void item(const syntax::Control& c) {
    if (own_ && !own_paragraphs_.insert("control " + c.paragraph).second) {
      error("E0409", fmt::format("paragraph '{}' is defined twice in this regime", c.paragraph),
            span(c));
      return;
    }
    sema::Control control{c.paragraph, condition(c.condition), c.cite, owner_, span(c)};
    for (auto& existing : out_.controls) {
      if (existing.paragraph == c.paragraph) {
        existing = control;  // override of an inherited paragraph
        return;
      }
    }
    out_.controls.push_back(control);
  }

  bool known_paragraph(const std::string& p) const {
    return std::any_of(out_.controls.begin(), out_.controls.end(),
                       [&](const auto& c) { return c.paragraph == p; });
  }

  bool check_targets(const std::vector<std::string>& targets, const Span& where) {
    bool ok = true;
    for (const auto& t : targets) {
      if (t != "*" && !known_paragraph(t)) {
        error("E0413", fmt::format("'{}' is not a paragraph this regime controls", t), where);
        ok = false;
      }
    }
    return ok;
  }

  void item(const syntax::Exclude& e) {
    if (own_ && !own_paragraphs_.insert("exclude " + e.note).second) {
      error("E0409", fmt::format("exclusion '{}' is defined twice in this regime", e.note),
            span(e));
      return;
    }
    check_targets(e.targets, span(e));
    Exclusion x{e.note, e.targets, condition(e.condition), e.cite, owner_, span(e)};
    for (auto& existing : out_.exclusions) {
      if (existing.note == e.note) {
        existing = x;
        return;
      }
    }
    out_.exclusions.push_back(x);
  }

  void item(const syntax::Propagate& p) {
    check_targets(p.sources, span(p));
    out_.propagations.push_back({p.item, p.sources});
  }

  Destinations destinations(const std::vector<Name>& names, const std::vector<Name>& except) {
    Destinations d;
    for (const auto& n : names) {
      d.names.push_back(n.text);
      if (n.text == "worldwide") {
        d.worldwide = true;
        continue;
      }
      if (auto members = groups_.expand(n.text))
        d.countries.insert(*members);
      else
        unknown_group(n);
    }
    for (const auto& n : except) {
      d.except_names.push_back(n.text);
      if (auto members = groups_.expand(n.text))
        d.except_countries.insert(*members);
      else
        unknown_group(n);
    }
    return d;
  }

  void unknown_group(const Name& n) {
    std::vector<std::string> names;
    for (const auto& [name, g] : groups_.groups())
      names.push_back(name);
    error("E0412", fmt::format("unknown country group '{}'", n.text), span(n),
          {fmt::format("groups: {}; 'worldwide'; or an ISO 3166 country code",
                       fmt::join(names, ", "))});
  }

  static std::vector<std::string> strip_any(const std::vector<std::string>& targets) {
    if (targets.size() == 1 && targets[0] == "*") return {};
    return targets;
  }

  void item(const syntax::Licence& l) {
    check_targets(l.targets, span(l));
    LicenceRule rule;
    rule.targets = strip_any(l.targets);
    rule.headquarters = l.headquarters;
    rule.where = destinations(l.groups, l.except_groups);
    rule.shipped_to = destinations(l.shipped_to, {});
    if (!l.policy.empty()) {
      if (auto p = policy_from_name(l.policy))
        rule.policy = *p;
      else
        error("E0411", fmt::format("unknown review policy '{}'", l.policy), span(l),
              {"policy is one of presumption_of_denial, case_by_case, presumption_of_approval"});
    }
    if (!l.since.empty()) {
      if (auto d = parse_date(l.since))
        rule.since = *d;
      else
        error("E0410", fmt::format("'{}' is not a valid date", l.since), span(l));
    }
    if (l.condition) rule.condition = condition(*l.condition);
    rule.cite = l.cite;
    rule.defined_in = owner_;
    rule.level = level_;
    rule.span = span(l);
    out_.licences.push_back(std::move(rule));
  }

  void item(const syntax::Exception& e) {
    check_targets(e.targets, span(e));
    LicenceException x;
    x.name = e.name.text;
    x.targets = strip_any(e.targets);
    x.where = destinations(e.where.groups, e.where.except_groups);
    if (const auto& h = e.where.headquarters) {
      x.hq_test = h->join == "or" ? HqTest::either : h->join == "and" ? HqTest::both : HqTest::only;
      x.headquarters = destinations(h->groups, h->except_groups);
    }
    if (e.condition) x.condition = condition(*e.condition);
    if (e.limit) {
      poisoned_ = false;
      int root = compile(*e.limit);
      x.limit_root = root;
      x.limit = current_value(out_, root);  // folded with the chain's parameters by fold()
      x.limit_dim = out_.nodes[root].dim;
      if (!is_constant(out_, root))
        error("E0415", "an exception's limit must be a constant", span(*e.limit));
    }
    x.per = e.per;
    if (!e.since.empty()) {
      if (auto d = parse_date(e.since))
        x.since = *d;
      else
        error("E0410", fmt::format("'{}' is not a valid date", e.since), span(e));
    }
    if (!e.until.empty()) {
      if (auto d = parse_date(e.until))
        x.until = *d;
      else
        error("E0410", fmt::format("'{}' is not a valid date", e.until), span(e));
    }
    x.cite = e.cite;
    x.defined_in = owner_;
    x.span = span(e);
    out_.exceptions.push_back(std::move(x));
  }

  void item(const syntax::Flag& f) {
    out_.flags.push_back({f.message, condition(f.condition), span(f)});
  }

  void item(const syntax::Drop& d) {
    auto it = std::find_if(out_.controls.begin(), out_.controls.end(),
                           [&](const auto& c) { return c.paragraph == d.paragraph; });
    if (it == out_.controls.end()) {
      error("E0413",
            fmt::format("cannot drop '{}': no inherited paragraph has that name", d.paragraph),
            span(d));
      return;
    }
    out_.controls.erase(it);
    // Removes the paragraph from a target list; true when that emptied a list that named
    // paragraphs (an empty list means "any", so such a clause goes too).
    auto remove_target = [&](std::vector<std::string>& targets) {
      bool had = !targets.empty();
      targets.erase(std::remove(targets.begin(), targets.end(), d.paragraph), targets.end());
      return had && targets.empty();
    };
    std::erase_if(out_.exclusions, [&](auto& x) { return remove_target(x.targets); });
    std::erase_if(out_.licences, [&](auto& l) { return remove_target(l.targets); });
    std::erase_if(out_.exceptions, [&](auto& x) { return remove_target(x.targets); });
    std::erase_if(out_.propagations, [&](auto& p) { return remove_target(p.sources); });
  }

  // Folds the constants once a level of the chain is in: what this level's text changed
  // (an override) is reported here, what an ancestor's text did where it is checked.
  void fold() {
    if (too_deep_) return;  // E0422: refused; its trees are not walked again
    FoldScope scope;
    scope.reported = &reported_;
    scope.inherited = [this](int node) { return node_level_[static_cast<size_t>(node)] < level_; };
    scope.defined_here = [this](int param) {
      return param_level_[static_cast<size_t>(param)] == level_;
    };
    ConstantFolder(out_, *sink_, std::move(scope)).run();
  }

 public:
  bool status_seen() const { return status_seen_; }
  // A regime consulted through `classified ... under` could not be checked.
  bool broken() const { return broken_; }

 private:
  Regime& out_;
  const CountryGroups& groups_;
  RegimeResolver& resolver_;
  SourcePtr file_;
  DiagnosticSink* sink_ = nullptr;
  std::string owner_;
  bool own_ = false;
  int level_ = 0;
  bool poisoned_ = false;   // an unknown name was reported; skip follow-on type errors
  std::vector<int> depth_;  // of each node's expression tree
  bool too_deep_ = false;
  bool status_seen_ = false;
  bool broken_ = false;
  std::set<std::string> own_paragraphs_;
  std::set<int> own_params_;
  int overriding_ = -1;           // the parameter whose override is being compiled
  std::vector<int> param_level_;  // the level of each parameter's definition
  std::vector<int> node_level_;   // the level whose text each node is
  std::set<int> reported_;        // nodes the fold reported, at any level
};

// ---- references between regimes ---------------------------------------------------------

// Every `classified ... under` written in one regime's own clauses.
class ReferenceCollector {
 public:
  std::vector<const Classified*> found;

  void items(const syntax::Regime& r) {
    for (const auto& item : r.items)
      boost::apply_visitor([&](const auto& x) { this->item(x); }, item);
  }

 private:
  void item(const Meta&) {}
  void item(const syntax::Param& p) { expr(p.value); }
  void item(const syntax::Metric& m) { expr(m.value); }
  void item(const syntax::Control& c) { expr(c.condition); }
  void item(const syntax::Exclude& e) { expr(e.condition); }
  void item(const syntax::Propagate&) {}
  void item(const syntax::Licence& l) {
    if (l.condition) expr(*l.condition);
  }
  void item(const syntax::Exception& e) {
    if (e.condition) expr(*e.condition);
    if (e.limit) expr(*e.limit);
  }
  void item(const syntax::Flag& f) { expr(f.condition); }
  void item(const syntax::Drop&) {}

  void expr(const Expr& e) {
    operand(e.first);
    for (const auto& op : e.rest)
      operand(op.operand);
  }
  void operand(const Operand& op) {
    boost::apply_visitor([&](const auto& x) { this->visit(x); }, op);
  }
  void visit(const Number&) {}
  void visit(const BoolLiteral&) {}
  void visit(const Name&) {}
  void visit(const Classified& c) { found.push_back(&c); }
  void visit(const x3::forward_ast<Not>& n) { operand(n.get().operand); }
  void visit(const x3::forward_ast<Expr>& e) { expr(e.get()); }
};

// Checks regimes on demand, each once: a regime consulted through `classified ... under`
// is checked before the regime that consults it.
class Checker : public RegimeResolver {
 public:
  Checker(const CountryGroups& groups, DiagnosticSink& sink) : groups_(groups), sink_(sink) {}

  void add(const std::vector<ParsedFile>& files) {
    for (const auto& f : files) {
      for (const auto& r : f.ast.regimes) {
        auto [it, inserted] = by_id_.emplace(r.id.text, RegimeSource{nullptr, &r, f.source});
        if (!inserted) {
          auto first = it->second.file->position(it->second.ast->id.begin);
          sink_.report(
              {Severity::error,
               "E0403",
               fmt::format("regime '{}' is defined twice", r.id.text),
               Span{f.source, r.id.begin, r.id.end},
               {fmt::format("first defined at {}:{}", it->second.file->path(), first.line)}});
          continue;
        }
        order_.push_back(r.id.text);
      }
    }
  }

  // A regime that consults itself, directly, through others or through a regime that
  // extends it, cannot be evaluated: E0419 at each reference that closes such a cycle.
  void find_cycles() {
    std::map<std::string, std::vector<std::pair<std::string, std::string>>>
        edges;  // id -> (next, how)
    std::map<std::string, std::vector<const Classified*>> refs;
    for (const auto& id : order_) {
      const RegimeSource& src = by_id_.at(id);
      if (src.ast->parent) edges[id].push_back({src.ast->parent->text, "extends"});
      ReferenceCollector collect;
      collect.items(*src.ast);
      refs[id] = collect.found;
      for (const auto* c : collect.found)
        edges[id].push_back({c->regime.text, "consults"});
    }
    for (const auto& id : order_) {
      const RegimeSource& src = by_id_.at(id);
      for (const auto* c : refs[id]) {
        if (!by_id_.count(c->regime.text)) continue;
        // Breadth-first from the regime consulted back to this one.
        std::map<std::string, std::pair<std::string, std::string>>
            came_from;  // node -> (previous, how)
        std::vector<std::string> queue = {c->regime.text};
        came_from[c->regime.text] = {id, "consults"};
        bool found = c->regime.text == id;
        for (size_t i = 0; i < queue.size() && !found; ++i) {
          for (const auto& [next, how] : edges[queue[i]]) {
            if (came_from.count(next)) continue;
            came_from[next] = {queue[i], how};
            if (next == id) {
              found = true;
              break;
            }
            queue.push_back(next);
          }
        }
        if (!found) continue;
        std::vector<std::string> path = {id}, notes;
        for (std::string at = id;;) {
          const auto& [previous, how] = came_from.at(at);
          notes.push_back(fmt::format("'{}' {} '{}'", previous, how, at));
          path.push_back(previous);
          if (previous == id) break;
          at = previous;
        }
        std::reverse(path.begin(), path.end());
        std::reverse(notes.begin(), notes.end());
        path.back() = id;
        sink_.report({Severity::error, "E0419",
                      fmt::format("regime '{}' consults itself: {}", id, fmt::join(path, " -> ")),
                      Span{src.file, c->regime.begin, std::max(c->regime.end, c->regime.begin + 1)},
                      notes});
        cyclic_.insert(id);
      }
    }
  }

  std::vector<Regime> run() {
    std::vector<Regime> out;
    for (const auto& id : order_) {
      if (auto r = resolve(id)) out.push_back(*r);
    }
    return out;
  }

  bool exists(const std::string& id) const override { return by_id_.count(id) > 0; }
  std::vector<std::string> ids() const override { return order_; }

  std::shared_ptr<const Regime> resolve(const std::string& id) override {
    if (auto it = built_.find(id); it != built_.end()) return it->second;
    if (!by_id_.count(id) || in_progress_.count(id))
      return nullptr;  // a cycle, reported by find_cycles
    in_progress_.insert(id);
    auto r = build(id);
    in_progress_.erase(id);
    built_[id] = r;
    return r;
  }

 private:
  std::shared_ptr<const Regime> build(const std::string& id) {
    const RegimeSource& src = by_id_.at(id);
    // The ancestry, root first; an unknown or circular parent is an error here.
    std::vector<const RegimeSource*> chain = {&src};
    while (chain.back()->ast->parent) {
      const Name& parent = *chain.back()->ast->parent;
      auto it = by_id_.find(parent.text);
      Span where{chain.back()->file, parent.begin, parent.end};
      if (it == by_id_.end()) {
        if (chain.size() == 1)
          sink_.error("E0401",
                      fmt::format("regime '{}' extends unknown regime '{}'", id, parent.text),
                      where);
        return nullptr;
      }
      if (std::find(chain.begin(), chain.end(), &it->second) != chain.end()) {
        if (&it->second == &src) {  // the cycle runs through this regime: report it here
          std::vector<std::string> path;
          for (const auto* r : chain)
            path.push_back(r->ast->id.text);
          path.push_back(id);
          Span own{src.file, src.ast->parent->begin, src.ast->parent->end};
          sink_.error("E0402",
                      fmt::format("regime '{}' extends itself: {}", id, fmt::join(path, " -> ")),
                      own);
        }
        return nullptr;
      }
      chain.push_back(&it->second);
    }
    std::reverse(chain.begin(), chain.end());

    auto regime = std::make_shared<Regime>();
    regime->id = id;
    regime->span = Span{src.file, src.ast->id.begin, src.ast->id.end};
    if (src.ast->parent) regime->parent = src.ast->parent->text;
    Builder builder(*regime, groups_, *this);
    DiagnosticSink own, inherited;
    for (size_t level = 0; level < chain.size(); ++level) {
      const RegimeSource* r = chain[level];
      bool is_own = r == &src;
      builder.add_items(*r->ast, r->file, is_own ? own : inherited, is_own,
                        static_cast<int>(level));
    }
    if (!builder.status_seen()) {
      own.report({Severity::error,
                  "E0414",
                  fmt::format("regime '{}' has no status", id),
                  regime->span,
                  {"add e.g. 'status in_force' or 'status draft'"}});
    }
    bool ok =
        !own.has_errors() && !inherited.has_errors() && !builder.broken() && !cyclic_.count(id);
    sink_.merge(own);  // an ancestor's own errors are reported when the ancestor is checked
    if (!ok) return nullptr;
    return regime;
  }

  const CountryGroups& groups_;
  DiagnosticSink& sink_;
  std::map<std::string, RegimeSource> by_id_;
  std::vector<std::string> order_;
  std::set<std::string> cyclic_, in_progress_;
  std::map<std::string, std::shared_ptr<const Regime>> built_;
};

}  // namespace

std::vector<Regime> check(const std::vector<ParsedFile>& files, const CountryGroups& groups,
                          DiagnosticSink& sink) {
  Checker checker(groups, sink);
  checker.add(files);
  checker.find_cycles();
  return checker.run();
}

std::optional<Regime> with_params(const Regime& regime,
                                  const std::vector<std::pair<std::string, Rational>>& values,
                                  DiagnosticSink& sink) {
  Regime r = regime;
  DiagnosticSink own;
  for (const auto& [name, value] : values) {
    int p = r.find_param(name);
    if (p < 0) {
      std::vector<std::string> names, notes;
      for (const auto& param : r.params)
        names.push_back(param.name);
      if (auto best = nearest(name, names); !best.empty())
        notes.push_back(fmt::format("did you mean '{}'?", best));
      notes.push_back(names.empty() ? fmt::format("'{}' has no parameters", r.id)
                                    : fmt::format("its parameters: {}", fmt::join(names, ", ")));
      own.report({Severity::error, "E0404",
                  fmt::format("regime '{}' has no parameter '{}'", r.id, name), Span{}, notes});
      continue;
    }
    // The new value is the parameter's expression now, as a child's override would be.
    Param& param = r.params[static_cast<size_t>(p)];
    Node n;
    n.kind = Node::Kind::number;
    n.number = value;
    n.dim = param.dim;
    n.span = param.span;
    r.nodes.push_back(std::move(n));
    param.root = static_cast<int>(r.nodes.size()) - 1;
    param.value = value;
  }
  if (!own.has_errors()) {
    std::set<int> reported;
    FoldScope scope;
    scope.reported = &reported;
    scope.inherited = [](int) { return true; };  // every expression was written before
    ConstantFolder(r, own, std::move(scope)).run();
  }
  sink.merge(own);
  if (own.has_errors()) return std::nullopt;
  return r;
}

}  // namespace exctl::sema
