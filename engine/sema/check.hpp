// Parsed rule files to checked regimes: resolves `extends` (with overrides and drops),
// names, units and types. An analysis that only reports: it never rewrites the AST.
#pragma once

#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/sema/countries.hpp"
#include "engine/sema/ir.hpp"
#include "engine/syntax/ast.hpp"

namespace exctl::sema {

struct ParsedFile {
  SourcePtr source;
  syntax::RuleFile ast;
};

// Checks every regime of the files. A regime with errors is left out of the result; the
// diagnostics say why.
std::vector<Regime> check(const std::vector<ParsedFile>& files, const CountryGroups& groups, DiagnosticSink& sink);

}  // namespace exctl::sema
