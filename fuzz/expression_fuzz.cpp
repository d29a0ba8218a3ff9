// The expressions of the command line: the first byte picks `draft --metric` (a quantity),
// `chips list --where` (a condition in the command-line form) or `sweep --param`; the rest
// is the argument ("0tpp / die_area"), for --param after a shipped regime's id and a blank
// ("2us-2023-10 tpp_a=2000..6000/1000").
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/app/sweep.hpp"
#include "engine/draft/diff.hpp"
#include "engine/sema/condition.hpp"
#include "engine/sema/rulebook.hpp"
#include "engine/syntax/parser.hpp"
#include "fuzz/fuzz_input.hpp"
#include "rules/builtin_rules.hpp"

namespace {

const exctl::sema::Rulebook& shipped() {
  static const exctl::sema::Rulebook book = [] {
    exctl::DiagnosticSink sink;
    return *exctl::sema::load_rulebook(exctl::rules::builtin_rule_sources(),
                                       exctl::rules::builtin_country_groups(), sink);
  }();
  return book;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace exctl;
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 3;
  std::string text = fuzz::text_of(data + 1, size - 1);
  DiagnosticSink sink;
  if (mode == 2) {
    auto blank = text.find(' ');
    if (blank == std::string::npos) return 0;
    if (const auto* regime = shipped().find(text.substr(0, blank)))
      app::parse_axis(*regime, text.substr(blank + 1), sink);
    return 0;
  }
  auto file = std::make_shared<SourceFile>(mode == 0 ? "--metric" : "--where", text);
  auto expr = syntax::parse_expression(file, sink, {"E0606", mode == 1});
  if (!expr) return 0;
  auto kind =
      mode == 0 ? sema::FieldExpressionKind::quantity : sema::FieldExpressionKind::condition;
  if (sema::check_field_expression(*expr, file, "E0606", sink, kind) && mode == 0)
    draft::clause_text(Span{file, 0, static_cast<uint32_t>(text.size())});
  return 0;
}
