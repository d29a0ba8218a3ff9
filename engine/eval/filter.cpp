#include "engine/eval/filter.hpp"

#include <fmt/format.h>

#include "engine/eval/decide.hpp"
#include "engine/syntax/parser.hpp"

namespace exctl::eval {
namespace {

constexpr std::string_view kCode = "E0103";

}  // namespace

std::optional<ChipFilter> ChipFilter::compile(const std::vector<std::string>& conditions,
                                              const std::string& what, DiagnosticSink& sink) {
  ChipFilter filter;
  bool ok = true;
  for (const auto& text : conditions) {
    auto file = std::make_shared<SourceFile>(what, text);
    auto expr = syntax::parse_expression(file, sink, {kCode, true});
    auto checked = expr ? sema::check_field_condition(*expr, file, kCode, sink) : std::nullopt;
    if (checked)
      filter.conditions_.push_back(std::move(*checked));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return filter;
}

Truth ChipFilter::test(const Chip& chip, const ChipMetrics& metrics, DiagnosticSink& sink,
                       std::optional<FieldId>* unknown) const {
  if (conditions_.empty()) return Truth::yes;
  FieldValues values = chip_values(chip, metrics, 0);
  Truth all = Truth::yes;
  for (const auto& c : conditions_) {
    Truth t;
    try {
      t = evaluate(c.pool, c.root, values);
    } catch (const ArithmeticOverflow& e) {
      sink.report(e.diagnostic(chip.id));
      return Truth::no;
    }
    if (t == Truth::unknown && all == Truth::yes && unknown) {
      for (FieldId f : c.fields) {
        if (!values.known(f)) {
          *unknown = f;
          break;
        }
      }
    }
    all = truth_and(all, t);
  }
  return all;
}

bool ChipFilter::keep(const Chip& chip, const ChipMetrics& metrics, DiagnosticSink& sink) {
  std::optional<FieldId> unknown;
  Truth t = test(chip, metrics, sink, &unknown);
  if (t == Truth::unknown) ++left_out_[unknown ? std::string(chip_field(*unknown).name) : ""];
  return t == Truth::yes;
}

void ChipFilter::report_left_out(DiagnosticSink& sink) const {
  for (const auto& [field, count] : left_out_) {
    std::string why =
        field.empty() ? "a condition divides by zero" : fmt::format("{} is unknown", field);
    sink.warning("W0101", fmt::format("{} chip{} left out because {} for {}", count,
                                      count == 1 ? "" : "s", why, count == 1 ? "it" : "them"));
  }
}

}  // namespace exctl::eval
