// The compiled form must decide exactly as decide() does: every shipped regime, several
// destinations and dates, and chips drawn around each regime's own thresholds (on them,
// just either side, unknown).
#include "engine/eval/compiled.hpp"

#include <random>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "engine/sema/rulebook.hpp"
#include "random_values.hpp"
#include "rulebooks.hpp"
#include "rules/builtin_rules.hpp"

using namespace exctl;
using exctl::testing::boundary_values;
using exctl::testing::load_rules;
using exctl::testing::random_values;
using exctl::testing::shipped_rules;
using sema::FieldId;

namespace {

std::string summary(const eval::Decision& d) {
  const auto& l = d.licence;
  std::vector<std::string> exceptions;
  for (const auto& x : l.exceptions)
    exceptions.push_back(x.name);
  return fmt::format(
      "{} [{}] excluded_by [{}] end_items [{}] licence {} truth {} policy {} reasons [{}] "
      "exceptions [{}] missing [{}] flags [{}] in_force {}",
      eval::verdict_name(d.verdict), fmt::join(d.paragraphs, ","), fmt::join(d.excluded_by, ","),
      fmt::join(d.end_items, ","), l.required ? (*l.required ? "yes" : "no") : "null",
      static_cast<int>(l.truth), sema::policy_name(l.policy), fmt::join(l.reasons, "; "),
      fmt::join(exceptions, ","), fmt::join(d.missing, ","), fmt::join(d.flags, ","), d.in_force);
}

}  // namespace

TEST_CASE("compiled regimes decide as decide() does", "[compiled]") {
  const auto& book = shipped_rules();
  const std::vector<eval::Query> queries = {
      {"", "", 20260601},   {"CN", "", 20231201},   {"CN", "", 20260601},
      {"MO", "", 20250301}, {"DE", "CN", 20240601}, {"SA", "", 20240115},
      {"AE", "", 20250301}, {"US", "", 20250301},   {"", "CN", 20260101},
  };
  std::mt19937 rng(20261122);
  size_t fast = 0, total = 0;
  for (const auto& regime : book.regimes) {
    auto boundaries = boundary_values(regime);
    for (const auto& q : queries) {
      eval::CompiledRegime compiled(regime, q);
      eval::Decision scratch;
      for (int i = 0; i < 400; ++i) {
        auto values = random_values(rng, boundaries);
        const auto& got = compiled.decide(values, scratch);
        auto want = eval::decide(regime, values, q);
        INFO(regime.id << " to " << q.to << " hq " << q.hq << " on " << q.date);
        REQUIRE(summary(got) == summary(want));
        fast += &got != &scratch;
        ++total;
      }
    }
  }
  // The table, not the fallback, must carry most chips, or the test proves little.
  CHECK(fast * 2 > total);
}

TEST_CASE("the grid of us-2023-10 is cut at its thresholds", "[compiled]") {
  const auto* regime = shipped_rules().find("us-2023-10");
  REQUIRE(regime);
  eval::CompiledRegime compiled(*regime, {"CN", "", 20240101});
  auto shape = compiled.shape();
  // tpp at 1600, 2400, 4800; performance density at 1.6, 3.2, 5.92; datacenter.
  CHECK(shape.quantities == 3);
  CHECK(shape.thresholds == 6);
  // Three fields known or not, times 4 x 4 x 2 coordinates.
  CHECK(shape.cells == 8 * 4 * 4 * 2);
  CHECK(shape.filled == 0);

  eval::FieldValues v;
  v.set(FieldId::tpp, Rational(47999999, 10000));  // 4799.9999: below 4800, exactly
  v.set(FieldId::performance_density, Rational(2));
  v.set(FieldId::datacenter, true);
  eval::Decision scratch;
  const auto& below = compiled.decide(v, scratch);
  CHECK(below.verdict == eval::Verdict::controlled);
  CHECK(below.paragraphs == std::vector<std::string>{"3A090.b"});
  v.set(FieldId::tpp, Rational(4800));
  const auto& at = compiled.decide(v, scratch);
  CHECK(at.paragraphs == std::vector<std::string>{"3A090.a"});
  CHECK(compiled.shape().filled == 2);
}

TEST_CASE("an unknown value is a cell of its own and stays indeterminate", "[compiled]") {
  const auto* regime = shipped_rules().find("us-2023-10");
  REQUIRE(regime);
  eval::CompiledRegime compiled(*regime, {"CN", "", 20240101});
  eval::FieldValues v;
  v.set(FieldId::tpp, Rational(2000));
  v.set(FieldId::datacenter, true);
  eval::Decision scratch;
  const auto& d = compiled.decide(v, scratch);
  CHECK(&d != &scratch);
  CHECK(d.verdict == eval::Verdict::indeterminate);
  CHECK(d.missing == std::vector<std::string>{"performance_density"});
  CHECK(d.trace.empty());
}

TEST_CASE("expressions of fields are quantities too, and dividing by zero leaves them unknown",
          "[compiled]") {
  auto book = load_rules(R"(regime draft-ratio {
  title "ratio"
  status draft
  param tpp_cap = 100
  control "R" when memory_bandwidth / die_area >= 2 GB/s/mm2 and tpp + 0 > tpp_cap
})");
  const auto& regime = book.regimes.at(0);
  eval::CompiledRegime compiled(regime, {});
  CHECK(compiled.shape().quantities == 2);  // the ratio, and tpp + 0
  eval::Decision scratch;
  auto check = [&](int64_t bandwidth, int64_t area, int64_t tpp, eval::Verdict want) {
    eval::FieldValues v;
    v.set(FieldId::memory_bandwidth, Rational(bandwidth));
    v.set(FieldId::die_area, Rational(area));
    v.set(FieldId::tpp, Rational(tpp));
    const auto& got = compiled.decide(v, scratch);
    INFO(bandwidth << " / " << area << ", tpp " << tpp);
    CHECK(got.verdict == want);
    CHECK(summary(got) == summary(eval::decide(regime, v, {})));
  };
  check(200, 100, 101, eval::Verdict::controlled);
  check(199, 100, 101, eval::Verdict::not_controlled);
  check(200, 100, 100, eval::Verdict::not_controlled);  // > is strict
  check(200, 0, 101, eval::Verdict::indeterminate);     // no area: the ratio is unknown
  check(200, 0, 100, eval::Verdict::not_controlled);    // ... but the other prong fails
}

TEST_CASE("an expression too deep for the flat program is left to decide()", "[compiled]") {
  std::string sum = "tpp";
  for (int i = 0; i < 20; ++i)
    sum = "tpp + (" + sum + ")";  // postfix depth 21
  auto book =
      load_rules("regime draft-deep {\n  title \"deep\"\n  status draft\n  control \"D\" when " +
                 sum + " >= 2100\n}\n");
  const auto& regime = book.regimes.at(0);
  eval::CompiledRegime compiled(regime, {});
  CHECK(compiled.shape().cells == 0);
  eval::Decision scratch;
  for (int64_t tpp : {99, 100, 101}) {
    eval::FieldValues v;
    v.set(FieldId::tpp, Rational(tpp));
    const auto& got = compiled.decide(v, scratch);
    CHECK(got.verdict == (tpp >= 100 ? eval::Verdict::controlled : eval::Verdict::not_controlled));
    CHECK(summary(got) == summary(eval::decide(regime, v, {})));
  }
}

TEST_CASE("values past exact arithmetic's range give no verdict, compiled or not", "[compiled]") {
  auto book = load_rules(R"(regime draft-sum {
  title "sum"
  status draft
  control "S" when memory_bandwidth + interconnect_bandwidth >= 1700 GB/s
}
regime draft-versus {
  title "versus"
  status draft
  control "V" when memory_bandwidth > interconnect_bandwidth
})");
  const int64_t huge = 9'000'000'000'000'000'000;
  eval::Decision scratch;

  SECTION("a sum beyond 64 bits: decide() and the compiled form both refuse, at the sum") {
    const auto& regime = *book.find("draft-sum");
    eval::FieldValues v;
    v.set(FieldId::memory_bandwidth, Rational(huge));
    v.set(FieldId::interconnect_bandwidth, Rational(huge));
    try {
      eval::decide(regime, v, {});
      FAIL("decide() gave a verdict");
    } catch (const eval::ArithmeticOverflow& e) {
      Diagnostic d = e.diagnostic("unit-error");
      CHECK(d.code == "E0421");
      CHECK(d.message ==
            "the values of 'unit-error' take 'memory_bandwidth + interconnect_bandwidth' out of "
            "exact arithmetic's range");
      REQUIRE(d.span.has_file());
      CHECK(d.span.file->path() == "test.rules");
    }
    eval::CompiledRegime compiled(regime, {});
    CHECK_THROWS_AS(compiled.decide(v, scratch), eval::ArithmeticOverflow);
    CHECK_THROWS_AS(compiled.decide_all(eval::ValueColumns::of(v), [](size_t, const auto&) {}),
                    eval::ArithmeticOverflow);
  }

  SECTION("a comparison decide() makes exactly, where the compiled difference would overflow") {
    // The compiled form compares lhs - rhs with 0; with these denominators the difference
    // needs 127 bits, so the chip goes to decide(), which cross-multiplies in 128.
    const auto& regime = *book.find("draft-versus");
    eval::CompiledRegime compiled(regime, {});
    for (auto [a, b] : {std::pair{huge, huge - 1}, std::pair{huge - 1, huge}}) {
      eval::FieldValues v;
      v.set(FieldId::memory_bandwidth, Rational(1, a));
      v.set(FieldId::interconnect_bandwidth, Rational(1, b));
      const auto& got = compiled.decide(v, scratch);
      CHECK(got.verdict == (a < b ? eval::Verdict::controlled : eval::Verdict::not_controlled));
      CHECK(summary(got) == summary(eval::decide(regime, v, {})));
    }
  }
}
