// Text to parsed tree. The grammar (Boost.Spirit X3) lives in parser.cpp alone: X3 rules
// spread over several translation units crash at start-up on Boost 1.74.
#pragma once

#include <optional>
#include <string_view>

#include "engine/base/diagnostic.hpp"
#include "engine/syntax/ast.hpp"

namespace exctl::syntax {

// Parses a rule file. On a syntax error reports E0301 (with what was expected, at the
// failing position) and returns nullopt.
std::optional<RuleFile> parse(const SourcePtr& file, DiagnosticSink& sink);

// How a text that is one expression is written (`chips list --where`).
struct ExpressionSyntax {
  std::string_view code = "E0301";  // of a syntax error
  // The command line's forms: a top-level ',' between conditions means 'and' (it binds
  // loosest: "a or b, c" is "(a or b) and c"), and '=' means '=='.
  bool command_line = false;
};

// Parses the whole of `file` as one expression of the rule language. On a syntax error
// reports `syntax.code` at the failing position and returns nullopt.
std::optional<Expr> parse_expression(const SourcePtr& file, DiagnosticSink& sink,
                                     const ExpressionSyntax& syntax = {});

}  // namespace exctl::syntax
