// sema::analyse_thresholds: every numeric comparison as `quantity op threshold`, with the
// threshold's source (literal, parameter, expression of parameters) and its clauses.
#include "engine/sema/thresholds.hpp"

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "engine/eval/compiled.hpp"
#include "engine/eval/decide.hpp"
#include "engine/sema/check.hpp"
#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

using namespace exctl;
using sema::ClauseRef;
using sema::CmpOp;
using sema::FieldId;
using sema::Threshold;
using sema::ThresholdComparison;
using sema::ThresholdSource;

namespace {

// The shipped rules and one rule file of the test's own.
sema::Rulebook load_rules(const std::string& text) {
  std::vector<SourcePtr> files = rules::builtin_rule_sources();
  files.push_back(std::make_shared<SourceFile>("test.rules", text));
  DiagnosticSink sink;
  auto loaded = sema::load_rulebook(files, rules::builtin_country_groups(), sink);
  REQUIRE(loaded);
  INFO(render_text(sink));
  REQUIRE_FALSE(sink.has_errors());
  return std::move(*loaded);
}

// The comparison written as `text` in its regime's source.
const ThresholdComparison& written(const sema::ThresholdAnalysis& a, const std::string& text) {
  for (const auto& c : a.comparisons) {
    const Span& s = c.regime->nodes[static_cast<size_t>(c.node)].span;
    if (s.file->text().substr(s.begin, s.end - s.begin) == text) return c;
  }
  FAIL("no comparison '" << text << "'");
  throw std::logic_error("unreachable");
}

std::string quantity_text(const sema::ThresholdAnalysis& a, const ThresholdComparison& c) {
  REQUIRE(c.quantity >= 0);
  return a.quantities.at(static_cast<size_t>(c.quantity)).text();
}

std::vector<std::string> param_names(const ThresholdComparison& c, const std::vector<int>& ps) {
  std::vector<std::string> out;
  for (int p : ps)
    out.push_back(c.regime->params.at(static_cast<size_t>(p)).name);
  return out;
}

std::vector<std::string> clause_names(const ThresholdComparison& c) {
  std::vector<std::string> out;
  for (const auto& ref : c.clauses)
    out.push_back(fmt::format("{} {} {}", ref.regime->id, sema::clause_kind_name(ref.kind),
                              ref.id.empty() ? std::to_string(ref.index) : ref.id));
  return out;
}

const char* kLike2023 = R"(regime draft-2023 {
  status draft
  param tpp_a = 4800
  param tpp_floor = 1600
  param pd_a = 5.92 /mm2
  metric meets_a = tpp >= tpp_a or (tpp >= tpp_floor and performance_density >= pd_a)
  control "3A090.a" when meets_a
  control "3A090.b" when not meets_a and tpp >= 2400 and tpp < tpp_a
  exclude "Note 2" from "3A090.a", "3A090.b" when not datacenter and tpp < tpp_a
  licence for "3A090.a" to groups D5 policy presumption_of_denial
  exception NAC for "3A090.a" to D5 when not datacenter and tpp >= tpp_a
})";

}  // namespace

TEST_CASE("a threshold written as a parameter has that parameter as its source") {
  auto book = load_rules(kLike2023);
  const sema::Regime& r = *book.find("draft-2023");
  auto a = sema::analyse_thresholds(r);
  CHECK(a.complete);

  const auto& meets = written(a, "tpp >= tpp_a");
  CHECK(meets.regime == &r);
  CHECK(meets.form == ThresholdComparison::Form::threshold);
  CHECK(quantity_text(a, meets) == "tpp");
  CHECK(meets.op == CmpOp::ge);
  CHECK_FALSE(meets.flipped);
  CHECK(meets.inclusive);
  CHECK(meets.threshold.kind == Threshold::Kind::exact);
  CHECK(meets.threshold.value == Rational(4800));
  CHECK(meets.source.kind == ThresholdSource::Kind::param);
  CHECK(r.params.at(static_cast<size_t>(meets.source.param)).name == "tpp_a");
  CHECK(param_names(meets, meets.source.params) == std::vector<std::string>{"tpp_a"});
  CHECK(meets.quantity_params.empty());
  // The metric is read by both controls; `not meets_a` too.
  CHECK(clause_names(meets) ==
        std::vector<std::string>{"draft-2023 control 3A090.a", "draft-2023 control 3A090.b"});

  const auto& pd = written(a, "performance_density >= pd_a");
  CHECK(quantity_text(a, pd) == "performance_density");
  CHECK(pd.threshold.value == Rational(148, 25));
  CHECK(r.params.at(static_cast<size_t>(pd.source.param)).name == "pd_a");

  const auto& literal = written(a, "tpp >= 2400");
  CHECK(literal.source.kind == ThresholdSource::Kind::literal);
  CHECK(literal.source.params.empty());
  CHECK(literal.source.param == -1);

  // `tpp < tpp_a` is written twice: in .b and in Note 2, two comparisons on one quantity.
  std::vector<const ThresholdComparison*> below;
  for (const auto& c : a.comparisons) {
    if (c.op == CmpOp::lt) below.push_back(&c);
  }
  REQUIRE(below.size() == 2);
  CHECK_FALSE(below[0]->inclusive);
  CHECK(below[0]->quantity == meets.quantity);
  CHECK(clause_names(*below[1]) == std::vector<std::string>{"draft-2023 exclude Note 2"});
  CHECK(below[1]->source.kind == ThresholdSource::Kind::param);

  const auto& nac = a.comparisons.back();
  CHECK(clause_names(nac) == std::vector<std::string>{"draft-2023 exception NAC"});
  CHECK(nac.clauses.at(0).index == 0);

  // Two numeric quantities; datacenter read as a condition; the fields all clauses read.
  REQUIRE(a.quantities.size() == 2);
  CHECK(a.quantities[0].field() == FieldId::tpp);
  CHECK(a.quantities[0].comparisons.size() == 6);
  CHECK(a.conditions == std::vector<FieldId>{FieldId::datacenter});
  CHECK(a.fields ==
        std::set<FieldId>{FieldId::tpp, FieldId::performance_density, FieldId::datacenter});
  CHECK(a.find(r, meets.node) == &meets);
}

TEST_CASE("the shipped us-2023-10: every 4800 it compares tpp with is tpp_a") {
  auto book = load_rules("");
  const sema::Regime& r = *book.find("us-2023-10");
  auto a = sema::analyse_thresholds(r);
  size_t at_4800 = 0;
  std::set<std::string> kinds;
  for (const auto& c : a.comparisons) {
    if (c.quantity < 0 || a.quantities[static_cast<size_t>(c.quantity)].field() != FieldId::tpp)
      continue;
    if (c.threshold.value != Rational(4800)) continue;
    ++at_4800;
    REQUIRE(c.source.kind == ThresholdSource::Kind::param);
    CHECK(r.params.at(static_cast<size_t>(c.source.param)).name == "tpp_a");
    for (const auto& ref : c.clauses)
      kinds.insert(std::string(sema::clause_kind_name(ref.kind)));
  }
  CHECK(at_4800 == 6);  // meets_a; .b's and Note 2's tpp < tpp_a; three NAC/ACA
  CHECK(kinds == std::set<std::string>{"control", "exclude", "exception"});
}

TEST_CASE("a constant on the left is flipped to the right") {
  auto book = load_rules(R"(regime draft-left {
  status draft
  control "x" when 4800 <= tpp or 1.4 TB/s > memory_bandwidth or 5 == tpp
})");
  auto a = sema::analyse_thresholds(*book.find("draft-left"));
  const auto& ge = written(a, "4800 <= tpp");
  CHECK(ge.flipped);
  CHECK(ge.op == CmpOp::ge);
  CHECK(ge.inclusive);
  CHECK(ge.threshold.value == Rational(4800));
  CHECK(quantity_text(a, ge) == "tpp");
  const auto& lt = written(a, "1.4 TB/s > memory_bandwidth");
  CHECK(lt.flipped);
  CHECK(lt.op == CmpOp::lt);
  CHECK_FALSE(lt.inclusive);
  CHECK(lt.threshold.value == Rational(1400));
  CHECK(quantity_text(a, lt) == "memory_bandwidth");
  const auto& eq = written(a, "5 == tpp");
  CHECK(eq.flipped);
  CHECK(eq.op == CmpOp::eq);
  CHECK(eq.quantity == ge.quantity);
}

TEST_CASE("a derived parameter's threshold depends on the parameters it is made of") {
  auto book = load_rules(R"(regime draft-derived {
  status draft
  param a = 100
  param b = a * 2
  param k = 3
  control "x" when tpp >= b or tpp > a * 3 or tdp * k >= 600 W
})");
  const sema::Regime& r = *book.find("draft-derived");
  auto a = sema::analyse_thresholds(r);

  const auto& direct = written(a, "tpp >= b");
  CHECK(direct.source.kind == ThresholdSource::Kind::param);
  CHECK(r.params.at(static_cast<size_t>(direct.source.param)).name == "b");
  CHECK(param_names(direct, direct.source.params) == std::vector<std::string>{"a", "b"});
  CHECK(direct.threshold.value == Rational(200));

  const auto& expression = written(a, "tpp > a * 3");
  CHECK(expression.source.kind == ThresholdSource::Kind::expression);
  CHECK(expression.source.param == -1);
  CHECK(param_names(expression, expression.source.params) == std::vector<std::string>{"a"});
  CHECK(expression.threshold.value == Rational(300));

  // A parameter in the quantity moves the quantity, not the threshold.
  const auto& scaled = written(a, "tdp * k >= 600 W");
  CHECK(scaled.source.kind == ThresholdSource::Kind::literal);
  CHECK(param_names(scaled, scaled.quantity_params) == std::vector<std::string>{"k"});
  CHECK(quantity_text(a, scaled) == "tdp * 3");

  // The thresholds follow parameters set anew.
  DiagnosticSink sink;
  auto swept = sema::with_params(r, {{"a", Rational(1000)}}, sink);
  REQUIRE(swept);
  auto after = sema::analyse_thresholds(*swept);
  CHECK(written(after, "tpp >= b").threshold.value == Rational(2000));
  CHECK(written(after, "tpp > a * 3").threshold.value == Rational(3000));
}

TEST_CASE("when both sides vary the quantity is their difference, compared with 0") {
  auto book = load_rules(R"(regime draft-versus {
  status draft
  control "V" when memory_bandwidth > interconnect_bandwidth
  control "W" when (memory_bandwidth + interconnect_bandwidth) / die_area >= 2 GB/s/mm2
  control "C" when 1.4 TB/s == 1400 GB/s
})");
  auto a = sema::analyse_thresholds(*book.find("draft-versus"));
  const auto& v = written(a, "memory_bandwidth > interconnect_bandwidth");
  CHECK(v.form == ThresholdComparison::Form::difference);
  CHECK(quantity_text(a, v) == "memory_bandwidth - interconnect_bandwidth");
  CHECK(v.op == CmpOp::gt);
  CHECK(v.threshold.kind == Threshold::Kind::not_constant);
  CHECK(v.threshold.value == Rational(0));
  CHECK(v.source.kind == ThresholdSource::Kind::none);
  CHECK(a.quantities.at(static_cast<size_t>(v.quantity)).fields ==
        std::set<FieldId>{FieldId::memory_bandwidth, FieldId::interconnect_bandwidth});

  const auto& w =
      written(a, "(memory_bandwidth + interconnect_bandwidth) / die_area >= 2 GB/s/mm2");
  CHECK(quantity_text(a, w) == "(memory_bandwidth + interconnect_bandwidth) / die_area");
  CHECK(a.quantities.at(static_cast<size_t>(w.quantity)).depth() == 2);

  const auto& c = written(a, "1.4 TB/s == 1400 GB/s");
  CHECK(c.form == ThresholdComparison::Form::constant);
  CHECK(c.quantity == -1);
  CHECK(c.truth == Truth::yes);
}

TEST_CASE("a threshold that divides by zero is undefined, and the comparison unknown") {
  // A metric is not a constant to sema (no E0423), but its value is.
  auto book = load_rules(R"(regime draft-zero {
  status draft
  metric zero = 2 - 2
  control "x" when tpp >= 4800 / zero or tdp >= 700 W
})");
  const sema::Regime& r = *book.find("draft-zero");
  auto a = sema::analyse_thresholds(r);
  const auto& c = written(a, "tpp >= 4800 / zero");
  CHECK(c.form == ThresholdComparison::Form::threshold);
  CHECK(c.threshold.kind == Threshold::Kind::undefined);
  CHECK(c.source.kind == ThresholdSource::Kind::literal);
  CHECK(quantity_text(a, c) == "tpp");

  eval::CompiledRegime compiled(r, {});
  eval::Decision scratch;
  for (int64_t tdp : {100, 700}) {
    eval::FieldValues v;
    v.set(FieldId::tpp, Rational(99999));
    v.set(FieldId::tdp, Rational(tdp));
    const auto& got = compiled.decide(v, scratch);
    auto want = eval::decide(r, v, {});
    CHECK(got.verdict == want.verdict);
    CHECK(got.verdict == (tdp >= 700 ? eval::Verdict::controlled : eval::Verdict::indeterminate));
  }
}

TEST_CASE(
    "a consulted regime's comparisons belong to its paragraphs and to the consulting clause") {
  auto book = load_rules(R"(regime draft-base {
  status draft
  param t = 4800
  control "x" when tpp >= t
  control "y" when tdp >= 700 W
  exclude "N" from "x" when memory_capacity < 8 GB
}
regime draft-outer {
  status draft
  control "z" when classified "x" under draft-base or die_area >= 800 mm2
})");
  const sema::Regime& outer = *book.find("draft-outer");
  auto a = sema::analyse_thresholds(outer);
  const auto& t = written(a, "tpp >= t");
  // The regime consulted, as the reference holds it (a copy of the one in the rulebook).
  CHECK(t.regime == outer.references.at(0).target.get());
  CHECK(t.regime->id == "draft-base");
  CHECK(t.regime->params.at(static_cast<size_t>(t.source.param)).name == "t");
  CHECK(clause_names(t) ==
        std::vector<std::string>{"draft-outer control z", "draft-base control x"});
  CHECK(clause_names(written(a, "memory_capacity < 8 GB")) ==
        std::vector<std::string>{"draft-outer control z", "draft-base exclude N"});
  // Only what decide() reads: paragraph y is not consulted.
  CHECK(a.comparisons.size() == 3);
  CHECK(a.fields == std::set<FieldId>{FieldId::tpp, FieldId::memory_capacity, FieldId::die_area});
}

TEST_CASE("a constant side beyond exact arithmetic leaves the regime to decide()") {
  auto book = load_rules(R"(regime draft-huge {
  status draft
  control "x" when tpp >= 9000000000000000000 * 10
})");
  const sema::Regime& r = *book.find("draft-huge");
  auto a = sema::analyse_thresholds(r);
  CHECK_FALSE(a.complete);
  CHECK(a.comparisons.empty());
  // As decide() does, the compiled form refuses the chip (E0421) rather than failing.
  eval::CompiledRegime compiled(r, {});
  CHECK(compiled.shape().cells == 0);
  eval::FieldValues v;
  v.set(FieldId::tpp, Rational(1));
  eval::Decision scratch;
  CHECK_THROWS_AS(eval::decide(r, v, {}), eval::ArithmeticOverflow);
  CHECK_THROWS_AS(compiled.decide(v, scratch), eval::ArithmeticOverflow);
}
