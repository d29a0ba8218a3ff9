// Safe by construction: properties every shipped regime must keep for any chip, checked on
// random chips drawn around each regime's own thresholds.
#include <random>

#include <catch2/catch.hpp>

#include "engine/eval/decide.hpp"
#include "engine/sema/rulebook.hpp"
#include "engine/syntax/format.hpp"
#include "random_values.hpp"
#include "rulebooks.hpp"
#include "rules/builtin_rules.hpp"

using namespace exctl;
using exctl::testing::boundary_values;
using exctl::testing::random_values;
using exctl::testing::shipped_rules;

namespace {

const std::vector<eval::Query> kQueries = {
    {"", "", 20260601},   {"CN", "", 20231201}, {"CN", "", 20260601}, {"SA", "CN", 20250301},
    {"IN", "", 20250301}, {"US", "", 20250301}, {"MO", "", 20240601}, {"", "CN", 20260101},
};

}  // namespace

// A missing value makes a verdict indeterminate, never "not controlled": forgetting one
// known value never releases a chip or drops a licence requirement. It may make a chip
// stricter: the foundry rule presumes a chip without a transistor count to be covered.
TEST_CASE("forgetting a value never releases a chip", "[property]") {
  std::mt19937 rng(20261203);
  size_t decided = 0, became_unknown = 0;
  for (const auto& regime : shipped_rules().regimes) {
    auto boundaries = boundary_values(regime);
    for (const auto& q : kQueries) {
      for (int i = 0; i < 150; ++i) {
        auto values = random_values(rng, boundaries);
        auto before = eval::decide(regime, values, q);
        for (const auto& field : sema::field_catalogue()) {
          if (!values.known(field.id)) continue;
          eval::FieldValues fewer = values;
          fewer.known_mask &= ~eval::FieldValues::bit(field.id);
          fewer.true_mask &= ~eval::FieldValues::bit(field.id);
          auto after = eval::decide(regime, fewer, q);
          INFO(regime.id << " to '" << q.to << "' hq '" << q.hq << "' on " << q.date << " without "
                         << field.name);
          // Released after, released before: what forgetting a value can never create.
          if (after.verdict == eval::Verdict::not_controlled)
            CHECK(before.verdict == eval::Verdict::not_controlled);
          if (after.licence.required == false) CHECK(before.licence.required == false);
          if (before.verdict == eval::Verdict::controlled)
            CHECK((after.verdict == eval::Verdict::controlled ||
                   after.verdict == eval::Verdict::indeterminate));
          decided += before.verdict != eval::Verdict::indeterminate;
          became_unknown += after.verdict != before.verdict;
        }
      }
    }
  }
  // Both kinds must be common, or the property was hardly tried.
  CHECK(decided > 1000);
  CHECK(became_unknown > 100);
}

// Raising TPP (and with it, at the same die area, performance density) never releases a
// chip: every shipped regime's compute thresholds are lower bounds.
TEST_CASE("more compute never releases a chip", "[property]") {
  std::mt19937 rng(20261204);
  size_t caught = 0;
  for (const auto& regime : shipped_rules().regimes) {
    auto boundaries = boundary_values(regime);
    for (const auto& q : kQueries) {
      for (int i = 0; i < 150; ++i) {
        auto values = random_values(rng, boundaries);
        auto tpp = values.num(sema::FieldId::tpp);
        auto pd = values.num(sema::FieldId::performance_density);
        if (!tpp || !pd || *tpp <= Rational(0)) continue;
        auto before = eval::decide(regime, values, q);
        if (before.verdict != eval::Verdict::controlled) continue;
        ++caught;
        for (const Rational& k : {Rational(1001, 1000), Rational(3, 2), Rational(10)}) {
          eval::FieldValues more = values;
          more.set(sema::FieldId::tpp, *tpp * k);
          more.set(sema::FieldId::performance_density, *pd * k);
          auto after = eval::decide(regime, more, q);
          INFO(regime.id << " to '" << q.to << "' hq '" << q.hq << "' on " << q.date << " x"
                         << k.format(3));
          CHECK(after.verdict == eval::Verdict::controlled);
          if (before.licence.required == true) CHECK(after.licence.required == true);
        }
      }
    }
  }
  CHECK(caught > 500);
}

// `exctl fmt` changes layout, never meaning: the shipped rules formatted and loaded again
// decide every random chip exactly as the rules as written do.
TEST_CASE("formatted rules decide as the rules as written", "[property]") {
  std::vector<SourcePtr> formatted;
  for (const auto& file : rules::builtin_rule_sources()) {
    std::string text = syntax::format(file->text());
    CHECK(syntax::format(text) == text);
    formatted.push_back(std::make_shared<SourceFile>(file->path(), text));
  }
  DiagnosticSink sink;
  auto again = sema::load_rulebook(formatted, rules::builtin_country_groups(), sink);
  REQUIRE(again);
  REQUIRE_FALSE(sink.has_errors());
  const auto& book = shipped_rules();
  REQUIRE(again->regimes.size() == book.regimes.size());
  std::mt19937 rng(20261205);
  for (size_t r = 0; r < book.regimes.size(); ++r) {
    const auto& regime = book.regimes[r];
    const auto* other = again->find(regime.id);
    REQUIRE(other);
    auto boundaries = boundary_values(regime);
    for (const auto& q : kQueries) {
      for (int i = 0; i < 100; ++i) {
        auto values = random_values(rng, boundaries);
        auto a = eval::decide(regime, values, q), b = eval::decide(*other, values, q);
        INFO(regime.id << " to '" << q.to << "' hq '" << q.hq << "' on " << q.date);
        CHECK(a.verdict == b.verdict);
        CHECK(a.paragraphs == b.paragraphs);
        CHECK(a.licence.required == b.licence.required);
        CHECK(a.licence.policy == b.licence.policy);
        CHECK(a.excluded_by == b.excluded_by);
      }
    }
  }
}
