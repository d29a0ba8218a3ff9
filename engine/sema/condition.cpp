// A standalone field expression is the rule language's, checked by the Builder that checks
// rule files (expressions.cpp) under an ExprScope of chip fields alone.
#include "engine/sema/condition.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/sema/builder.hpp"

namespace exctl::sema {
namespace {

// The chip-fields scope names no regime; the Builder never asks.
class NoRegimes : public detail::RegimeResolver {
 public:
  bool exists(const std::string&) const override { return false; }
  std::vector<std::string> ids() const override { return {}; }
  std::shared_ptr<const Regime> resolve(const std::string&) override { return nullptr; }
};

}  // namespace

std::optional<FieldCondition> check_field_expression(const syntax::Expr& expr,
                                                     const SourcePtr& file, std::string_view code,
                                                     DiagnosticSink& sink,
                                                     FieldExpressionKind kind) {
  FieldCondition out;
  out.pool.id = file->path();
  detail::ExprScope scope;
  scope.chip_fields_only = true;
  scope.bare_numbers_adopt_units = true;
  scope.code = std::string(code);
  CountryGroups no_groups;
  NoRegimes no_regimes;
  detail::Builder builder(out.pool, no_groups, no_regimes, std::move(scope));
  DiagnosticSink own;
  out.root = builder.expression(expr, file, own, kind == FieldExpressionKind::condition);
  sink.merge(own);
  if (own.has_errors()) return std::nullopt;
  // The nodes are in the order written, and so are the fields they read.
  for (const Node& n : out.pool.nodes) {
    if (n.kind != Node::Kind::field) continue;
    auto id = static_cast<FieldId>(n.ref);
    if (std::find(out.fields.begin(), out.fields.end(), id) == out.fields.end())
      out.fields.push_back(id);
  }
  out.dim = out.pool.nodes[static_cast<size_t>(out.root)].dim;
  return out;
}

std::optional<FieldCondition> check_field_condition(const syntax::Expr& expr, const SourcePtr& file,
                                                    std::string_view code, DiagnosticSink& sink) {
  return check_field_expression(expr, file, code, sink, FieldExpressionKind::condition);
}

}  // namespace exctl::sema
