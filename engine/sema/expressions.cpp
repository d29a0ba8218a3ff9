// Expressions: names resolved to parameters, metrics, fields and other regimes' paragraphs;
// units and types checked; constants folded.
#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "engine/base/text.hpp"
#include "engine/sema/builder.hpp"
#include "engine/sema/check.hpp"

namespace exctl::sema {
namespace detail {

using namespace syntax;

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_distance) best_distance = d, best = c;
  }
  return best;
}

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

Span parenthesized(Span s, bool any_space) {
  if (!s.file) return s;
  const std::string& text = s.file->text();
  auto is_space = [any_space](char c) {
    if (any_space) return std::isspace(static_cast<unsigned char>(c)) != 0;
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  };
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

namespace {

// Folds one regime's constants: fold_constants (builder.hpp).
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

}  // namespace

void fold_constants(Regime& r, DiagnosticSink& sink, FoldScope scope) {
  ConstantFolder(r, sink, std::move(scope)).run();
}

int Builder::add_node(Node n, bool bare) {
  auto depth_of = [&](int index) {
    return index >= 0 && static_cast<size_t>(index) < depth_.size() ? depth_[index] : 0;
  };
  int below = std::max(depth_of(n.lhs), depth_of(n.rhs));
  if (n.kind == Node::Kind::metric) below = depth_of(out_.metrics[n.ref].root);
  depth_.resize(out_.nodes.size(), 0);  // nodes added before, or by another pass
  depth_.push_back(below + 1);
  node_level_.resize(out_.nodes.size(), 0);
  node_level_.push_back(level_);
  bare_.resize(out_.nodes.size(), false);
  bare_.push_back(bare);
  if (below + 1 > kMaxDepth && !too_deep_) {
    too_deep_ = true;
    error("E0422",
          fmt::format("expression nested more than {} deep{}", kMaxDepth,
                      scope_.chip_fields_only ? "" : " (counting the metrics it uses)"),
          n.span);
  }
  out_.nodes.push_back(std::move(n));
  return static_cast<int>(out_.nodes.size()) - 1;
}

int Builder::operand(const Operand& op) {
  return boost::apply_visitor([&](const auto& x) { return this->compile(x); }, op);
}

// The text an operand takes up, with its parentheses if it has them, so that the text a
// trace quotes is balanced: "(tpp + 100) >= 4800", not "tpp + 100) >= 4800".
Span Builder::outer_span(const Operand& op, int index) const {
  Span s = out_.nodes[static_cast<size_t>(index)].span;
  if (!boost::get<x3::forward_ast<Expr>>(&op.get())) return s;
  return parenthesized(s, scope_.chip_fields_only);
}

int Builder::compile(const Number& n) {
  Node node;
  node.kind = Node::Kind::number;
  node.span = span(n);
  if (n.unit == syntax::kDateUnit) {
    auto d = parse_date(n.digits);
    if (!d) error("E0410", fmt::format("'{}' is not a valid date", n.digits), node.span);
    node.number = Rational(d.value_or(0));
    node.dim = dims::date;
    return add_node(node, false);
  }
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
  return add_node(node, n.unit.empty());
}

int Builder::compile(const BoolLiteral& b) {
  Node node;
  node.kind = Node::Kind::boolean;
  node.boolean = b.value;
  node.is_bool = true;
  node.span = span(b);
  return add_node(node);
}

int Builder::compile(const Name& name) {
  if (scope_.chip_fields_only) return chip_field_name(name);
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
  if (auto f = find_field(name.text)) return field_node(*f, node.span);
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
  error("E0404", fmt::format("unknown name '{}': not a parameter, metric or chip field", name.text),
        node.span, notes);
  return placeholder(node.span);
}

// A name in a standalone expression: a fact of the chip, by its name, an alias or a name
// of the command line's.
int Builder::chip_field_name(const Name& name) {
  Span where = span(name);
  if (auto id = find_field(name.text)) {
    if (field_info(*id).of_chip()) return field_node(*id, where);
    error("E0404",
          fmt::format("'{}' is not a fact of the chip: {} filters on chip fields", name.text,
                      file_->path()),
          where);
    return placeholder(where);
  }
  for (const auto& f : field_catalogue()) {
    for (const auto& alt : f.command_line_names) {
      if (alt.name != name.text) continue;
      if (alt.per == 1) return field_node(f.id, where);
      // The field in a larger unit: transistors_billion is transistors / 10^9.
      Node per;
      per.kind = Node::Kind::number;
      per.number = alt.per;
      per.span = where;
      Node div;
      div.kind = Node::Kind::div;
      div.lhs = field_node(f.id, where);
      div.rhs = add_node(per);
      div.dim = f.dim;
      div.span = where;
      return add_node(div);
    }
  }
  std::vector<std::string> names, candidates;
  for (const auto& f : field_catalogue()) {
    if (!f.of_chip()) continue;
    names.emplace_back(f.name);
    candidates.emplace_back(f.name);
    for (auto alias : f.aliases)
      candidates.emplace_back(alias);
    for (const auto& alt : f.command_line_names)
      candidates.emplace_back(alt.name);
  }
  std::vector<std::string> notes;
  if (auto best = nearest(name.text, candidates); !best.empty())
    notes.push_back(fmt::format("did you mean '{}'?", best));
  notes.push_back(fmt::format("fields: {}", fmt::join(names, ", ")));
  error("E0404", fmt::format("unknown field '{}'", name.text), where, std::move(notes));
  return placeholder(where);
}

int Builder::field_node(FieldId id, const Span& where) {
  Node node;
  node.kind = Node::Kind::field;
  node.ref = static_cast<int>(id);
  node.dim = field_info(id).dim;
  node.is_bool = field_info(id).boolean;
  node.span = where;
  return add_node(node);
}

// Stands for a name that was reported, so that checking goes on without follow-on errors.
int Builder::placeholder(const Span& where) {
  poisoned_ = true;
  Node node;
  node.kind = Node::Kind::number;
  node.span = where;
  return add_node(node);
}

// Another regime's classification: resolved to its checked IR here, so that the
// evaluator only consults it.
int Builder::compile(const Classified& c) {
  Node node;
  node.kind = Node::Kind::classified;
  node.is_bool = true;
  node.span = span(c);
  if (scope_.chip_fields_only) {
    error("E0417",
          fmt::format("'classified ... under' reads a regime; {} filters on chip fields only",
                      file_->path()),
          span(c));
    node.kind = Node::Kind::boolean;  // stands for it: there is no regime to consult
    return add_node(node);
  }
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

int Builder::compile(const x3::forward_ast<Not>& n) {
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

int Builder::compile(const x3::forward_ast<Expr>& e) {
  return compile(e.get());
}

int Builder::compile(const Expr& e) {
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
    bool bare_numbers = false;
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
      if ((l.dim.date || r.dim.date) && !quiet()) {
        error("E0427", fmt::format("'{}' on a date: dates can only be compared", op.op),
              Span{file_, op.begin, op.begin + static_cast<uint32_t>(op.op.size())},
              {"compare it with another date: us_available <= 2026-01-15"});
        poisoned_ = true;  // one report: not the unit mismatch too
      }
      bare_numbers = bare(acc) && bare(rhs);
      if (node.kind == Node::Kind::add || node.kind == Node::Kind::sub) {
        check_same_dim(acc, rhs, op.op);
        node.dim = l.dim;  // after check_same_dim, which may have given a bare number a unit
      } else {
        node.dim = node.kind == Node::Kind::mul ? l.dim * r.dim : l.dim / r.dim;
      }
      // A rule's divisors are checked by the fold; a standalone expression has none.
      if (scope_.chip_fields_only && node.kind == Node::Kind::div && r.kind == Node::Kind::number &&
          r.number == 0) {
        error("E0423", "division by zero", outer_span(op.operand, rhs));
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
        if ((l.is_bool != r.is_bool || (node.cmp != CmpOp::eq && node.cmp != CmpOp::ne)) &&
            !quiet()) {
          error("E0408", fmt::format("'{}' compares a condition with a number", op.op), node.span);
        }
      } else {
        check_same_dim(acc, rhs, op.op);
      }
    }
    acc = add_node(node, bare_numbers);
  }
  return acc;
}

void Builder::expect_bool(int index, const std::string& where) {
  const Node& n = out_.nodes[index];
  if (!n.is_bool && !poisoned_) {
    error("E0408",
          fmt::format("{} needs a condition, but this is a number{}", where,
                      n.dim.dimensionless() ? "" : " (" + dim_name(n.dim) + ")"),
          n.span);
  }
}

void Builder::expect_number(int index, const std::string& where) {
  const Node& n = out_.nodes[index];
  if (n.is_bool && !quiet())
    error("E0408", fmt::format("{} needs a number, but this is a condition", where), n.span);
}

std::string Builder::describe(const Node& n) const {
  std::string unit = dim_name(n.dim);
  return unit.empty() ? "a dimensionless value" : "a value in " + unit;
}

// Values compared or added must have one dimension; the blame goes to a literal (or a
// unit-less parameter) when one side is one. Under ExprScope::bare_numbers_adopt_units a
// number without a unit takes the other side's instead.
void Builder::check_same_dim(int a, int b, const std::string& op) {
  const Node& l = out_.nodes[a];
  const Node& r = out_.nodes[b];
  if (l.dim == r.dim || poisoned_) return;
  if (scope_.bare_numbers_adopt_units) {
    if (bare(b)) {
      out_.nodes[b].dim = l.dim;
      return;
    }
    if (bare(a)) {
      out_.nodes[a].dim = r.dim;
      return;
    }
  }
  auto blame_param = [&](const Node& p, const Node& other) {
    const Param& param = out_.params[p.ref];
    auto pos =
        param.span.file ? param.span.file->position(param.span.begin) : SourceFile::Position{0, 0};
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

int Builder::expression(const Expr& e, const SourcePtr& file, DiagnosticSink& sink,
                        bool condition) {
  file_ = file;
  sink_ = &sink;
  poisoned_ = false;
  int root = compile(e);
  if (condition)
    expect_bool(root, file->path());
  else
    expect_number(root, file->path());
  return root;
}

int Builder::condition(const Expr& e) {
  poisoned_ = false;
  int root = compile(e);
  expect_bool(root, "a 'when' clause");
  return root;
}

// Folds the constants once a level of the chain is in: what this level's text changed
// (an override) is reported here, what an ancestor's text did where it is checked.
void Builder::fold() {
  if (too_deep_) return;  // E0422: refused; its trees are not walked again
  FoldScope scope;
  scope.reported = &reported_;
  scope.inherited = [this](int node) { return node_level_[static_cast<size_t>(node)] < level_; };
  scope.defined_here = [this](int param) {
    return param_level_[static_cast<size_t>(param)] == level_;
  };
  fold_constants(out_, *sink_, std::move(scope));
}

}  // namespace detail

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
      if (auto best = detail::nearest(name, names); !best.empty())
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
    detail::FoldScope scope;
    scope.reported = &reported;
    scope.inherited = [](int) { return true; };  // every expression was written before
    detail::fold_constants(r, own, std::move(scope));
  }
  sink.merge(own);
  if (own.has_errors()) return std::nullopt;
  return r;
}

}  // namespace exctl::sema
