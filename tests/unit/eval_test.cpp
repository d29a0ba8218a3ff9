// engine/eval: checked regimes x chip values x destination -> decision and trace. Exact
// thresholds, three-valued logic, exclusions, end items, licences, policies, exceptions.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "engine/base/chip.hpp"
#include "engine/eval/decide.hpp"
#include "engine/eval/filter.hpp"
#include "engine/eval/values.hpp"
#include "engine/metrics/metrics.hpp"
#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

namespace {

using namespace exctl;
using eval::Decision;
using eval::FieldValues;
using eval::Query;
using eval::Verdict;
using sema::FieldId;
using sema::Policy;
using Spec = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

// The shipped rules plus an optional draft, loaded as the CLI does (cli/context.cpp).
struct Rules {
  DiagnosticSink sink;
  std::optional<sema::Rulebook> book;

  const sema::Regime& get(const std::string& id) const {
    INFO(render_text(sink));
    REQUIRE(book);
    const sema::Regime* r = book->find(id);
    REQUIRE(r != nullptr);
    return *r;
  }
};

std::unique_ptr<Rules> load(const std::string& draft_text = "") {
  auto out = std::make_unique<Rules>();
  std::vector<SourcePtr> files = rules::builtin_rule_sources();
  SourcePtr groups = rules::builtin_country_groups();
  REQUIRE(groups != nullptr);
  if (!draft_text.empty()) files.push_back(std::make_shared<SourceFile>("draft.rules", draft_text));
  out->book = sema::load_rulebook(files, groups, out->sink);
  INFO(render_text(out->sink));
  REQUIRE(out->book);
  REQUIRE(out->sink.empty());
  return out;
}

const Rules& shipped() {
  static const std::unique_ptr<Rules> rules = load();
  return *rules;
}

// A synthetic spec, as a decision table gives one: field name -> text.
FieldValues values(const Spec& spec) {
  FieldValues v;
  for (const auto& [name, text] : spec) {
    INFO(name << " = " << text);
    REQUIRE(eval::set_field(v, name, text) == "");
  }
  return v;
}

sema::DateKey date(const std::string& text) {
  auto d = sema::parse_date(text);
  REQUIRE(d);
  return *d;
}

Decision decide(const sema::Regime& r, const Spec& spec, const std::string& to = "",
                const std::string& hq = "", const std::string& on = "2024-06-01") {
  return eval::decide(r, values(spec), Query{to, hq, date(on)});
}

// A one-paragraph draft regime: control "x" when COND.
std::unique_ptr<Rules> condition_regime(const std::string& condition) {
  return load("regime d {\n  status draft\n  control \"x\" when " + condition + "\n}\n");
}

bool contains(const Strings& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Strings exception_names(const Decision& d) {
  Strings out;
  for (const auto& x : d.licence.exceptions)
    out.push_back(x.name);
  return out;
}

const eval::ClauseTrace& clause(const Decision& d, const std::string& kind, const std::string& id) {
  auto it = std::find_if(d.trace.begin(), d.trace.end(),
                         [&](const auto& t) { return t.kind == kind && t.id == id; });
  INFO(kind << " " << id);
  REQUIRE(it != d.trace.end());
  return *it;
}

}  // namespace

// ---- exact comparisons -----------------------------------------------------------------

TEST_CASE("thresholds compare exactly, with units converted exactly") {
  struct Case {
    std::string condition;
    Spec spec;
    Verdict verdict;
  };
  auto c = GENERATE(values<Case>({
      {"tpp >= 4800", {{"tpp", "4799.9999"}}, Verdict::not_controlled},
      {"tpp >= 4800", {{"tpp", "4799.99999999999"}}, Verdict::not_controlled},
      {"tpp >= 4800", {{"tpp", "4800"}}, Verdict::controlled},
      {"tpp >= 4800", {{"tpp", "4800.0000"}}, Verdict::controlled},
      {"tpp > 4800", {{"tpp", "4800"}}, Verdict::not_controlled},
      {"tpp < 4800", {{"tpp", "4799.9999"}}, Verdict::controlled},
      {"tpp == 4800", {{"tpp", "4800.000"}}, Verdict::controlled},
      {"tpp != 4800", {{"tpp", "4800.000"}}, Verdict::not_controlled},
      {"memory_bandwidth >= 1400 GB/s", {{"memory_bandwidth", "1.4 TB/s"}}, Verdict::controlled},
      {"memory_bandwidth >= 1.4 TB/s", {{"memory_bandwidth", "1400 GB/s"}}, Verdict::controlled},
      {"memory_bandwidth >= 1.4 TB/s",
       {{"memory_bandwidth", "1399.9999 GB/s"}},
       Verdict::not_controlled},
      {"memory_bandwidth >= 1.4 TB/s", {{"memory_bandwidth", "1400000 MB/s"}}, Verdict::controlled},
      {"memory_bandwidth >= 1.4 TB/s",
       {{"memory_bandwidth", "1399999.999 MB/s"}},
       Verdict::not_controlled},
      {"tdp >= 1 kW", {{"tdp", "1000 W"}}, Verdict::controlled},
      // 0.1 + 0.2 is exactly 0.3: no floating point on the way.
      {"memory_bandwidth + interconnect_bandwidth == 0.3 GB/s",
       {{"memory_bandwidth", "0.1"}, {"interconnect_bandwidth", "0.2"}},
       Verdict::controlled},
      // TPP 1600 on 10000/37 mm2 is exactly 5.92 /mm2.
      {"tpp / die_area >= 5.92 /mm2",
       {{"tpp", "1600"}, {"die_area", "270.27"}},
       Verdict::controlled},
      {"tpp / die_area >= 5.92 /mm2",
       {{"tpp", "1600"}, {"die_area", "270.28"}},
       Verdict::not_controlled},
  }));
  INFO(c.condition);
  auto rules = condition_regime(c.condition);
  Decision d = decide(rules->get("d"), c.spec);
  CHECK(d.verdict == c.verdict);
  CHECK(d.missing.empty());
}

TEST_CASE("us-2023-10 at its thresholds (datacenter chips)") {
  struct Case {
    std::string tpp, pd;
    Verdict verdict;
    Strings paragraphs;
  };
  auto c = GENERATE(values<Case>({
      {"4799.9999", "1", Verdict::not_controlled, {}},
      {"4800", "1", Verdict::controlled, {"3A090.a"}},          // a.1
      {"1600", "5.92", Verdict::controlled, {"3A090.a"}},       // a.2, both bounds inclusive
      {"1600", "5.9199999", Verdict::controlled, {"3A090.b"}},  // b.2
      {"1599.9999", "5.92", Verdict::not_controlled, {}},       // under the floor
      {"2400", "1.6", Verdict::controlled, {"3A090.b"}},        // b.1
      {"2399.9999", "3.1999999", Verdict::not_controlled, {}},
      {"4799.9999", "5.92", Verdict::controlled, {"3A090.a"}},
      {"4799.9999", "5.9199999", Verdict::controlled, {"3A090.b"}},  // .a first: never both
  }));
  INFO("tpp " << c.tpp << ", pd " << c.pd);
  Decision d =
      decide(shipped().get("us-2023-10"),
             {{"tpp", c.tpp}, {"performance_density", c.pd + " /mm2"}, {"datacenter", "true"}});
  CHECK(d.verdict == c.verdict);
  CHECK(d.paragraphs == c.paragraphs);
}

TEST_CASE("PD exactly 5.92 from TPP 1600 and the die area is 3A090.a") {
  // PD = TPP / area = 1600 / (10000/37) = 5.92 exactly; a double would not give that.
  FieldValues v;
  Rational area(10000, 37);
  v.set(FieldId::tpp, Rational(1600));
  v.set(FieldId::die_area, area);
  v.set(FieldId::performance_density, Rational(1600) / area);
  v.set(FieldId::datacenter, true);
  Decision d = eval::decide(shipped().get("us-2023-10"), v, Query{"", "", date("2024-06-01")});
  CHECK(d.verdict == Verdict::controlled);
  CHECK(d.paragraphs == Strings{"3A090.a"});
}

// ---- three-valued logic ---------------------------------------------------------------

TEST_CASE("unknown is not false: conditions follow three-valued logic") {
  struct Case {
    std::string condition;
    Spec spec;
    Verdict verdict;
    Strings missing;
  };
  auto c = GENERATE(values<Case>({
      {"false and tpp >= 4800", {}, Verdict::not_controlled, {}},  // false and unknown = no
      {"true or tpp >= 4800", {}, Verdict::controlled, {}},        // true or unknown = yes
      {"tpp >= 4800 and false", {}, Verdict::not_controlled, {}},
      {"tpp >= 4800 or true", {}, Verdict::controlled, {}},
      {"tpp >= 4800", {}, Verdict::indeterminate, {"tpp"}},
      {"not (tpp >= 4800)", {}, Verdict::indeterminate, {"tpp"}},
      {"tpp >= 4800 or datacenter", {{"tpp", "100"}}, Verdict::indeterminate, {"datacenter"}},
      {"tpp >= 4800 and datacenter", {{"tpp", "100"}}, Verdict::not_controlled, {}},
      {"tpp >= 4800 and datacenter", {{"tpp", "5000"}}, Verdict::indeterminate, {"datacenter"}},
      {"tpp >= 4800 or datacenter", {{"tpp", "5000"}}, Verdict::controlled, {}},
      {"datacenter == true", {}, Verdict::indeterminate, {"datacenter"}},
      {"datacenter != has_hbm", {{"datacenter", "true"}}, Verdict::indeterminate, {"has_hbm"}},
      {"tpp + 100 >= 4800", {}, Verdict::indeterminate, {"tpp"}},
      {"tpp / die_area >= 5.92 /mm2", {{"tpp", "1600"}}, Verdict::indeterminate, {"die_area"}},
      {"tpp >= 4800 or memory_bandwidth >= 1 TB/s",
       {},
       Verdict::indeterminate,
       {"memory_bandwidth", "tpp"}},
      // `confirmed C` holds only when C is known to hold: a presumption that stands.
      {"confirmed datacenter", {}, Verdict::not_controlled, {}},
      {"not confirmed datacenter", {}, Verdict::controlled, {}},
      {"not confirmed datacenter", {{"datacenter", "true"}}, Verdict::not_controlled, {}},
  }));
  INFO(c.condition);
  auto rules = condition_regime(c.condition);
  Decision d = decide(rules->get("d"), c.spec);
  CHECK(d.verdict == c.verdict);
  CHECK(d.missing == c.missing);
  // The clause trace says the same.
  const auto& t = clause(d, "control", "x");
  CHECK(t.result == (c.verdict == Verdict::controlled      ? Truth::yes
                     : c.verdict == Verdict::indeterminate ? Truth::unknown
                                                           : Truth::no));
}

TEST_CASE("a chip without a die area is indeterminate under us-2023-10, naming what is missing") {
  // A datacenter chip of TPP 2400 (150 dense FP16 TFLOPS x 16 bits) whose die area is unknown:
  // .a and .b both turn on performance density.
  Chip chip;
  chip.id = "test-chip";
  chip.datacenter = true;
  ProcessingUnit unit;
  unit.peak[static_cast<size_t>(Precision::fp16)] = Rational(150);
  chip.units.push_back(unit);
  Die die;
  die.name = "main";
  chip.dies.push_back(die);  // no area_mm2
  ChipMetrics metrics = compute_metrics(chip);
  REQUIRE(metrics.tpp.value == std::optional<Rational>(2400));
  FieldValues v = eval::chip_values(chip, metrics, date("2024-06-01"));
  CHECK_FALSE(v.known(FieldId::die_area));
  CHECK_FALSE(v.known(FieldId::performance_density));

  Decision d = eval::decide(shipped().get("us-2023-10"), v, Query{"CN", "", date("2024-06-01")});
  CHECK(d.verdict == Verdict::indeterminate);
  CHECK(d.missing == Strings{"performance_density"});
  CHECK(d.paragraphs.empty());
  CHECK_FALSE(d.licence.required.has_value());  // asked, but it turns on the same unknown
  CHECK(d.licence.asked);

  // A rule written on the die area itself names die_area.
  auto rules = condition_regime("tpp / die_area >= 5.92 /mm2");
  Decision own = eval::decide(rules->get("d"), v, Query{});
  CHECK(own.verdict == Verdict::indeterminate);
  CHECK(own.missing == Strings{"die_area"});
}

TEST_CASE("a determinate answer holds for every value a missing field could take") {
  // Soundness of the three-valued evaluation over a grid: whenever a partial spec gives a
  // determinate answer, every completion of it on the grid gives the same answer.
  struct Axis {
    std::string field;
    Strings values;
  };
  const std::vector<Axis> axes = {
      {"tpp", {"1000", "1600", "2400", "4799.9999", "4800", "21000"}},
      {"performance_density", {"1 /mm2", "3.2 /mm2", "5.92 /mm2"}},
      {"datacenter", {"true", "false"}},
      {"memory_bandwidth", {"1000 GB/s", "1400 GB/s", "6500 GB/s"}},
      {"interconnect_bandwidth", {"500 GB/s", "1100 GB/s"}},
  };
  auto regime =
      GENERATE(as<std::string>{}, "us-2023-10", "us-2024-12", "us-2025-04-h20", "us-2026-01");
  auto to = GENERATE(as<std::string>{}, "CN", "SA", "DE");
  const sema::Regime& r = shipped().get(regime);
  const Query query{to, "", date("2026-02-01")};

  // Every point of the grid, with -1 on an axis meaning "missing".
  using Point = std::vector<int>;
  auto decide_at = [&](const Point& p) {
    FieldValues v;
    v.set(FieldId::is_hbm_item, false);
    for (size_t a = 0; a < axes.size(); ++a) {
      if (p[a] < 0) continue;
      std::string problem =
          eval::set_field(v, axes[a].field, axes[a].values[static_cast<size_t>(p[a])]);
      if (!problem.empty()) FAIL(problem);
    }
    return eval::decide(r, v, query);
  };
  std::vector<Point> partials = {{}};
  for (const auto& axis : axes) {
    std::vector<Point> next;
    for (const auto& p : partials) {
      for (int i = -1; i < static_cast<int>(axis.values.size()); ++i) {
        Point q = p;
        q.push_back(i);
        next.push_back(q);
      }
    }
    partials = std::move(next);
  }
  std::map<Point, Decision> full;
  for (const auto& p : partials) {
    if (std::find(p.begin(), p.end(), -1) == p.end()) full.emplace(p, decide_at(p));
  }

  for (const auto& [q, dq] : full) {
    if (dq.verdict == Verdict::indeterminate)
      FAIL("a full grid point is indeterminate");  // all known
  }

  int determinate = 0, checked = 0;
  for (const auto& p : partials) {
    Decision dp = decide_at(p);
    if (dp.verdict != Verdict::indeterminate) ++determinate;
    for (const auto& [q, dq] : full) {
      bool completes = true;
      for (size_t a = 0; a < p.size(); ++a)
        completes = completes && (p[a] < 0 || p[a] == q[a]);
      if (!completes) continue;
      ++checked;
      bool ok = true;
      // A paragraph that holds keeps holding; "not controlled" (or excluded) stays so.
      if (dp.verdict == Verdict::controlled) {
        ok = ok && dq.verdict == Verdict::controlled;
        for (const auto& para : dp.paragraphs)
          ok = ok && contains(dq.paragraphs, para);
        for (const auto& item : dp.end_items)
          ok = ok && contains(dq.end_items, item);
      }
      if (dp.verdict == Verdict::not_controlled || dp.verdict == Verdict::excluded) {
        ok = ok && dq.verdict != Verdict::controlled;
      }
      if (dp.licence.required) {
        ok = ok && dq.licence.required == dp.licence.required;
        for (const auto& x : exception_names(dp))
          ok = ok && contains(exception_names(dq), x);
      }
      if (!ok) {
        FAIL(fmt::format(
            "{} to {}: partial [{}] gives {} (licence {}), completion [{}] gives {} (licence {})",
            regime, to, fmt::join(p, ","), eval::verdict_name(dp.verdict),
            dp.licence.required ? (*dp.licence.required ? "yes" : "no") : "?", fmt::join(q, ","),
            eval::verdict_name(dq.verdict),
            dq.licence.required ? (*dq.licence.required ? "yes" : "no") : "?"));
      }
    }
  }
  CHECK(determinate > 0);  // the property was not vacuous
  CHECK(checked > 1000);
}

// Note 2 holds (not datacenter, TPP below 4800) while PD is unknown: excluded or not
// controlled turns on the missing value, so the verdict is open, never not_controlled.
TEST_CASE("a missing value never gives not_controlled when Note 2 may be what excludes") {
  const sema::Regime& r = shipped().get("us-2023-10");
  Decision known =
      decide(r, {{"tpp", "2000"}, {"performance_density", "6 /mm2"}, {"datacenter", "false"}});
  REQUIRE(known.verdict == Verdict::excluded);
  Decision partial = decide(r, {{"tpp", "2000"}, {"datacenter", "false"}});
  CHECK(partial.verdict != Verdict::not_controlled);
}

// ---- exclusions and end items -----------------------------------------------------------

TEST_CASE("Note 2 excludes non-datacenter chips below TPP 4800") {
  struct Case {
    Spec spec;
    Verdict verdict;
    Strings paragraphs, excluded_by, missing;
    std::optional<bool> licence_to_cn;
  };
  auto c = GENERATE(values<Case>({
      {{{"tpp", "4799"}, {"performance_density", "10 /mm2"}, {"datacenter", "false"}},
       Verdict::excluded,
       {},
       {"Note 2"},
       {},
       false},
      {{{"tpp", "4799"}, {"performance_density", "10 /mm2"}, {"datacenter", "true"}},
       Verdict::controlled,
       {"3A090.a"},
       {},
       {},
       true},
      {{{"tpp", "4800"}, {"performance_density", "1 /mm2"}, {"datacenter", "false"}},
       Verdict::controlled,
       {"3A090.a"},
       {},
       {},
       true},  // Note 2 is for TPP below 4800 only
      {{{"tpp", "2400"}, {"performance_density", "2 /mm2"}, {"datacenter", "false"}},
       Verdict::excluded,
       {},
       {"Note 2"},
       {},
       false},  // takes .b out too
      // Whether it is a datacenter chip decides it: indeterminate, and the licence too.
      {{{"tpp", "4799"}, {"performance_density", "10 /mm2"}},
       Verdict::indeterminate,
       {},
       {},
       {"datacenter"},
       std::nullopt},
      // Above 4800 the exclusion cannot apply, whatever `datacenter` is.
      {{{"tpp", "5000"}, {"performance_density", "10 /mm2"}},
       Verdict::controlled,
       {"3A090.a"},
       {},
       {},
       true},
  }));
  Decision d = decide(shipped().get("us-2023-10"), c.spec, "CN");
  CHECK(d.verdict == c.verdict);
  CHECK(d.paragraphs == c.paragraphs);
  CHECK(d.excluded_by == c.excluded_by);
  CHECK(d.missing == c.missing);
  CHECK(d.licence.required == c.licence_to_cn);
}

TEST_CASE("end items follow the controlled paragraphs") {
  const std::string z =
      ".z paragraphs (3A001.z, 4A003.z-4A005.z, 5A002.z, 5A004.z, 5A992.z, 5D002.z, 5D992.z)";
  const sema::Regime& r = shipped().get("us-2023-10");
  CHECK(decide(r, {{"tpp", "4800"}, {"performance_density", "1 /mm2"}, {"datacenter", "true"}})
            .end_items == Strings{"4A090.a", z});
  CHECK(decide(r, {{"tpp", "2400"}, {"performance_density", "2 /mm2"}, {"datacenter", "true"}})
            .end_items == Strings{"4A090.b", z});
  CHECK(decide(r, {{"tpp", "1000"}, {"performance_density", "1 /mm2"}, {"datacenter", "true"}})
            .end_items.empty());
  // Excluded by Note 2: no end items either.
  CHECK(decide(r, {{"tpp", "4799"}, {"performance_density", "10 /mm2"}, {"datacenter", "false"}})
            .end_items.empty());
  // Undecided: none claimed.
  CHECK(decide(r, {{"tpp", "2400"}, {"datacenter", "true"}}).end_items.empty());
}

// ---- licences ---------------------------------------------------------------------------

TEST_CASE("licence required: yes, no, or not asked") {
  const sema::Regime& r = shipped().get("us-2023-10");
  const Spec a = {{"tpp", "4800"}, {"performance_density", "1 /mm2"}, {"datacenter", "true"}};
  struct Case {
    std::string to, hq;
    std::optional<bool> required;
    Policy policy;
  };
  auto c = GENERATE(values<Case>({
      {"CN", "", true, Policy::presumption_of_denial},    // D:5
      {"MO", "", true, Policy::presumption_of_denial},    // Macau, named separately
      {"KZ", "", true, Policy::presumption_of_approval},  // D:1 only
      {"SA", "", true, Policy::presumption_of_approval},  // D:4
      {"IL", "", false, Policy::none},                    // D:4 but also A:6
      {"DE", "", false, Policy::none},                    // A:5
      {"US", "", false, Policy::none},
      {"", "CN", true, Policy::presumption_of_denial},  // headquarters rule alone
      {"DE", "CN", true,
       Policy::presumption_of_denial},  // headquartered in D:5, shipped to Germany
      {"DE", "DE", false, Policy::none},
      {"", "", std::nullopt, Policy::none},  // nothing asked
  }));
  INFO("to '" << c.to << "' hq '" << c.hq << "'");
  Decision d = decide(r, a, c.to, c.hq);
  CHECK(d.licence.asked == (!c.to.empty() || !c.hq.empty()));
  CHECK(d.licence.required == c.required);
  CHECK(d.licence.policy == c.policy);
  if (c.required == std::optional<bool>(true)) CHECK_FALSE(d.licence.reasons.empty());
}

TEST_CASE("no licence for a chip no paragraph controls") {
  Decision d = decide(shipped().get("us-2023-10"),
                      {{"tpp", "1000"}, {"performance_density", "1 /mm2"}, {"datacenter", "true"}},
                      "CN", "CN");
  CHECK(d.verdict == Verdict::not_controlled);
  CHECK(d.licence.asked);
  CHECK(d.licence.required == std::optional<bool>(false));
  CHECK(d.licence.policy == Policy::none);
  CHECK(d.licence.exceptions.empty());
}

TEST_CASE("an unknown value leaves the licence undecided, naming the field") {
  Decision d = decide(shipped().get("us-2023-10"), {{"datacenter", "true"}}, "CN");
  CHECK(d.licence.asked);
  CHECK_FALSE(d.licence.required.has_value());
  CHECK(contains(d.missing, "tpp"));
}

TEST_CASE("policy: the most restrictive within a regime, the most derived across regimes") {
  SECTION("D:5 gets denial over the approval rule that also names it; D:1 gets approval") {
    const sema::Regime& r = shipped().get("us-2023-10");
    const Spec a = {{"tpp", "4800"}, {"performance_density", "1 /mm2"}, {"datacenter", "true"}};
    CHECK(decide(r, a, "CN").licence.policy == Policy::presumption_of_denial);
    CHECK(decide(r, a, "VN").licence.policy == Policy::presumption_of_approval);
  }
  SECTION("the order of rules in a regime does not matter") {
    for (bool denial_first : {true, false}) {
      std::string deny = "  licence for \"x\" to D5 policy presumption_of_denial\n";
      std::string approve = "  licence for \"x\" to D1, D5 policy presumption_of_approval\n";
      std::string cbc = "  licence for \"x\" to CN policy case_by_case\n";
      auto rules = load("regime d {\n  status draft\n  control \"x\" when tpp >= 1\n" +
                        (denial_first ? deny + approve + cbc : cbc + approve + deny) + "}\n");
      INFO("denial first: " << denial_first);
      CHECK(decide(rules->get("d"), {{"tpp", "5"}}, "CN").licence.policy ==
            Policy::presumption_of_denial);
      CHECK(decide(rules->get("d"), {{"tpp", "5"}}, "VN").licence.policy ==
            Policy::presumption_of_approval);
    }
  }
  SECTION("a child's case-by-case outranks the inherited presumption of denial") {
    // us-2026-01 (level 2) over us-2023-10 (level 0): case-by-case below TPP 21000 and 6500 GB/s,
    // for a chip on sale in the US at publication.
    const sema::Regime& r = shipped().get("us-2026-01");
    const Spec h200 = {{"tpp", "15831.2"},
                       {"performance_density", "19.4 /mm2"},
                       {"datacenter", "true"},
                       {"memory_bandwidth", "4800 GB/s"},
                       {"interconnect_bandwidth", "900 GB/s"},
                       {"is_hbm_item", "false"},
                       {"us_available", "2024-06-30"}};
    Spec big = h200;
    big[0].second = "21000";  // not below 21000
    CHECK(decide(r, h200, "CN", "", "2026-02-01").licence.policy == Policy::case_by_case);
    CHECK(decide(r, big, "CN", "", "2026-02-01").licence.policy == Policy::presumption_of_denial);
    // A D:5 destination outside China keeps the denial; the headquarters rule's case-by-case
    // covers exports to China only ("shipped to").
    CHECK(decide(r, h200, "RU", "", "2026-02-01").licence.policy == Policy::presumption_of_denial);
    CHECK(decide(r, h200, "CN", "CN", "2026-02-01").licence.policy == Policy::case_by_case);
    CHECK(decide(r, h200, "DE", "CN", "2026-02-01").licence.policy ==
          Policy::presumption_of_denial);
    CHECK(decide(r, h200, "VN", "", "2026-02-01").licence.policy ==
          Policy::presumption_of_approval);
  }
}

// us-2026-01's case-by-case rule (DRAM below 6,500 GB/s) outranks the inherited denial; with
// the DRAM bandwidth unknown the policy is left open and the missing field is named.
TEST_CASE("a review policy that turns on a missing value is not stated silently") {
  const sema::Regime& r = shipped().get("us-2026-01");
  const Spec without_dram = {{"tpp", "15831.2"},       {"performance_density", "19.4 /mm2"},
                             {"datacenter", "true"},   {"interconnect_bandwidth", "900 GB/s"},
                             {"is_hbm_item", "false"}, {"us_available", "2024-06-30"}};
  Spec with_dram = without_dram;
  with_dram.emplace_back("memory_bandwidth", "4800 GB/s");
  REQUIRE(decide(r, with_dram, "CN", "", "2026-02-01").licence.policy == Policy::case_by_case);
  Decision d = decide(r, without_dram, "CN", "", "2026-02-01");
  REQUIRE(d.licence.required == std::optional<bool>(true));
  CHECK((d.licence.policy == Policy::none || contains(d.missing, "memory_bandwidth")));
}

TEST_CASE("a licence rule with 'since' applies from that date") {
  // us-2022-10: Macau from 18 January 2023.
  const sema::Regime& r = shipped().get("us-2022-10");
  const Spec a100 = {
      {"tpp", "4992"}, {"interconnect_bandwidth", "600 GB/s"}, {"host_link_bandwidth", "64 GB/s"}};
  Decision before = decide(r, a100, "MO", "", "2023-01-17");
  CHECK(before.verdict == Verdict::controlled);
  CHECK(before.licence.required == std::optional<bool>(false));
  Decision from = decide(r, a100, "MO", "", "2023-01-18");
  CHECK(from.licence.required == std::optional<bool>(true));
  CHECK(from.licence.policy == Policy::presumption_of_denial);
  CHECK(decide(r, a100, "CN", "", "2022-12-01").licence.required == std::optional<bool>(true));
}

TEST_CASE(
    "ACA needs a buyer headquartered outside D:5 and Macau; without --hq it is not confirmed") {
  const sema::Regime& r = shipped().get("us-2023-10");
  const Spec gaming = {{"tpp", "4800"}, {"performance_density", "1 /mm2"}, {"datacenter", "false"}};
  CHECK(exception_names(decide(r, gaming, "SA", "CN", "2024-06-01")) == Strings{"NAC"});
  CHECK(exception_names(decide(r, gaming, "SA", "MO", "2024-06-01")) == Strings{"NAC"});
  CHECK(exception_names(decide(r, gaming, "SA", "SA", "2024-06-01")) == Strings{"ACA"});
  CHECK(exception_names(decide(r, gaming, "SA", "", "2024-06-01")).empty());
}

TEST_CASE("licence exceptions: where, when, and the dates they were available") {
  const sema::Regime& r = shipped().get("us-2023-10");
  const Spec gaming = {{"tpp", "4800"}, {"performance_density", "1 /mm2"}, {"datacenter", "false"}};
  const Spec dc_b = {{"tpp", "2400"}, {"performance_density", "2 /mm2"}, {"datacenter", "true"}};
  const Spec dc_a = {{"tpp", "4800"}, {"performance_density", "1 /mm2"}, {"datacenter", "true"}};
  struct Case {
    std::string name;
    Spec spec;
    std::string to, on;
    Strings exceptions;
  };
  auto c = GENERATE_COPY(values<Case>({
      {"D:5: NAC (notified), any date", gaming, "CN", "2024-01-01", {"NAC"}},
      {"D:5: NAC after the split too", gaming, "CN", "2024-06-01", {"NAC"}},
      {"D:4 before the split: NAC", gaming, "SA", "2024-01-01", {"NAC"}},
      {"D:4 the day before the split: NAC", gaming, "SA", "2024-04-03", {"NAC"}},
      {"D:4 on the day of the split: ACA, not NAC ([since, until))",
       gaming,
       "SA",
       "2024-04-04",
       {"ACA"}},
      {"D:4 after the split: ACA", gaming, "SA", "2024-06-01", {"ACA"}},
      {".b datacenter chip to D:4 after the split: ACA", dc_b, "SA", "2024-06-01", {"ACA"}},
      {"a datacenter .a chip: no exception", dc_a, "CN", "2024-06-01", {}},
      {"no licence required: no exception", gaming, "DE", "2024-06-01", {}},
  }));
  INFO(c.name);
  // A local buyer: ACA needs one headquartered outside D:5 and Macau (below).
  Decision d = decide(r, c.spec, c.to, c.to, c.on);
  REQUIRE(d.licence.required.has_value());
  CHECK(exception_names(d) == c.exceptions);
}

TEST_CASE("an exception's cap and what it is counted per") {
  const sema::Regime& r = shipped().get("us-2025-01-diffusion");
  const Spec h100 = {{"tpp", "15831.2"},
                     {"performance_density", "19.4 /mm2"},
                     {"datacenter", "true"},
                     {"is_hbm_item", "false"}};
  Decision tier2 = decide(r, h100, "BR", "BR", "2025-02-01");  // LPP needs the headquarters
  CHECK(tier2.licence.required == std::optional<bool>(true));
  REQUIRE(exception_names(tier2) == Strings{"LPP"});
  REQUIRE(tier2.licence.exceptions[0].limit);
  CHECK(*tier2.licence.exceptions[0].limit == Rational(26'900'000));
  CHECK(tier2.licence.exceptions[0].per == "ultimate consignee per calendar year, in TPP");
  // AIA is for buyers headquartered in Tier 1: without --hq it cannot be confirmed.
  CHECK(exception_names(decide(r, h100, "DE", "", "2025-02-01")).empty());
  Decision tier1 = decide(r, h100, "DE", "DE", "2025-02-01");
  REQUIRE(exception_names(tier1) == Strings{"AIA"});
  CHECK_FALSE(tier1.licence.exceptions[0].limit);
  CHECK(exception_names(decide(r, h100, "CN", "", "2025-02-01")).empty());
}

// ---- trace, flags, in force ----------------------------------------------------------

TEST_CASE("the trace holds each comparison as written, with both sides (the margin)") {
  const sema::Regime& r = shipped().get("us-2023-10");
  Decision d =
      decide(r, {{"tpp", "4000"}, {"performance_density", "6.5 /mm2"}, {"datacenter", "true"}});
  REQUIRE(d.paragraphs == Strings{"3A090.a"});
  const auto& a = clause(d, "control", "3A090.a");
  CHECK(a.result == Truth::yes);
  CHECK(a.defined_in == "us-2023-10");
  CHECK_THAT(a.cite, Catch::StartsWith("3A090.a.1"));
  CHECK(a.missing.empty());
  std::map<std::string, const eval::Comparison*> by_text;
  for (const auto& cmp : a.comparisons)
    by_text[cmp.text] = &cmp;
  REQUIRE(by_text.count("tpp >= tpp_a"));
  REQUIRE(by_text.count("performance_density >= pd_a"));
  const auto& tpp = *by_text["tpp >= tpp_a"];
  CHECK(tpp.result == Truth::no);
  CHECK(*tpp.lhs - *tpp.rhs == Rational(-800));  // 800 short of 3A090.a.1
  CHECK(tpp.op == sema::CmpOp::ge);
  const auto& pd = *by_text["performance_density >= pd_a"];
  CHECK(pd.result == Truth::yes);
  CHECK(*pd.lhs - *pd.rhs == Rational(58, 100));  // exactly 0.58 /mm2 over
  CHECK(pd.dim == sema::Dim{0, 0, -1, 0});
  CHECK(eval::format_value(*pd.lhs - *pd.rhs, pd.dim) == "0.58 /mm2");

  // An unknown side is recorded as such, and the clause names the field.
  Decision u = decide(r, {{"tpp", "4000"}, {"datacenter", "true"}});
  const auto& ua = clause(u, "control", "3A090.a");
  CHECK(ua.result == Truth::unknown);
  CHECK(ua.missing == Strings{"performance_density"});
  bool saw_unknown = false;
  for (const auto& cmp : ua.comparisons) {
    if (cmp.text == "performance_density >= pd_a") {
      saw_unknown = true;
      CHECK_FALSE(cmp.lhs.has_value());
      CHECK(cmp.rhs == std::optional<Rational>(Rational(148, 25)));
      CHECK(cmp.result == Truth::unknown);
    }
  }
  CHECK(saw_unknown);
}

TEST_CASE("the trace has a clause per control, exclusion, applicable licence and exception") {
  const sema::Regime& r = shipped().get("us-2023-10");
  Decision d = decide(
      r, {{"tpp", "4800"}, {"performance_density", "1 /mm2"}, {"datacenter", "false"}}, "CN");
  Strings kinds;
  for (const auto& t : d.trace)
    kinds.push_back(t.kind + " " + t.id);
  CHECK(contains(kinds, "control 3A090.a"));
  CHECK(contains(kinds, "control 3A090.b"));
  CHECK(contains(kinds, "exclude Note 2"));
  CHECK(contains(kinds, "licence 3A090.a, 3A090.b"));
  CHECK(contains(kinds, "exception NAC"));
  CHECK(clause(d, "exclude", "Note 2").result == Truth::no);
  for (const auto& t : d.trace)
    CHECK(t.span.has_file());
}

// The trace quotes a comparison as written, parentheses balanced (what --explain prints).
TEST_CASE("a comparison with a parenthesised left side is traced as written") {
  auto rules = condition_regime("(tpp + 100) >= 4800");
  Decision d = decide(rules->get("d"), {{"tpp", "4700"}});
  CHECK(d.verdict == Verdict::controlled);
  const auto& t = clause(d, "control", "x");
  REQUIRE(t.comparisons.size() == 1);
  CHECK(t.comparisons[0].text == "(tpp + 100) >= 4800");
}

TEST_CASE("flags are raised only when their condition is known to hold") {
  auto rules = load(
      "regime d {\n  status draft\n  control \"x\" when tpp >= 1\n"
      "  flag \"large\" when tpp >= 10000\n  flag \"hbm\" when has_hbm\n}\n");
  const sema::Regime& r = rules->get("d");
  CHECK(decide(r, {{"tpp", "20000"}}).flags == Strings{"large"});
  CHECK(decide(r, {{"tpp", "20000"}, {"has_hbm", "true"}}).flags == Strings{"large", "hbm"});
  CHECK(decide(r, {{"tpp", "5000"}, {"has_hbm", "false"}}).flags.empty());
}

TEST_CASE("the foundry rule's 2028 gap is flagged") {
  const sema::Regime& r = shipped().get("us-2025-01-foundry");
  const std::string presumption = "3A090.a (Note 1 presumption)";
  const Spec chip = {{"transistors", "32 billion"},
                     {"has_hbm", "false"},
                     {"export_year", "2028"},
                     {"advanced_logic", "true"}};
  Decision d = decide(r, chip, "", "", "2028-03-01");
  CHECK(contains(d.paragraphs, presumption));  // 30 billion is the only limit in 2028
  CHECK(d.flags.size() == 1);
  Spec y2027 = chip;
  y2027[2].second = "2027";  // export_year
  Decision e = decide(r, y2027, "", "", "2027-03-01");
  CHECK(clause(e, "control", presumption).result == Truth::no);  // under 35 billion in 2027
  CHECK(e.flags.empty());
  // The presumption stands while the count is unknown (`not confirmed`).
  Decision u =
      decide(r, {{"has_hbm", "false"}, {"export_year", "2027"}, {"advanced_logic", "true"}});
  CHECK(clause(u, "control", presumption).result == Truth::yes);
  CHECK(u.verdict == Verdict::controlled);
}

TEST_CASE("the decision says whether the regime was in force on the date") {
  const sema::Regime& r = shipped().get("us-2023-10");
  const Spec a = {{"tpp", "4800"}};
  CHECK_FALSE(decide(r, a, "", "", "2023-11-16").in_force);
  CHECK(decide(r, a, "", "", "2023-11-17").in_force);
  CHECK_FALSE(decide(r, a, "", "", "2024-12-02").in_force);
  CHECK_FALSE(eval::decide(r, values(a), Query{}).in_force);  // no date, no claim
  CHECK(decide(r, a).regime == "us-2023-10");
}

// ---- synthetic specs ------------------------------------------------------------------

TEST_CASE("set_field reads a decision table's values, in the field's unit") {
  FieldValues v;
  CHECK(eval::set_field(v, "memory_bandwidth", "1.4 TB/s") == "");
  CHECK(v.num(FieldId::memory_bandwidth) == std::optional<Rational>(1400));
  CHECK(eval::set_field(v, "pd", "5.92 /mm2") == "");  // an alias
  CHECK(v.num(FieldId::performance_density) == std::optional<Rational>(Rational(148, 25)));
  CHECK(eval::set_field(v, "transistors", "30 billion") == "");
  CHECK(v.num(FieldId::transistors) == std::optional<Rational>(Rational(30'000'000'000)));
  CHECK(eval::set_field(v, "tpp", "4799.9999") == "");
  CHECK(v.num(FieldId::tpp) == std::optional<Rational>(Rational(47999999, 10000)));
  CHECK(eval::set_field(v, "datacenter", "false") == "");
  CHECK(v.boolean(FieldId::datacenter) == std::optional<bool>(false));
  CHECK(eval::set_field(v, "tpp", " 4799.9999999999999 ") == "");  // trimmed; 17 digits, exact
  CHECK(v.num(FieldId::tpp) ==
        std::optional<Rational>(Rational(47999999999999999, 10000000000000)));
  CHECK(eval::set_field(v, "memory_capacity", "0") == "");  // zero is not negative
  CHECK(eval::set_field(v, "memory_bandwidth", " 1.4   TB/s ") == "");
  CHECK(v.num(FieldId::memory_bandwidth) == std::optional<Rational>(1400));
  CHECK(v.known(FieldId::datacenter));
  CHECK_FALSE(v.known(FieldId::has_hbm));

  struct Bad {
    std::string field, text, message;
  };
  auto bad = GENERATE(values<Bad>({
      {"tdpp", "700", "unknown field 'tdpp'"},
      {"memory_bandwidth", "1400 mm2", "field 'memory_bandwidth' is in GB/s, not mm2"},
      {"memory_bandwidth", "1400 furlongs", "unknown unit 'furlongs'"},
      {"tpp", "lots", "'lots' is not a number"},
      {"datacenter", "yes", "field 'datacenter' takes true or false, not 'yes'"},
      {"tpp", "-4800", "field 'tpp' cannot be negative, found -4800"},
      {"memory_bandwidth", "-1 TB/s", "field 'memory_bandwidth' cannot be negative, found -1 TB/s"},
      {"tpp", "4799.99999999999999999", "4799.99999999999999999 cannot be held exactly"},
      {"tpp", "1e400", "1e400 cannot be held exactly"},
      {"tpp", "  ", "field 'tpp': no value given"},
      {"tpp", "1e", "'1e' is not a number"},
  }));
  FieldValues w;
  CHECK_THAT(eval::set_field(w, bad.field, bad.text), Catch::Contains(bad.message));
}

// ---- chips list --where -------------------------------------------------------------------

namespace {

// 300 TFLOPS FP16 (TPP 4800) on a 1000 mm2 die (PD 4.8), 3.35 TB/s of 96 GB HBM3.
Chip where_chip() {
  Chip c;
  c.id = "synthetic";
  c.year = 2024;
  c.compute.present = true;
  ProcessingUnit u;
  u.peak[static_cast<size_t>(Precision::fp16)] = Rational(300);
  c.units.push_back(u);
  c.dies.push_back({"die", DieRole::compute, 1, Rational(1000), "N5", false, {}, {}});
  c.memory_type = "HBM3";
  c.memory_gb = Rational(96);
  c.memory_bandwidth_gbps = Rational(3350);
  c.transistors_billion = Rational(80);
  return c;
}

Truth where(const std::string& condition, const Chip& chip, DiagnosticSink& sink) {
  auto filter = eval::ChipFilter::compile({condition}, "--where", sink);
  if (!filter) return Truth::no;
  return filter->test(chip, compute_metrics(chip, {}), sink);
}

}  // namespace

TEST_CASE(
    "chips list --where takes the rule language's expressions, with units and exact numbers") {
  Chip c = where_chip();
  DiagnosticSink sink;
  CHECK(where("tpp >= 4800 and pd < 5.92", c, sink) == Truth::yes);
  CHECK(where("tpp > 4800", c, sink) == Truth::no);
  CHECK(where("tpp >= 4800.0001", c, sink) == Truth::no);
  // A number without a unit is in the field's unit; one with a unit is converted exactly.
  CHECK(where("memory_bandwidth >= 3350", c, sink) == Truth::yes);
  CHECK(where("memory_bandwidth >= 3.35 TB/s", c, sink) == Truth::yes);
  CHECK(where("memory_bandwidth >= 3.36 TB/s", c, sink) == Truth::no);
  CHECK(where("memory_bandwidth / die_area >= 3.35", c, sink) == Truth::yes);
  // Every name of either former catalogue, and the command line's ',' and '='.
  CHECK(where("memory_gb=96, year == 2024, release_year=2024", c, sink) == Truth::yes);
  CHECK(where("transistors_billion >= 80 and transistors >= 80 billion", c, sink) == Truth::yes);
  CHECK(where("tpp >= 4800 or tpp < 1, memory_capacity > 100", c, sink) == Truth::no);
  CHECK(where("has_hbm and not is_hbm_item", c, sink) == Truth::yes);
  CHECK(sink.empty());
}

TEST_CASE("chips list --where is three-valued: an unknown field is not false") {
  Chip c = where_chip();
  DiagnosticSink sink;
  CHECK(where("tdp < 700", c, sink) == Truth::unknown);
  CHECK(where("tdp < 700 or tpp >= 4800", c, sink) == Truth::yes);
  CHECK(where("tdp < 700 and tpp > 4800", c, sink) == Truth::no);
  CHECK(where("not datacenter", c, sink) == Truth::unknown);
  CHECK(where("confirmed datacenter", c, sink) == Truth::no);

  // keep() counts a chip left out under the first unknown field the condition reads.
  auto filter =
      eval::ChipFilter::compile({"tpp >= 1", "interconnect < 900 and tdp < 700"}, "--where", sink);
  REQUIRE(filter);
  CHECK_FALSE(filter->keep(c, compute_metrics(c, {}), sink));
  filter->report_left_out(sink);
  REQUIRE(sink.sorted().size() == 1);
  CHECK(sink.sorted()[0].code == "W0101");
  CHECK(sink.sorted()[0].message ==
        "1 chip left out because interconnect_bandwidth is unknown for it");
}

TEST_CASE("a malformed --where is E0103 with a caret into it") {
  auto error = [](const std::string& condition) {
    DiagnosticSink sink;
    CHECK_FALSE(eval::ChipFilter::compile({condition}, "--where", sink));
    REQUIRE(sink.error_count() >= 1);
    auto d = sink.sorted().front();
    CHECK(d.code == "E0103");
    CHECK(d.span.file->path() == "--where");
    return std::pair{d.message, d.span.begin};
  };
  CHECK(
      error("tpp >= 5 GB/s") ==
      std::pair{std::string("unit mismatch: '>=' joins a dimensionless value and a value in GB/s"),
                uint32_t{7}});
  CHECK(error("tpp=>4800") ==
        std::pair{std::string("'=>' is not a comparison; did you mean '>='?"), uint32_t{3}});
  CHECK(error("tp >= 1").first == "unknown field 'tp'");
  CHECK(error("memory_bandwidth").first ==
        "--where needs a condition, but this is a number (GB/s)");
  CHECK(error("tpp >= ").first == "syntax error: expected a value, found end of input");
  CHECK(error("export_year >= 2025").first ==
        "'export_year' is not a fact of the chip: --where filters on chip fields");
  CHECK(error("tpp / 0 > 1").first == "division by zero");
  CHECK(error("tpp and pd").first == "'and' needs a condition, but this is a number");
}
