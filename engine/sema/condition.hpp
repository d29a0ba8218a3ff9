// A condition on chip fields alone, outside any regime (`chips list --where`). Checked as a
// rule's condition is (names, units, types) against the field catalogue only: no
// parameters, metrics or other regimes. Two leniencies of the command line: a number
// without a unit that is compared with (or added to) a quantity is in the quantity's
// canonical unit (`pd < 5.92` is `pd < 5.92 /mm2`), and the command line's own names for
// fields are taken too (`memory_gb`, `transistors_billion`: ChipField::command_line_names).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/sema/ir.hpp"
#include "engine/syntax/ast.hpp"

namespace exctl::sema {

struct FieldCondition {
  Regime pool;  // holds the expression's nodes (pool.nodes) and nothing else
  int root = -1;
  std::vector<FieldId> fields;  // the fields it reads, in the order written, each once
};

// Checks `expr`, parsed from `file` (whose path names the condition in messages: "--where").
// Every problem is reported under `code`; nullopt when there was one.
std::optional<FieldCondition> check_field_condition(const syntax::Expr& expr, const SourcePtr& file,
                                                    std::string_view code, DiagnosticSink& sink);

}  // namespace exctl::sema
