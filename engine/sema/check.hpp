// Parsed rule files to checked regimes: resolves `extends` (with overrides and drops),
// names, units and types. An analysis that only reports: it never rewrites the AST.
#pragma once

#include <optional>
#include <string>
#include <utility>
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
std::vector<Regime> check(const std::vector<ParsedFile>& files, const CountryGroups& groups,
                          DiagnosticSink& sink);

// A checked regime with some parameters set to new values (for sweeps and drafts), as a
// child's override would set them: every parameter, exception limit and condition derived
// from them follows. A value is in canonical units; the caller checks it against the
// parameter's Param::dim. The regimes it consults (`classified ... under`) keep their own
// parameters. nullopt, with the diagnostics, when a name is not one of the regime's
// parameters (E0404), or the values make a constant divisor zero (E0423, at the divisor)
// or a parameter leave exact arithmetic (E0406).
std::optional<Regime> with_params(const Regime& regime,
                                  const std::vector<std::pair<std::string, Rational>>& values,
                                  DiagnosticSink& sink);

}  // namespace exctl::sema
