// Safe by construction: properties every shipped regime must keep for any chip, checked on
// random chips drawn around each regime's own thresholds.
#include <random>

#include <catch2/catch.hpp>

#include "engine/draft/sweep.hpp"
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

namespace {

// Each parameter of a regime swept from half its value to twice it (0..1 for a zero).
draft::Axis axis_around(const sema::Param& p) {
  Rational lo = p.value / Rational(2), hi = p.value * Rational(2);
  if (p.value == Rational(0)) hi = Rational(1);
  return {p.name, p.dim, lo, hi, (hi - lo) / Rational(6)};
}

}  // namespace

// The drafting code decides through the compiled form and its own candidates; decide() on
// the regime with the parameter set (sema::with_params) is the reference at every value.
TEST_CASE("a sweep counts what decide() decides at every step", "[property]") {
  std::mt19937 rng(20261206);
  size_t steps_checked = 0, moved = 0;
  for (const auto& regime : shipped_rules().regimes) {
    auto boundaries = boundary_values(regime);
    std::vector<eval::FieldValues> chips;
    for (int i = 0; i < 60; ++i)
      chips.push_back(random_values(rng, boundaries));
    for (const auto& q : {kQueries[0], kQueries[2], kQueries[3]}) {
      for (const auto& p : regime.params) {
        auto axis = axis_around(p);
        DiagnosticSink sink;
        auto steps = draft::sweep(regime, q, chips, {axis}, sink);
        // A value may break a derived constant (a divisor of zero): reported, not decided.
        if (!steps) continue;
        draft::Variants variants(regime, {p.name}, sink);
        std::vector<draft::Caught> previous;
        for (const auto& step : *steps) {
          const auto* at = variants.at(step.values);
          REQUIRE(at);
          size_t caught = 0, unknown = 0;
          std::vector<size_t> entered, left;
          std::vector<draft::Caught> now;
          for (size_t c = 0; c < chips.size(); ++c) {
            auto outcome = draft::caught(eval::decide(*at, chips[c], q), q);
            now.push_back(outcome);
            caught += outcome == draft::Caught::yes;
            unknown += outcome == draft::Caught::unknown;
            if (previous.empty()) continue;
            bool was = previous[c] == draft::Caught::yes, is = outcome == draft::Caught::yes;
            if (is && !was) entered.push_back(c);
            if (was && !is) left.push_back(c);
          }
          INFO(regime.id << " " << p.name << " = " << step.values[0].exact_text() << " to '" << q.to
                         << "' hq '" << q.hq << "'");
          CHECK(step.caught == caught);
          CHECK(step.unknown == unknown);
          CHECK(step.entered == entered);
          CHECK(step.left == left);
          moved += entered.size() + left.size();
          previous = std::move(now);
          ++steps_checked;
        }
      }
    }
  }
  CHECK(steps_checked > 500);
  CHECK(moved > 100);  // the sweeps did move chips across thresholds
}

TEST_CASE("each chip's breakpoints are where decide() changes its outcome", "[property]") {
  std::mt19937 rng(20261207);
  size_t pieces_checked = 0, changes = 0;
  for (const auto& regime : shipped_rules().regimes) {
    auto boundaries = boundary_values(regime);
    std::vector<eval::FieldValues> chips;
    for (int i = 0; i < 40; ++i)
      chips.push_back(random_values(rng, boundaries));
    for (const auto& q : {kQueries[0], kQueries[2]}) {
      for (const auto& p : regime.params) {
        auto axis = axis_around(p);
        DiagnosticSink sink;
        auto found = draft::breakpoints(regime, q, chips, axis, sink);
        if (!found) continue;
        draft::Variants variants(regime, {p.name}, sink);
        for (const auto& bp : *found) {
          changes += bp.pieces.size() - 1;
          for (const auto& piece : bp.pieces) {
            // Inside the piece, and at each end it holds.
            std::vector<Rational> xs{(piece.lo + piece.hi) / Rational(2)};
            if (piece.lo_closed) xs.push_back(piece.lo);
            if (piece.hi_closed) xs.push_back(piece.hi);
            for (const auto& x : xs) {
              const auto* at = variants.at({x});
              REQUIRE(at);
              INFO(regime.id << " " << p.name << " = " << x.exact_text() << ", chip " << bp.chip
                             << " to '" << q.to << "'");
              CHECK(piece.outcome == draft::caught(eval::decide(*at, chips[bp.chip], q), q));
            }
            ++pieces_checked;
          }
        }
      }
    }
  }
  CHECK(pieces_checked > 1000);
  CHECK(changes > 100);
}
