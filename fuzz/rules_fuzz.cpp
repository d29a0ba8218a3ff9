// The rule language: parse, check (beside the shipped regimes when `extends` or `under` may
// name one), decide each regime checked, and the `fmt` round trip: the formatted text of a
// file that parses parses too, and formatting it again changes nothing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/eval/decide.hpp"
#include "engine/eval/values.hpp"
#include "engine/sema/check.hpp"
#include "engine/sema/countries.hpp"
#include "engine/syntax/format.hpp"
#include "engine/syntax/parser.hpp"
#include "fuzz/fuzz_input.hpp"
#include "rules/builtin_rules.hpp"

namespace {

struct Shipped {
  exctl::sema::CountryGroups groups;
  std::vector<exctl::sema::ParsedFile> files;
};

const Shipped& shipped() {
  static const Shipped s = [] {
    exctl::DiagnosticSink sink;
    Shipped out{*exctl::sema::CountryGroups::load(exctl::rules::builtin_country_groups(), sink),
                {}};
    for (const auto& file : exctl::rules::builtin_rule_sources())
      if (auto ast = exctl::syntax::parse(file, sink)) out.files.push_back({file, std::move(*ast)});
    return out;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace exctl;
  std::string text = fuzz::text_of(data, size);
  auto file = std::make_shared<SourceFile>("fuzz.rules", text);
  DiagnosticSink sink;
  auto ast = syntax::parse(file, sink);
  if (!ast) return 0;

  std::string formatted = syntax::format(text);
  DiagnosticSink reparse_sink;
  fuzz::require(syntax::parse(std::make_shared<SourceFile>("fmt.rules", formatted), reparse_sink)
                    .has_value());
  fuzz::require(syntax::format(formatted) == formatted);

  // The shipped regimes only when the input may name one: checking them all costs most of
  // a run.
  std::vector<sema::ParsedFile> files;
  if (text.find("extends") != std::string::npos || text.find("under") != std::string::npos)
    files = shipped().files;
  files.push_back({file, std::move(*ast)});
  auto regimes = sema::check(files, shipped().groups, sink);
  eval::FieldValues none;
  eval::FieldValues some;
  for (const char* assignment :
       {"tpp=4800", "performance_density=5.92 /mm2", "memory_bandwidth=0 GB/s",
        "interconnect_bandwidth=600 GB/s", "datacenter=true"}) {
    std::string a = assignment;
    eval::set_field(some, a.substr(0, a.find('=')), a.substr(a.find('=') + 1));
  }
  for (const auto& regime : regimes) {
    if (regime.span.file != file) continue;
    eval::decide(regime, none, {"CN", "CN", 20250101});
    eval::decide(regime, some, {"CN", "", 20250101});
  }
  return 0;
}
