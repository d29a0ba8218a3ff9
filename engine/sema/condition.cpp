#include "engine/sema/condition.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "engine/base/text.hpp"

namespace exctl::sema {
namespace {

using namespace syntax;

// As deep as a rule's expression may be (check.cpp): evaluation walks the tree recursively.
constexpr int kMaxDepth = 1000;

class ConditionChecker {
 public:
  ConditionChecker(FieldCondition& out, const SourcePtr& file, std::string_view code,
                   DiagnosticSink& sink)
      : out_(out), file_(file), code_(code), sink_(sink) {}

  void check(const Expr& e) {
    out_.root = compile(e);
    expect_bool(out_.root, file_->path());
  }
  bool ok() const { return !failed_; }

 private:
  std::vector<Node>& nodes() { return out_.pool.nodes; }

  Span span(const Located& n) const { return Span{file_, n.begin, std::max(n.end, n.begin + 1)}; }
  void error(std::string message, const Span& where, std::vector<std::string> notes = {}) {
    sink_.report(
        {Severity::error, std::string(code_), std::move(message), where, std::move(notes)});
    failed_ = true;
  }

  int add_node(Node n, bool bare = false) {
    auto depth_of = [&](int i) { return i >= 0 ? depth_[static_cast<size_t>(i)] : 0; };
    int depth = std::max(depth_of(n.lhs), depth_of(n.rhs)) + 1;
    if (depth > kMaxDepth && !too_deep_) {
      too_deep_ = true;
      error(fmt::format("expression nested more than {} deep", kMaxDepth), n.span);
    }
    nodes().push_back(std::move(n));
    depth_.push_back(depth);
    bare_.push_back(bare);
    return static_cast<int>(nodes().size()) - 1;
  }
  const Node& node(int i) { return nodes()[static_cast<size_t>(i)]; }

  int operand(const Operand& op) {
    return boost::apply_visitor([&](const auto& x) { return this->compile(x); }, op);
  }

  // With its parentheses, if it has them, so that a caret under it is balanced.
  Span outer_span(const Operand& op, int index) {
    Span s = node(index).span;
    if (!boost::get<x3::forward_ast<Expr>>(&op.get())) return s;
    const std::string& text = file_->text();
    size_t begin = s.begin, end = s.end;
    while (begin > 0 && std::isspace(static_cast<unsigned char>(text[begin - 1])))
      --begin;
    while (end < text.size() && std::isspace(static_cast<unsigned char>(text[end])))
      ++end;
    if (begin > 0 && text[begin - 1] == '(' && end < text.size() && text[end] == ')') {
      s.begin = static_cast<uint32_t>(begin - 1);
      s.end = static_cast<uint32_t>(end + 1);
    }
    return s;
  }

  int compile(const Number& n) {
    Node node;
    node.kind = Node::Kind::number;
    node.span = span(n);
    auto value = Rational::parse(n.digits);
    if (!value) {
      error(fmt::format("'{}' is not a number exctl can represent exactly", n.digits), node.span);
      value = Rational(0);
    }
    if (!n.unit.empty()) {
      if (auto unit = unit_from_text(n.unit)) {
        try {
          *value = *value * unit->scale;
        } catch (const std::overflow_error&) {
          error(fmt::format("'{} {}' is too large for exact arithmetic", n.digits, n.unit),
                node.span);
          *value = Rational(0);
        }
        node.dim = unit->dim;
      } else {
        error(fmt::format("unknown unit '{}'", n.unit), node.span);
      }
    }
    node.number = *value;
    return add_node(node, n.unit.empty());
  }

  int compile(const BoolLiteral& b) {
    Node node;
    node.kind = Node::Kind::boolean;
    node.boolean = b.value;
    node.is_bool = true;
    node.span = span(b);
    return add_node(node);
  }

  int field_node(const ChipField& f, const Span& where) {
    if (std::find(out_.fields.begin(), out_.fields.end(), f.id) == out_.fields.end())
      out_.fields.push_back(f.id);
    Node node;
    node.kind = Node::Kind::field;
    node.ref = static_cast<int>(f.id);
    node.dim = f.dim;
    node.is_bool = f.boolean;
    node.span = where;
    return add_node(node);
  }

  int compile(const Name& name) {
    Span where = span(name);
    if (auto id = find_chip_field(name.text)) {
      const ChipField& f = chip_field(*id);
      if (f.of_chip()) return field_node(f, where);
      error(fmt::format("'{}' is not a fact of the chip: {} filters on chip fields", name.text,
                        file_->path()),
            where);
      return placeholder(where);
    }
    for (const auto& f : chip_fields()) {
      for (const auto& alt : f.command_line_names) {
        if (alt.name != name.text) continue;
        if (alt.per == 1) return field_node(f, where);
        // The field in a larger unit: transistors_billion is transistors / 10^9.
        Node per;
        per.kind = Node::Kind::number;
        per.number = alt.per;
        per.span = where;
        Node div;
        div.kind = Node::Kind::div;
        div.lhs = field_node(f, where);
        div.rhs = add_node(per);
        div.dim = f.dim;
        div.span = where;
        return add_node(div);
      }
    }
    std::vector<std::string> names;
    std::string best;
    size_t best_distance = 3;
    auto consider = [&](std::string_view candidate) {
      size_t d = edit_distance(name.text, candidate);
      if (d < best_distance) best_distance = d, best = candidate;
    };
    for (const auto& f : chip_fields()) {
      if (!f.of_chip()) continue;
      names.emplace_back(f.name);
      consider(f.name);
      for (auto alias : f.aliases)
        consider(alias);
      for (const auto& alt : f.command_line_names)
        consider(alt.name);
    }
    std::vector<std::string> notes;
    if (!best.empty()) notes.push_back(fmt::format("did you mean '{}'?", best));
    notes.push_back(fmt::format("fields: {}", fmt::join(names, ", ")));
    error(fmt::format("unknown field '{}'", name.text), where, std::move(notes));
    return placeholder(where);
  }

  // Stands for a name that was reported, so that checking goes on without follow-on errors.
  int placeholder(const Span& where) {
    poisoned_ = true;
    Node node;
    node.kind = Node::Kind::number;
    node.span = where;
    return add_node(node);
  }

  int compile(const Classified& c) {
    error(fmt::format("'classified ... under' reads a regime; {} filters on chip fields only",
                      file_->path()),
          span(c));
    Node node;
    node.kind = Node::Kind::boolean;
    node.is_bool = true;
    node.span = span(c);
    return add_node(node);
  }

  int compile(const x3::forward_ast<Not>& n) {
    const Not& x = n.get();
    int inner = operand(x.operand);
    expect_bool(inner, "'" + x.op + "'");
    Node node;
    node.kind = x.op == "confirmed" ? Node::Kind::confirmed : Node::Kind::not_;
    node.lhs = inner;
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
      Node n;
      n.lhs = acc;
      n.rhs = rhs;
      n.span = Span{file_, begin, std::max(outer_span(op.operand, rhs).end, op.end)};
      bool bare = false;
      if (op.op == "or" || op.op == "and") {
        n.kind = op.op == "or" ? Node::Kind::or_ : Node::Kind::and_;
        expect_bool(acc, "'" + op.op + "'");
        expect_bool(rhs, "'" + op.op + "'");
        n.is_bool = true;
      } else if (op.op == "+" || op.op == "-" || op.op == "*" || op.op == "/") {
        n.kind = op.op == "+"   ? Node::Kind::add
                 : op.op == "-" ? Node::Kind::sub
                 : op.op == "*" ? Node::Kind::mul
                                : Node::Kind::div;
        expect_number(acc, "'" + op.op + "'");
        expect_number(rhs, "'" + op.op + "'");
        bare = bare_[static_cast<size_t>(acc)] && bare_[static_cast<size_t>(rhs)];
        if (n.kind == Node::Kind::add || n.kind == Node::Kind::sub) {
          same_dim(acc, rhs, op.op);
          n.dim = node(acc).dim;
        } else {
          n.dim = n.kind == Node::Kind::mul ? node(acc).dim * node(rhs).dim
                                            : node(acc).dim / node(rhs).dim;
        }
        if (n.kind == Node::Kind::div && node(rhs).kind == Node::Kind::number &&
            node(rhs).number == 0) {
          error("division by zero", outer_span(op.operand, rhs));
        }
      } else {
        n.kind = Node::Kind::cmp;
        n.cmp = op.op == ">="   ? CmpOp::ge
                : op.op == ">"  ? CmpOp::gt
                : op.op == "<=" ? CmpOp::le
                : op.op == "<"  ? CmpOp::lt
                : op.op == "==" ? CmpOp::eq
                                : CmpOp::ne;
        n.is_bool = true;
        const Node& l = node(acc);
        const Node& r = node(rhs);
        if (l.is_bool || r.is_bool) {
          if ((l.is_bool != r.is_bool || (n.cmp != CmpOp::eq && n.cmp != CmpOp::ne)) &&
              !poisoned_) {
            error(fmt::format("'{}' compares a condition with a number", op.op), n.span);
          }
        } else {
          same_dim(acc, rhs, op.op);
        }
      }
      acc = add_node(n, bare);
    }
    return acc;
  }

  void expect_bool(int index, const std::string& where) {
    const Node& n = node(index);
    if (n.is_bool || poisoned_) return;
    error(fmt::format("{} needs a condition, but this is a number{}", where,
                      n.dim.dimensionless() ? "" : " (" + dim_name(n.dim) + ")"),
          n.span);
  }
  void expect_number(int index, const std::string& where) {
    const Node& n = node(index);
    if (n.is_bool && !poisoned_)
      error(fmt::format("{} needs a number, but this is a condition", where), n.span);
  }

  static std::string describe(const Dim& d) {
    std::string unit = dim_name(d);
    return unit.empty() ? "a dimensionless value" : "a value in " + unit;
  }

  // Values compared or added have one dimension. A number written without a unit takes the
  // other side's (the command line's leniency); otherwise the blame goes to a literal.
  void same_dim(int a, int b, const std::string& op) {
    Node& l = nodes()[static_cast<size_t>(a)];
    Node& r = nodes()[static_cast<size_t>(b)];
    if (l.dim == r.dim || poisoned_) return;
    if (bare_[static_cast<size_t>(b)]) {
      r.dim = l.dim;
      return;
    }
    if (bare_[static_cast<size_t>(a)]) {
      l.dim = r.dim;
      return;
    }
    const Node& blamed = r.kind == Node::Kind::number ? r : l.kind == Node::Kind::number ? l : r;
    const Node& other = &blamed == &r ? l : r;
    error(fmt::format("unit mismatch: '{}' joins {} and {}", op, describe(other.dim),
                      describe(blamed.dim)),
          blamed.span,
          {other.dim.dimensionless()
               ? "remove the unit, or compare with a quantity that has one"
               : fmt::format("write the value in the same dimension, e.g. with unit {}",
                             dim_name(other.dim))});
  }

  FieldCondition& out_;
  const SourcePtr& file_;
  std::string_view code_;
  DiagnosticSink& sink_;
  std::vector<int> depth_;  // of each node's tree
  std::vector<bool> bare_;  // each node: numbers written without a unit, and arithmetic of them
  bool poisoned_ = false;   // an unknown name was reported: no follow-on type errors
  bool too_deep_ = false;
  bool failed_ = false;
};

}  // namespace

std::optional<FieldCondition> check_field_condition(const syntax::Expr& expr, const SourcePtr& file,
                                                    std::string_view code, DiagnosticSink& sink) {
  FieldCondition out;
  out.pool.id = file->path();
  ConditionChecker checker(out, file, code, sink);
  checker.check(expr);
  if (!checker.ok()) return std::nullopt;
  return out;
}

}  // namespace exctl::sema
