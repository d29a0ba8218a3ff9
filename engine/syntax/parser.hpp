// Text to parsed tree. The grammar (Boost.Spirit X3) lives in parser.cpp alone: X3 rules
// spread over several translation units crash at start-up on Boost 1.74.
#pragma once

#include <optional>

#include "engine/base/diagnostic.hpp"
#include "engine/syntax/ast.hpp"

namespace exctl::syntax {

// Parses a rule file. On a syntax error reports E0301 (with what was expected, at the
// failing position) and returns nullopt.
std::optional<RuleFile> parse(const SourcePtr& file, DiagnosticSink& sink);

}  // namespace exctl::syntax
