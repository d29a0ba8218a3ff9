// Rulebooks for unit tests: the shipped rules, or one rule file of the test's own.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

namespace exctl::testing {

// The shipped rules when `text` is empty, otherwise `text` alone as test.rules.
inline sema::Rulebook load_rules(const std::string& text = "") {
  std::vector<SourcePtr> files;
  if (text.empty())
    files = rules::builtin_rule_sources();
  else
    files.push_back(std::make_shared<SourceFile>("test.rules", text));
  DiagnosticSink sink;
  auto loaded = sema::load_rulebook(files, rules::builtin_country_groups(), sink);
  REQUIRE(loaded);
  REQUIRE_FALSE(sink.has_errors());
  return std::move(*loaded);
}

inline const sema::Rulebook& shipped_rules() {
  static const sema::Rulebook book = load_rules();
  return book;
}

}  // namespace exctl::testing
