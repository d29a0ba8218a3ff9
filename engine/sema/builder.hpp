// Internal to engine/sema, shared by its parts and included nowhere else: resolve.cpp
// orders the regimes and their `extends` chains (check() is there), expressions.cpp checks
// expressions (names, units, types, constant folding), clauses.cpp the clauses of a regime,
// and condition.cpp a standalone expression over chip fields. A Builder compiles one
// regime's chain, or one such expression.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/sema/countries.hpp"
#include "engine/sema/ir.hpp"
#include "engine/syntax/ast.hpp"

namespace exctl::sema::detail {

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

// The candidate within edit distance 2 of `word`, for "did you mean"; empty if none.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// ---- constants (expressions.cpp) ---------------------------------------------------------

// Whether an expression is a constant: numbers and parameters joined by arithmetic.
bool is_constant(const Regime& r, int index);

// A constant's value with the parameters' values as they stand, while a regime is built;
// nullopt when it is not one, divides by zero or leaves exact arithmetic. Reports nothing:
// the fold of the finished chain does.
std::optional<Rational> current_value(const Regime& r, int index);

// The text of an operand with the parentheses around it, if it has them: "(2 - 2)". Blanks
// inside them are ' ', '\t', '\n' and '\r', or with `any_space` whatever std::isspace takes.
Span parenthesized(Span s, bool any_space = false);

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
// E0424 for a parameter that depends on itself, each node once per `scope.reported`.
void fold_constants(Regime& r, DiagnosticSink& sink, FoldScope scope);

// ---- one regime ----------------------------------------------------------------------------

// What an expression may name and how it is checked: a rule file's (the default), or a
// standalone one over chip fields (condition.hpp) with the command line's leniencies.
struct ExprScope {
  // Names are the facts of a chip, under their command-line names too (ChipField::
  // command_line_names): no parameters, metrics or regimes. Nothing is folded after, so a
  // literal zero divisor is reported where it is compiled; after an unknown name no type
  // error follows at all; and any std::isspace blank may stand inside parentheses.
  bool chip_fields_only = false;
  // A number written without a unit, compared with or added to a quantity, is in the
  // quantity's canonical unit (`pd < 5.92` is `pd < 5.92 /mm2`).
  bool bare_numbers_adopt_units = false;
  std::string code;  // when set, every error is reported under it (E0103 for --where)
};

// Compiles the items of one regime and its ancestors into a Regime.
class Builder {
 public:
  Builder(Regime& out, const CountryGroups& groups, RegimeResolver& resolver, ExprScope scope = {})
      : out_(out), groups_(groups), resolver_(resolver), scope_(std::move(scope)) {}

  // One expression outside any regime's items (condition.cpp), from `file`, whose path
  // names it in messages: compiled into the Regime's nodes, checked as a condition or a
  // number. Returns its root.
  int expression(const syntax::Expr& e, const SourcePtr& file, DiagnosticSink& sink,
                 bool condition);

  // Items of `ast`, defined in regime `owner`; diagnostics go to `sink` (clauses.cpp).
  void add_items(const syntax::Regime& ast, const SourcePtr& file, DiagnosticSink& sink, bool own,
                 int level);

  bool status_seen() const { return status_seen_; }
  // A regime consulted through `classified ... under` could not be checked.
  bool broken() const { return broken_; }

 private:
  Span span(const syntax::Located& n) const {
    return Span{file_, n.begin, std::max(n.end, n.begin + 1)};
  }
  void error(const std::string& code, const std::string& message, const Span& where,
             std::vector<std::string> notes = {}) {
    sink_->report({Severity::error, scope_.code.empty() ? code : scope_.code, message, where,
                   std::move(notes)});
  }

  // ---- expressions (expressions.cpp) ----

  // Expressions are walked recursively (by decide() and the compiled form): a tree deeper than
  // kMaxDepth is refused, once per regime, rather than left to exhaust the stack.
  static constexpr int kMaxDepth = 1000;

  // `bare`: a number written without a unit, or arithmetic of such numbers.
  int add_node(Node n, bool bare = false);
  bool bare(int index) const {
    return static_cast<size_t>(index) < bare_.size() && bare_[static_cast<size_t>(index)];
  }
  // After an unknown name, a standalone expression reports no type error at all; a rule's
  // still reports a condition used as a number or compared with one.
  bool quiet() const { return poisoned_ && scope_.chip_fields_only; }
  int operand(const syntax::Operand& op);
  Span outer_span(const syntax::Operand& op, int index) const;
  int compile(const syntax::Number& n);
  int compile(const syntax::BoolLiteral& b);
  int compile(const syntax::Name& name);
  int chip_field_name(const syntax::Name& name);
  int field_node(FieldId id, const Span& where);
  int placeholder(const Span& where);
  int compile(const syntax::Classified& c);
  int compile(const syntax::x3::forward_ast<syntax::Not>& n);
  int compile(const syntax::x3::forward_ast<syntax::Expr>& e);
  int compile(const syntax::Expr& e);
  void expect_bool(int index, const std::string& where);
  void expect_number(int index, const std::string& where);
  std::string describe(const Node& n) const;
  void check_same_dim(int a, int b, const std::string& op);
  int condition(const syntax::Expr& e);
  void fold();

  // ---- clauses (clauses.cpp) ----

  void item(const syntax::Meta& m);
  void item(const syntax::Param& p);
  void define_param(Param p);
  bool inherited_param(int index) const;
  void item(const syntax::Metric& m);
  void item(const syntax::Control& c);
  bool known_paragraph(const std::string& p) const;
  bool check_targets(const std::vector<std::string>& targets, const Span& where);
  void item(const syntax::Exclude& e);
  void item(const syntax::Propagate& p);
  Destinations destinations(const std::vector<syntax::Name>& names,
                            const std::vector<syntax::Name>& except);
  void unknown_group(const syntax::Name& n);
  static std::vector<std::string> strip_any(const std::vector<std::string>& targets);
  void item(const syntax::Licence& l);
  void item(const syntax::Exception& e);
  void item(const syntax::Flag& f);
  void item(const syntax::Drop& d);

  Regime& out_;
  const CountryGroups& groups_;
  RegimeResolver& resolver_;
  ExprScope scope_;
  SourcePtr file_;
  DiagnosticSink* sink_ = nullptr;
  std::string owner_;
  bool own_ = false;
  int level_ = 0;
  bool poisoned_ = false;   // an unknown name was reported; skip follow-on type errors
  std::vector<int> depth_;  // of each node's expression tree
  std::vector<bool> bare_;  // of each node: add_node's `bare`
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

}  // namespace exctl::sema::detail
