// Evaluation: one chip's field values x one regime x one destination -> a decision with
// the trace of every clause. Pure: no I/O, no global state.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/base/truth.hpp"
#include "engine/eval/values.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::eval {

struct Query {
  std::string to;  // ISO code of the destination; empty = not asked
  std::string hq;  // ISO code of the buyer's headquarters; empty = not asked
  sema::DateKey date = 0;
};

enum class Verdict { controlled, not_controlled, excluded, indeterminate };
std::string_view verdict_name(Verdict v);

// One comparison as evaluated: `tpp >= 4800` with the values it saw.
struct Comparison {
  int node = -1;
  std::optional<Rational> lhs, rhs;
  sema::Dim dim;
  sema::CmpOp op = sema::CmpOp::ge;
  Truth result = Truth::unknown;
  std::string text;  // the comparison as written in the rule file
  // Why a side is unknown when no value was missing: "division by zero" (a divisor that is
  // zero for these values). Empty otherwise.
  std::string unknown_because;
};

// A paragraph of another regime consulted by `classified ... under`.
struct Consultation {
  std::string regime, paragraph;
  Truth result = Truth::unknown;
  std::vector<std::string> excluded_by;  // its exclusions that took the paragraph out
};

struct ClauseTrace {
  std::string kind;  // control, exclude, licence, exception
  std::string id;    // paragraph, note, or exception name
  Truth result = Truth::unknown;
  std::string cite;
  std::string defined_in;
  Span span;
  std::vector<Comparison> comparisons;
  std::vector<std::string> missing;  // fields that were unknown (or "hq": the buyer's headquarters)
  std::vector<Consultation> consulted = {};  // other regimes' paragraphs the clause read
};

struct ExceptionOutcome {
  std::string name;
  std::string cite;
  std::optional<Rational> limit;
  std::string per;
};

struct LicenceOutcome {
  std::optional<bool> required;  // nullopt: no destination asked, or undecidable
  bool asked = false;
  Truth truth = Truth::no;
  sema::Policy policy = sema::Policy::none;
  std::vector<std::string> reasons;
  std::vector<ExceptionOutcome> exceptions;
};

struct Decision {
  std::string regime;
  Verdict verdict = Verdict::not_controlled;
  std::vector<std::string> paragraphs;   // controlled paragraphs
  std::vector<std::string> excluded_by;  // exclusion notes that took a paragraph out
  std::vector<std::string> end_items;    // end-item classifications that follow (4A090, .z)
  LicenceOutcome licence;
  std::vector<ClauseTrace> trace;
  std::vector<std::string> missing;  // fields whose absence left the decision open
  std::vector<std::string> flags;    // warnings the regime raises for this case
  bool in_force = false;
};

// Thrown by decide() when a chip's values carry an expression past exact arithmetic's range
// (a numerator or denominator beyond 64 bits): the verdict would be a guess, so none is made.
class ArithmeticOverflow : public std::runtime_error {
 public:
  explicit ArithmeticOverflow(Span expression)
      : std::runtime_error("arithmetic overflow"), expression_(std::move(expression)) {}
  const Span& expression() const { return expression_; }  // as written in the rule file
  // E0421 at the expression, naming the chip (or catalogue row) whose values did it.
  Diagnostic diagnostic(std::string_view chip) const;

 private:
  Span expression_;
};

Decision decide(const sema::Regime& regime, const FieldValues& values, const Query& query);

// How strict a review policy is: presumption of denial, then case by case, then presumption
// of approval, then none. Where several rules (or several regimes in force) set a policy,
// the strictest holds.
int policy_rank(sema::Policy p);
sema::Policy stricter(sema::Policy a, sema::Policy b);

// One expression of `regime`'s pool (its node `root`, a condition) on `values`, three-valued,
// without a trace. Throws ArithmeticOverflow as decide() does.
Truth evaluate(const sema::Regime& regime, int root, const FieldValues& values);
// A numeric expression of the pool on `values`: nullopt when a value it reads is unknown or
// it divides by zero. Throws ArithmeticOverflow as decide() does.
std::optional<Rational> quantity(const sema::Regime& regime, int root, const FieldValues& values);

// The truths of a regime's comparisons given directly instead of computed from values: the
// compiled form (compiled.hpp) decides each cell of its grid this way.
class ComparisonOracle {
 public:
  virtual ~ComparisonOracle() = default;
  virtual bool known(sema::FieldId field) const = 0;
  virtual Truth comparison(const sema::Node& cmp) const = 0;  // a numeric comparison node
  virtual Truth flag(sema::FieldId field) const = 0;          // a known boolean field
};

// decide() with every comparison answered by `oracle`; the trace has no compared values.
Decision decide_with(const sema::Regime& regime, const ComparisonOracle& oracle,
                     const Query& query);

}  // namespace exctl::eval
