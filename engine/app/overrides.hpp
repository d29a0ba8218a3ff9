// A regime with parameters set by hand (a ParamDraft, session.hpp): the regime it makes,
// added to a rule book, and the rule file that writes it down for `exctl lint` and --rules.
#pragma once

#include <optional>
#include <string>

#include "engine/app/session.hpp"
#include "engine/sema/rulebook.hpp"

namespace exctl::app {

// Adds the draft regime to `book`: the base with each parameter set (parse_param_value,
// sweep.hpp). E0114 (unknown base), E0609 (an id the book already has), E0610 (a parameter
// set twice, or more than kMaxDraftParams), E0601..E0603, E0610 for a parameter.
inline constexpr size_t kMaxDraftParams = 64;
bool add_param_draft(sema::Rulebook& book, const ParamDraft& draft, DiagnosticSink& sink);

// A book of the draft's base and the draft alone, beside the country groups and the embargo
// layer: what a request of `serve` reads (its regimes reach what they consult through
// shared pointers), without copying every regime of `book` for each slider move.
std::optional<sema::Rulebook> draft_book(const sema::Rulebook& book, const ParamDraft& draft,
                                         DiagnosticSink& sink);

// The rule file of the draft: `regime ID extends BASE { status draft; param ... }` with only
// the parameters that differ from the base. nullopt (with diagnostics) when unusable.
std::optional<std::string> param_draft_rules(const sema::Rulebook& book, const ParamDraft& draft,
                                             DiagnosticSink& sink);

}  // namespace exctl::app
