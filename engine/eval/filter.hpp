// `chips list --where`: conditions on chip fields written as the rule language's
// expressions, checked by sema against the field catalogue (engine/sema/condition.hpp) and
// evaluated three-valued on each chip's field values. Unknown is not false: a chip that a
// condition leaves unknown is left out, and counted under the field that made it so.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/base/diagnostic.hpp"
#include "engine/base/truth.hpp"
#include "engine/eval/values.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/sema/condition.hpp"

namespace exctl::eval {

class ChipFilter {
 public:
  // One condition per --where given, all of which must hold; in each, a top-level ',' means
  // 'and' and '=' means '=='. Reports every malformed one as E0103, with a caret into it
  // (shown as `what`: "--where:1:5"), and returns nullopt then. No conditions keep every chip.
  static std::optional<ChipFilter> compile(const std::vector<std::string>& conditions,
                                           const std::string& what, DiagnosticSink& sink);

  // All conditions on the chip's values, three-valued. A chip whose values take a condition
  // past exact arithmetic is reported (E0421) and is no. When unknown, `unknown` gets the
  // first unknown field read by the first condition left unknown (none: a zero divisor).
  Truth test(const Chip& chip, const ChipMetrics& metrics, DiagnosticSink& sink,
             std::optional<FieldId>* unknown = nullptr) const;
  // True when every condition holds; a chip left out as unknown is counted for left_out().
  bool keep(const Chip& chip, const ChipMetrics& metrics, DiagnosticSink& sink);
  // W0101 per field that left chips out, in the order of the field names.
  void report_left_out(DiagnosticSink& sink) const;

 private:
  std::vector<sema::FieldCondition> conditions_;
  std::map<std::string, int> left_out_;  // field name -> chips left out for it
};

}  // namespace exctl::eval
