// Every numeric comparison a decision under a regime can make, normalised to
// `quantity op threshold`: a chip field (tpp), or an expression of fields
// (memory_bandwidth + interconnect_bandwidth), against a constant. For each: where the
// threshold comes from (a literal, a parameter, an expression of parameters) and which
// clauses it belongs to, so that sweeps know where a parameter's breakpoints are, and
// diffs and charts can name the thresholds a clause has. The compiled form
// (engine/eval/compiled.hpp) builds its grid from this. An analysis of the checked IR
// that only reports.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/base/rational.hpp"
#include "engine/base/truth.hpp"
#include "engine/sema/fields.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::sema {

// One step of a quantity in postfix: `tpp / die_area` is field, field, div.
struct QuantityStep {
  enum class Code : uint8_t { field, constant, arithmetic };
  Code code = Code::constant;
  FieldId field{};                  // field
  Node::Kind op = Node::Kind::add;  // arithmetic: add, sub, mul or div
  Rational constant;                // constant: a literal's or a parameter's value

  bool operator==(const QuantityStep&) const = default;
};

// What comparisons compare: one chip field, or an expression of fields with its constants
// folded in; one quantity for every comparison that writes it the same way.
struct ThresholdQuantity {
  std::vector<QuantityStep> program;  // postfix; one field step for a plain field
  std::set<FieldId> fields;           // the fields it reads
  std::vector<size_t> comparisons;    // into ThresholdAnalysis::comparisons

  // The field, when the quantity is one plain field.
  std::optional<FieldId> field() const;
  // The deepest its program's stack gets.
  size_t depth() const;
  // Infix, constants in canonical units: "memory_bandwidth + interconnect_bandwidth".
  std::string text() const;
};

// The value a comparison's quantity is compared with.
struct Threshold {
  enum class Kind {
    exact,         // `value`
    undefined,     // the constant divides by zero: the comparison is unknown for every chip
    not_constant,  // both sides vary: compared as `lhs - rhs op 0`, so `value` is 0
  };
  Kind kind = Kind::exact;
  Rational value;
};

// Where a threshold's value comes from, for sweeps: a parameter written as the threshold
// moves it one for one; one inside an expression (or the quantity) moves it otherwise.
struct ThresholdSource {
  enum class Kind {
    literal,     // numbers only: `tpp >= 4800`
    param,       // one parameter as written: `tpp >= tpp_a`
    expression,  // an expression of parameters: `tpp >= tpp_a * 2`
    none,        // no constant side: both sides vary
  };
  Kind kind = Kind::literal;
  int param = -1;  // kind param: the parameter written, in the comparison's regime
  // Every parameter the value depends on (for kind param, the one written and, when it is
  // derived, those its expression uses), ascending, in the comparison's regime.
  std::vector<int> params;
};

// A clause a comparison belongs to.
struct ClauseRef {
  enum class Kind { control, exclusion, licence, exception, flag };
  const Regime* regime = nullptr;  // whose clause: the regime analysed, or one it consults
  Kind kind = Kind::control;
  size_t index = 0;  // in that regime's controls, exclusions, licences, exceptions or flags
  std::string id;    // paragraph, exclusion note, exception name or flag message; empty for
                     // a licence rule, which its index names

  bool operator==(const ClauseRef&) const = default;
};
// "control", "exclude", "licence", "exception", "flag": as in a decision's trace.
std::string_view clause_kind_name(ClauseRef::Kind kind);

struct ThresholdComparison {
  // Whose node pool holds it: the regime analysed, or one it consults through `classified
  // ... under` (the Reference::target, which is not the Rulebook's copy of that regime).
  const Regime* regime = nullptr;
  int node = -1;  // the comparison node in that pool

  enum class Form {
    constant,   // both sides constant: `truth` (unknown when one divides by zero)
    threshold,  // `quantity op threshold`
    difference  // both sides vary: `lhs - rhs op 0`
  };
  Form form = Form::threshold;
  int quantity = -1;       // into ThresholdAnalysis::quantities; -1 for a constant comparison
  CmpOp op = CmpOp::ge;    // after normalisation: `quantity op threshold`
  bool flipped = false;    // the constant was on the left: `4800 <= tpp` is `tpp >= 4800`
  bool inclusive = false;  // a quantity equal to the threshold passes (>=, <=, ==)
  Threshold threshold;     // for a constant comparison, its right side's value
  ThresholdSource source;  // for a constant comparison, of both sides
  std::vector<int> quantity_params;  // parameters folded into the quantity, ascending
  Truth truth = Truth::unknown;      // a constant comparison's result
  // Every clause whose condition reaches it: in the regime it is written in and, for a
  // regime consulted, the clauses of the regimes that consult it on the way.
  std::vector<ClauseRef> clauses;
};

struct ThresholdAnalysis {
  std::vector<ThresholdQuantity> quantities;     // in the order first met
  std::vector<ThresholdComparison> comparisons;  // in clause order, left to right
  std::vector<FieldId> conditions;               // boolean fields read as conditions
  std::set<FieldId> fields;                      // every field the decisions read
  // False when a comparison could not be normalised, and is left out: one whose constant
  // side leaves exact arithmetic (decide() refuses every chip there, E0421).
  bool complete = true;

  // The comparison of `regime`'s node `node`, or nullptr.
  const ThresholdComparison* find(const Regime& regime, int node) const;
};

// Every comparison a decision under `regime` evaluates: its clauses' conditions, and
// the paragraphs (control and exclusions aimed at them) of the regimes it consults. The
// regimes must outlive the result, which points into them.
ThresholdAnalysis analyse_thresholds(const Regime& regime);

}  // namespace exctl::sema
