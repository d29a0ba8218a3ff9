#include "engine/app/overrides.hpp"

#include <set>

#include <fmt/format.h>

#include "engine/app/sweep.hpp"

namespace exctl::app {
namespace {

std::optional<std::vector<ParamValue>> draft_values(const sema::Rulebook& book,
                                                    const ParamDraft& draft,
                                                    const sema::Regime*& base,
                                                    DiagnosticSink& sink) {
  base = book.find(draft.base);
  if (!base) {
    sink.report({Severity::error,
                 "E0114",
                 fmt::format("unknown regime '{}'", draft.base),
                 {},
                 {"'exctl regimes list' shows the regimes"}});
    return std::nullopt;
  }
  if (book.find(draft.id)) {
    sink.error("E0609", fmt::format("'{}' is already a regime of the rules: the draft needs "
                                    "another id",
                                    draft.id));
    return std::nullopt;
  }
  if (draft.params.size() > kMaxDraftParams) {
    sink.error("E0610",
               fmt::format("{} parameters set: at most {}", draft.params.size(), kMaxDraftParams));
    return std::nullopt;
  }
  std::vector<ParamValue> values;
  std::set<std::string> seen;
  for (const auto& text : draft.params) {
    auto v = parse_param_value(*base, text, sink);
    if (!v) continue;
    if (!seen.insert(v->name).second) {
      sink.error("E0610", fmt::format("parameter '{}' is set twice", v->name));
      continue;
    }
    values.push_back(std::move(*v));
  }
  if (sink.has_errors()) return std::nullopt;
  return values;
}

std::string value_text(const Rational& v, const sema::Dim& dim) {
  std::string unit = sema::dim_name(dim);
  std::string number = v.exact_text();
  return unit.empty() ? number : number + " " + unit;
}

}  // namespace

bool add_param_draft(sema::Rulebook& book, const ParamDraft& draft, DiagnosticSink& sink) {
  DiagnosticSink own;
  const sema::Regime* base = nullptr;
  auto values = draft_values(book, draft, base, own);
  if (!values) {
    sink.merge(own);
    return false;
  }
  std::vector<std::pair<std::string, Rational>> set;
  for (const auto& v : *values)
    set.emplace_back(v.name, v.value);
  auto regime = sema::with_params(*base, set, own);
  sink.merge(own);
  if (!regime) return false;
  regime->parent = base->id;
  regime->id = draft.id;
  regime->title = "Draft: " + base->id + (set.empty() ? "" : " with parameters changed");
  regime->status = sema::Status::draft;
  regime->supersedes.clear();
  // As a rule file that extends it: a child inherits the clauses, not the addressees.
  regime->informed.clear();
  book.regimes.push_back(std::move(*regime));
  return true;
}

std::optional<sema::Rulebook> draft_book(const sema::Rulebook& book, const ParamDraft& draft,
                                         DiagnosticSink& sink) {
  // The draft is checked against the whole book (E0609: an id it already has) before the
  // base is copied; add_param_draft then sets the values on the slim book.
  const sema::Regime* base = nullptr;
  if (!draft_values(book, draft, base, sink)) return std::nullopt;
  sema::Rulebook slim{book.groups, book.sources, {*base}, book.embargo_layer};
  if (!add_param_draft(slim, draft, sink)) return std::nullopt;
  return slim;
}

std::optional<std::string> param_draft_rules(const sema::Rulebook& book, const ParamDraft& draft,
                                             DiagnosticSink& sink) {
  const sema::Regime* base = nullptr;
  auto values = draft_values(book, draft, base, sink);
  if (!values) return std::nullopt;
  std::string params, changed;
  for (const auto& v : *values) {
    const auto& own = base->params[static_cast<size_t>(base->find_param(v.name))];
    if (own.value == v.value) continue;
    params += fmt::format("  param {} = {}\n", v.name, value_text(v.value, v.dim));
    changed +=
        fmt::format("{}# {}: {} in {}\n", changed.empty() ? "" : "", v.name,
                    value_text(v.value, v.dim), base->id + " is " + value_text(own.value, own.dim));
  }
  return fmt::format(
      "# Written by `exctl serve`: {} with {} parameter{} changed.\n"
      "{}"
      "regime {} extends {} {{\n"
      "  title \"Draft: {}{}\"\n"
      "  status draft\n"
      "{}"
      "}}\n",
      base->id,
      params.empty() ? "no" : std::to_string(std::count(params.begin(), params.end(), '\n')),
      std::count(params.begin(), params.end(), '\n') == 1 ? "" : "s", changed, draft.id, base->id,
      base->id, params.empty() ? ", unchanged" : " with parameters changed",
      params.empty() ? "" : "\n" + params);
}

}  // namespace exctl::app
