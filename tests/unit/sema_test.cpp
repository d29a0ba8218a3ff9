// engine/sema: parsed rule files to checked regimes. Every E04xx diagnostic with its span,
// exact units, and the IR that `extends` (with overrides and drops) produces.
#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/base/diagnostic.hpp"
#include "engine/base/source.hpp"
#include "engine/eval/decide.hpp"
#include "engine/metrics/units.hpp"
#include "engine/sema/check.hpp"
#include "engine/sema/condition.hpp"
#include "engine/sema/ir.hpp"
#include "engine/sema/rulebook.hpp"
#include "engine/syntax/parser.hpp"
#include "rules/builtin_rules.hpp"
#include "tests/unit/marked.hpp"

namespace {

using namespace exctl;
using sema::Dim;

const Dim kBandwidth{1, -1, 0, 0}, kData{1, 0, 0, 0}, kArea{0, 0, 1, 0}, kPerArea{0, 0, -1, 0},
    kBwDensity{1, -1, -1, 0}, kPower{0, 0, 0, 1}, kNone{};

// The rules as the CLI loads them (cli/context.cpp load_rules): the embedded shipped files
// and country groups, then the user's file, through sema::load_rulebook.
struct Loaded {
  DiagnosticSink sink;
  SourcePtr draft;
  std::optional<sema::Rulebook> book;

  const sema::Regime* find(const std::string& id) const { return book ? book->find(id) : nullptr; }
  const sema::Regime& get(const std::string& id) const {
    INFO(render_text(sink));
    const sema::Regime* r = find(id);
    REQUIRE(r != nullptr);
    return *r;
  }
};

Loaded load(const std::string& text, bool with_shipped = true) {
  Loaded out;
  std::vector<SourcePtr> files;
  if (with_shipped) files = rules::builtin_rule_sources();
  SourcePtr groups = rules::builtin_country_groups();
  REQUIRE(groups != nullptr);
  out.draft = std::make_shared<SourceFile>("draft.rules", text);
  files.push_back(out.draft);
  out.book = sema::load_rulebook(files, groups, out.sink);
  REQUIRE(out.book);
  return out;
}

using testing::Marked;
using testing::marked;

std::string under(const Diagnostic& d) {
  return d.span.file->text().substr(d.span.begin, d.span.end - d.span.begin);
}

// A draft regime with a status, so that only the body's problem is reported.
std::string draft(const std::string& body) {
  return "regime d {\n  status draft\n" + body + "}\n";
}

std::vector<std::string> paragraphs(const sema::Regime& r) {
  std::vector<std::string> out;
  for (const auto& c : r.controls)
    out.push_back(c.paragraph);
  return out;
}

const sema::Param& param(const sema::Regime& r, const std::string& name) {
  int i = r.find_param(name);
  INFO(name);
  REQUIRE(i >= 0);
  return r.params[static_cast<size_t>(i)];
}

}  // namespace

TEST_CASE("the shipped rules load without a diagnostic") {
  Loaded l = load("", true);
  INFO(render_text(l.sink));
  CHECK(l.sink.empty());
  for (const char* id :
       {"us-2022-10", "us-2023-10", "us-2024-12", "us-2025-01-diffusion", "us-2025-01-foundry",
        "us-2025-04-h20", "us-2026-01", "gain-ai-act", "safe-chips-act"}) {
    INFO(id);
    CHECK(l.find(id) != nullptr);
  }
}

// ---- diagnostics, each with its code and span -------------------------------------------

TEST_CASE("each meaning error has its stable code and points at the right text") {
  struct Case {
    std::string name;
    std::string text;  // «» marks the span the diagnostic must cover
    std::string code;
    std::string message;  // a part of the message
  };
  auto c = GENERATE(values<Case>({
      // E0401, E0403: regimes
      {"extends an unknown regime", "regime d extends «us-2099-01» {\n  status draft\n}\n", "E0401",
       "regime 'd' extends unknown regime 'us-2099-01'"},
      {"a shipped regime id defined again", "regime «us-2023-10» {\n  status draft\n}\n", "E0403",
       "regime 'us-2023-10' is defined twice"},
      // E0404: names
      {"unknown field", draft("  control \"x\" when «tdpp» >= 700 W\n"), "E0404",
       "unknown name 'tdpp': not a parameter, metric or chip field"},
      {"unknown metric", draft("  metric meets_a = tpp >= 4800\n  control \"x\" when «meets_b»\n"),
       "E0404", "unknown name 'meets_b'"},
      {"unknown parameter in a parameter", draft("  param a = «tpp_x» * 2\n"), "E0404",
       "unknown name 'tpp_x'"},
      // E0405: units, blamed on the literal
      {"literal in the wrong unit", draft("  control \"x\" when memory_bandwidth >= «1400 mm2»\n"),
       "E0405", "unit mismatch: '>=' joins a value in GB/s and a value in mm2"},
      {"literal without its unit", draft("  control \"x\" when interconnect_bandwidth >= «1100»\n"),
       "E0405", "joins a value in GB/s and a dimensionless value"},
      {"literal on the left", draft("  control \"x\" when «1400 mm2» <= memory_bandwidth\n"),
       "E0405", "unit mismatch: '<='"},
      {"a unit where none belongs", draft("  control \"x\" when tpp >= «4800 TB/s»\n"), "E0405",
       "joins a dimensionless value and a value in GB/s"},
      // E0427: dates are compared, never computed with
      {"a date plus a number", draft("  control \"x\" when us_available «+» 30 <= 2026-01-15\n"),
       "E0427", "'+' on a date: dates can only be compared"},
      {"a date compared with a number", draft("  control \"x\" when us_available <= «20260115»\n"),
       "E0405", "unit mismatch: '<=' joins a value in date and a dimensionless value"},
      {"an impossible date", draft("  control \"x\" when us_available <= «2026-02-30»\n"), "E0410",
       "'2026-02-30' is not a valid date"},
      {"adding different dimensions",
       draft("  control \"x\" when memory_bandwidth + «100 W» >= 1 TB/s\n"), "E0405",
       "unit mismatch: '+'"},
      {"an override in another dimension",
       "regime d extends us-2023-10 {\n  status draft\n  param pd_a = «5.92 GB/s»\n}\n", "E0405",
       "parameter 'pd_a' overrides a value in /mm2 with one in GB/s"},
      // E0406: numbers exctl cannot hold exactly
      {"a number out of range", draft("  control \"x\" when tpp >= «1e40»\n"), "E0406", "'1e40'"},
      // E0407: a unit-less parameter compared with a quantity, blamed at its use
      {"parameter without a unit",
       draft("  param cap = 1400\n  control \"x\" when memory_bandwidth >= «cap»\n"), "E0407",
       "parameter 'cap' has no unit but is compared with a value in GB/s"},
      // E0408: conditions and numbers
      {"a number as a condition", draft("  control \"x\" when «tpp + 100»\n"), "E0408",
       "a 'when' clause needs a condition, but this is a number"},
      {"'and' of a number", draft("  control \"x\" when «tpp» and datacenter\n"), "E0408",
       "'and' needs a condition, but this is a number"},
      {"'not' of a quantity", draft("  control \"x\" when not «memory_bandwidth»\n"), "E0408",
       "'not' needs a condition, but this is a number (GB/s)"},
      {"a condition compared with a number", draft("  control \"x\" when «datacenter >= 3»\n"),
       "E0408", "'>=' compares a condition with a number"},
      {"conditions ordered", draft("  control \"x\" when «datacenter >= has_hbm»\n"), "E0408",
       "'>=' compares a condition with a number"},
      {"arithmetic on a condition", draft("  control \"x\" when «datacenter» + 1 > 0\n"), "E0408",
       "'+' needs a number, but this is a condition"},
      // E0409: a clause id twice in one regime
      {"paragraph twice", draft("  control \"x\" when tpp >= 1\n  «control \"x\" when tpp >= 2»\n"),
       "E0409", "paragraph 'x' is defined twice in this regime"},
      {"exclusion twice",
       draft("  control \"x\" when tpp >= 1\n  exclude \"N\" from \"x\" when tpp < 5\n"
             "  «exclude \"N\" from \"x\" when tpp < 6»\n"),
       "E0409", "exclusion 'N' is defined twice in this regime"},
      // E0410: dates that do not exist
      {"effective 30 February", draft("  «effective 2025-02-30»\n"), "E0410",
       "'2025-02-30' is not a valid date"},
      {"ends in month 13", draft("  «ends 2023-13-01»\n"), "E0410", "'2023-13-01'"},
      {"29 February of a common year", draft("  «effective 2023-02-29»\n"), "E0410",
       "'2023-02-29'"},
      {"licence since 31 April",
       draft("  control \"x\" when tpp >= 1\n  «licence for \"x\" to CN since 2024-04-31»\n"),
       "E0410", "'2024-04-31'"},
      {"exception until day 0",
       draft("  control \"x\" when tpp >= 1\n  «exception NAC for \"x\" until 2024-04-00»\n"),
       "E0410", "'2024-04-00'"},
      // E0411: status and review policy
      {"unknown status", draft("  «status active»\n"), "E0411", "unknown status 'active'"},
      {"unknown policy",
       draft("  control \"x\" when tpp >= 1\n  «licence for \"x\" to CN policy lenient»\n"),
       "E0411", "unknown review policy 'lenient'"},
      // E0412: country groups, at the name
      {"unknown group",
       draft("  control \"x\" when tpp >= 1\n  licence for \"x\" to groups D5, «Z9»\n"), "E0412",
       "unknown country group 'Z9'"},
      {"unknown group after except",
       draft("  control \"x\" when tpp >= 1\n  licence for \"x\" to worldwide except «D9»\n"),
       "E0412", "'D9'"},
      {"unknown group after shipped to",
       draft("  control \"x\" when tpp >= 1\n  licence for \"x\" to headquarters in CN shipped to "
             "«XX»\n"),
       "E0412", "'XX'"},
      {"unknown group of an exception",
       draft("  control \"x\" when tpp >= 1\n  exception NAC for \"x\" to «TIER9»\n"), "E0412",
       "'TIER9'"},
      {"a lowercase code is not a country",
       draft("  control \"x\" when tpp >= 1\n  licence for \"x\" to «cn»\n"), "E0412", "'cn'"},
      // E0413: clauses aimed at paragraphs the regime does not control
      {"licence for an unknown paragraph", draft("  «licence for \"3A090.z\" to CN»\n"), "E0413",
       "'3A090.z' is not a paragraph this regime controls"},
      {"exclusion from an unknown paragraph",
       draft("  «exclude \"N\" from \"nope\" when tpp < 1»\n"), "E0413", "'nope'"},
      {"propagation from an unknown paragraph", draft("  «propagate \"4A\" from \"nope\"»\n"),
       "E0413", "'nope'"},
      {"exception for an unknown paragraph", draft("  «exception NAC for \"nope\"»\n"), "E0413",
       "'nope'"},
      {"drop of a paragraph nobody defined",
       "regime d extends us-2023-10 {\n  status draft\n  «drop \"3A090.z\"»\n}\n", "E0413",
       "cannot drop '3A090.z'"},
      // E0414: no status, at the regime id
      {"no status", "regime «d» {\n  title \"t\"\n}\n", "E0414", "regime 'd' has no status"},
      // E0415: constants
      {"a parameter from a chip field", draft("  param p = «tpp * 2»\n"), "E0415",
       "parameter 'p' must be a constant"},
      {"an exception limit from a chip field",
       draft("  control \"x\" when tpp >= 1\n  exception LPP for \"x\" limit «tpp»\n"), "E0415",
       "an exception's limit must be a constant"},
      // E0416: parameter twice, metric named like a field (or an alias of one)
      {"parameter twice", draft("  param a = 1\n  param «a» = 2\n"), "E0416",
       "parameter 'a' is defined twice"},
      {"metric named like a field", draft("  metric «tpp» = 1\n"), "E0416",
       "metric 'tpp' has the name of a chip field"},
      {"metric named like a field alias", draft("  metric «pd» = tpp / die_area\n"), "E0416",
       "'pd'"},
      // E0423 where an override makes an inherited divisor zero, at the divisor
      {"a divisor zero only with the child's parameter",
       "regime p {\n  status draft\n  param a = 100\n  param b = 4800 / «(a - 1000)»\n}\n"
       "regime d extends p {\n  status draft\n  param a = 1000\n}\n",
       "E0423", "division by zero"},
      // E0424: a parameter that depends on itself through an override
      {"an override that closes a cycle",
       "regime p {\n  status draft\n  param a = 1\n  param b = a * 2\n}\n"
       "regime d extends p {\n  status draft\n  param a = «b» / 2\n}\n",
       "E0424", "parameter 'a' depends on itself: a -> b -> a"},
  }));
  INFO(c.name);
  Marked m = marked(c.text);
  Loaded l = load(m.text);
  INFO(render_text(l.sink));
  auto diags = l.sink.sorted();
  REQUIRE(diags.size() == 1);
  const Diagnostic& d = diags.front();
  CHECK(d.code == c.code);
  CHECK(d.severity == Severity::error);
  CHECK_THAT(d.message, Catch::Contains(c.message));
  REQUIRE(d.span.file == l.draft);
  CHECK(d.span.begin == m.begin);
  CHECK(d.span.end == m.end);
  // A regime with an error is left out; the shipped one a duplicate names stays.
  if (c.code == "E0403")
    CHECK(l.get("us-2023-10").status == sema::Status::superseded);
  else
    CHECK(l.find("d") == nullptr);
}

TEST_CASE("diagnostics carry the hints a user needs") {
  SECTION("the nearest known name") {
    Loaded l = load(draft("  control \"x\" when memory_bandwith >= 1 TB/s\n"));
    auto diags = l.sink.sorted();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "E0404");
    CHECK(diags[0].notes == std::vector<std::string>{"did you mean 'memory_bandwidth'?"});
  }
  SECTION("where the unit-less parameter was declared, and a unit to give it") {
    Loaded l = load(draft("  param cap = 1400\n  control \"x\" when memory_bandwidth >= cap\n"));
    auto diags = l.sink.sorted();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].notes ==
          std::vector<std::string>{"declared at line 3 as 1400; give it a unit, e.g. '1400 GB/s'"});
  }
  SECTION("the first definition of a regime defined twice") {
    Loaded l = load("regime us-2023-10 {\n  status draft\n}\n");
    auto diags = l.sink.sorted();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].notes == std::vector<std::string>{"first defined at rules/us-2023-10.rules:3"});
  }
  SECTION("line and column as printed") {
    Loaded l = load(draft("  control \"x\" when memory_bandwidth >= 1400 mm2\n"));
    CHECK_THAT(render_text(l.sink), Catch::StartsWith("draft.rules:3:40: error[E0405]: "));
  }
}

TEST_CASE("extends in a circle is E0402 at each regime's parent name") {
  SECTION("two regimes") {
    const std::string text =
        "regime a extends b {\n  status draft\n}\n"
        "regime b extends a {\n  status draft\n}\n";
    Loaded l = load(text, false);
    auto diags = l.sink.sorted();
    REQUIRE(diags.size() == 2);
    CHECK(diags[0].code == "E0402");
    CHECK(diags[0].message == "regime 'a' extends itself: a -> b -> a");
    CHECK(diags[0].span.begin == text.find("b {"));
    CHECK(under(diags[0]) == "b");
    CHECK(diags[1].code == "E0402");
    CHECK(diags[1].message == "regime 'b' extends itself: b -> a -> b");
    CHECK(diags[1].span.begin == text.find("a {"));
    CHECK(l.book->regimes.empty());
  }
  SECTION("a regime extending itself") {
    const std::string text = "regime a extends a {\n  status draft\n}\n";
    Loaded l = load(text, false);
    auto diags = l.sink.sorted();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "E0402");
    CHECK(diags[0].span.begin == text.rfind("a {"));
  }
  SECTION("a regime hanging off the circle is left out without an error of its own") {
    Loaded l = load(
        "regime a extends b {\n  status draft\n}\nregime b extends a {\n  status draft\n}\n"
        "regime c extends a {\n  status draft\n}\n",
        false);
    CHECK(l.sink.error_count() == 2);
    CHECK(l.find("c") == nullptr);
  }
}

TEST_CASE("several problems are all reported in one run, and good regimes survive") {
  const std::string text =
      "regime good {\n  status draft\n  control \"x\" when tpp >= 4800\n}\n"
      "regime bad {\n"
      "  status draft\n"
      "  effective 2025-13-01\n"
      "  param cap = 1400\n"
      "  control \"x\" when memory_bandwidth >= cap or interconnect >= 1100 GB/s\n"
      "  control \"y\" when tpp >= 4800 TB/s\n"
      "  licence for \"x\" to groups D5, Z9\n"
      "}\n";
  Loaded l = load(text, false);
  std::vector<std::string> codes;
  for (const auto& d : l.sink.sorted())
    codes.push_back(d.code);
  // Sorted by position: the date, the parameter, the name, the unit, the group.
  CHECK(codes == std::vector<std::string>{"E0410", "E0407", "E0404", "E0405", "E0412"});
  CHECK(l.find("bad") == nullptr);
  CHECK(l.find("good") != nullptr);
}

TEST_CASE("an unknown name does not cascade into type errors") {
  // `interconect` is unknown; the comparison and 'or' around it are not reported again.
  Loaded l = load(draft("  control \"x\" when interconect >= 1100 GB/s or tpp >= 4800\n"));
  auto diags = l.sink.sorted();
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E0404");
}

TEST_CASE("a child of a broken regime is left out, and the parent's errors are reported once") {
  Loaded l = load(
      "regime p {\n  status draft\n  control \"x\" when tpq >= 1\n}\n"
      "regime c extends p {\n  status draft\n}\n",
      false);
  auto diags = l.sink.sorted();
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E0404");
  CHECK(l.book->regimes.empty());
}

// ---- units: exact, in canonical units ---------------------------------------------------

TEST_CASE("unit literals become exact values in canonical units") {
  struct Case {
    std::string literal;
    Rational value;
    Dim dim;
    std::string dim_name;
  };
  auto c = GENERATE(values<Case>({
      {"1.4 TB/s", 1400, kBandwidth, "GB/s"},
      {"1400 GB/s", 1400, kBandwidth, "GB/s"},
      {"1400000 MB/s", 1400, kBandwidth, "GB/s"},
      {"1 MB/s", Rational(1, 1000), kBandwidth, "GB/s"},
      {"80 GB", 80, kData, "GB"},
      {"1.5 TB", 1500, kData, "GB"},
      {"500 MB", Rational(1, 2), kData, "GB"},
      {"814 mm2", 814, kArea, "mm2"},
      {"814 mm²", 814, kArea, "mm2"},
      {"5.92 /mm2", Rational(148, 25), kPerArea, "/mm2"},
      {"2 GB/s/mm2", 2, kBwDensity, "GB/s/mm2"},
      {"700 W", 700, kPower, "W"},
      {"1.5 kW", 1500, kPower, "W"},
      {"30 billion", Rational(30'000'000'000), kNone, ""},
      {"2.5 million", 2'500'000, kNone, ""},
      {"30e9", Rational(30'000'000'000), kNone, ""},
      {"1_000", 1000, kNone, ""},
      {"4799.9999", Rational(47999999, 10000), kNone, ""},
  }));
  INFO(c.literal);
  Loaded l = load(draft("  param p = " + c.literal + "\n"), false);
  INFO(render_text(l.sink));
  REQUIRE(l.sink.empty());
  const sema::Param& p = param(l.get("d"), "p");
  CHECK(p.value == c.value);
  CHECK(p.dim == c.dim);
  CHECK(sema::dim_name(p.dim) == c.dim_name);
}

TEST_CASE("1.4 TB/s is exactly 1400 GB/s, and comparing the two is allowed") {
  Loaded l = load(
      draft("  param a = 1.4 TB/s\n  param b = 1400 GB/s\n  param c = 1400000 MB/s\n"
            "  control \"x\" when memory_bandwidth >= a and a == b and 1.4 TB/s == 1400 GB/s\n"));
  INFO(render_text(l.sink));
  REQUIRE(l.sink.empty());
  const sema::Regime& r = l.get("d");
  CHECK(param(r, "a").value == param(r, "b").value);
  CHECK(param(r, "b").value == param(r, "c").value);
  CHECK(param(r, "a").value == Rational(1400));
  // The literals in the condition hold the same canonical value too.
  std::vector<Rational> literals;
  for (const auto& n : r.nodes) {
    if (n.kind == sema::Node::Kind::number && n.dim == kBandwidth) literals.push_back(n.number);
  }
  REQUIRE(literals.size() >= 2);
  for (const auto& v : literals)
    CHECK(v == Rational(1400));
}

TEST_CASE("derived dimensions: a ratio of fields compares with a literal of its unit") {
  Loaded l =
      load(draft("  control \"a\" when tpp / die_area >= 5.92 /mm2\n"
                 "  control \"b\" when memory_bandwidth / die_area > 2 GB/s/mm2\n"
                 "  control \"c\" when tdp * 2 >= 1.4 kW\n"));
  INFO(render_text(l.sink));
  CHECK(l.sink.empty());
  CHECK(l.find("d") != nullptr);
}

TEST_CASE("parameters fold to constants from other parameters") {
  Loaded l = load(
      draft("  param a = 1.4 TB/s\n  param b = 600 GB/s\n  param c = a + b\n  param h = c / 2\n"));
  INFO(render_text(l.sink));
  const sema::Regime& r = l.get("d");
  CHECK(param(r, "c").value == Rational(2000));
  CHECK(param(r, "c").dim == kBandwidth);
  CHECK(param(r, "h").value == Rational(1000));
}

// Constants beyond 64-bit exact arithmetic are a diagnostic, not an exception out of check().
TEST_CASE("a parameter too large for exact arithmetic is E0406, not an exception") {
  std::optional<Loaded> l;
  REQUIRE_NOTHROW(l.emplace(load(draft("  param big = 9000000000000000000 * 10\n"), false)));
  auto diags = l->sink.sorted();
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E0406");
}

// ---- the IR of extends, override and drop ------------------------------------------------

TEST_CASE("a child inherits clauses, overrides a param and a control, drops a paragraph") {
  Loaded l = load(
      "regime child extends us-2023-10 {\n"
      "  status draft\n"
      "  param tpp_a = 5000\n"
      "  control \"3A090.a\" when tpp >= tpp_a\n"
      "  drop \"3A090.b\"\n"
      "}\n");
  INFO(render_text(l.sink));
  REQUIRE(l.sink.empty());
  const sema::Regime& child = l.get("child");
  const sema::Regime& parent = l.get("us-2023-10");

  CHECK(child.parent == "us-2023-10");
  // Metadata is not inherited.
  CHECK(child.status == sema::Status::draft);
  CHECK(child.title.empty());
  CHECK(child.effective == 0);
  CHECK(child.notes.empty());

  // Controls: .a replaced by the child's text, .b gone.
  REQUIRE(paragraphs(child) == std::vector<std::string>{"3A090.a"});
  CHECK(child.controls[0].defined_in == "child");
  CHECK(child.controls[0].cite.empty());

  // Params: the override keeps its place and dimension; the rest are inherited.
  CHECK(param(child, "tpp_a").value == Rational(5000));
  CHECK(param(child, "tpp_floor").value == Rational(1600));
  CHECK(param(child, "pd_a").value == Rational(148, 25));
  CHECK(param(child, "pd_a").dim == kPerArea);
  CHECK(child.params.size() == parent.params.size());

  // Clauses aimed only at .b go; shared ones lose .b.
  REQUIRE(child.exclusions.size() == 1);
  CHECK(child.exclusions[0].note == "Note 2");
  CHECK(child.exclusions[0].targets == std::vector<std::string>{"3A090.a"});
  CHECK(child.exclusions[0].defined_in == "us-2023-10");
  std::vector<std::string> items;
  for (const auto& p : child.propagations)
    items.push_back(p.item);
  REQUIRE(items.size() == 2);
  CHECK(items[0] == "4A090.a");
  CHECK(child.propagations[1].sources == std::vector<std::string>{"3A090.a"});
  REQUIRE(child.licences.size() == 3);
  for (const auto& rule : child.licences) {
    CHECK(rule.targets == std::vector<std::string>{"3A090.a"});
    CHECK(rule.defined_in == "us-2023-10");
    CHECK(rule.level == 0);
  }
  CHECK(child.exceptions.size() == 3);  // NAC, NAC (until), ACA for .a
  for (const auto& x : child.exceptions)
    CHECK(x.targets == std::vector<std::string>{"3A090.a"});

  // The parent is untouched.
  CHECK(paragraphs(parent) == std::vector<std::string>{"3A090.a", "3A090.b"});
  CHECK(param(parent, "tpp_a").value == Rational(4800));
  CHECK(parent.exceptions.size() == 6);
}

TEST_CASE("a child's own clauses rank by their depth in the chain") {
  Loaded l = load("");
  const sema::Regime& r =
      l.get("us-2026-01-h20");  // us-2023-10 <- us-2024-12 <- us-2025-04-h20 <- us-2026-01-h20
  std::vector<std::pair<std::string, int>> levels;
  for (const auto& rule : r.licences)
    levels.emplace_back(rule.defined_in, rule.level);
  CHECK(std::count(levels.begin(), levels.end(), std::pair<std::string, int>{"us-2023-10", 0}) ==
        3);
  CHECK(std::count(levels.begin(), levels.end(), std::pair<std::string, int>{"us-2024-12", 1}) ==
        1);
  CHECK(std::count(levels.begin(), levels.end(),
                   std::pair<std::string, int>{"us-2025-04-h20", 2}) == 2);
  CHECK(std::count(levels.begin(), levels.end(),
                   std::pair<std::string, int>{"us-2026-01-h20", 3}) == 2);
  CHECK(levels.size() == 8);
  CHECK(paragraphs(r) == std::vector<std::string>{"3A090.a", "3A090.b", "3A090.c", "H20 criteria"});
}

TEST_CASE("a date literal is a yyyymmdd value of the date dimension, compared exactly") {
  Loaded l =
      load(draft("  param published = 2026-01-15\n"
                 "  control \"x\" when us_available <= published\n"));
  const sema::Regime& r = l.get("d");
  CHECK(param(r, "published").value == Rational(20260115));
  CHECK(param(r, "published").dim == exctl::dims::date);
  auto decide = [&](std::optional<int> date) {
    eval::FieldValues v;
    if (date) v.set(sema::FieldId::us_available, Rational(*date));
    return eval::decide(r, v, {}).verdict;
  };
  CHECK(decide(20260115) == eval::Verdict::controlled);
  CHECK(decide(20260116) == eval::Verdict::not_controlled);
  CHECK(decide(Chip::kNeverInUs) == eval::Verdict::not_controlled);
  CHECK(decide(std::nullopt) == eval::Verdict::indeterminate);
}

TEST_CASE("a metric redefined in a child replaces the parent's everywhere it is used") {
  Loaded l = load(
      "regime child extends us-2023-10 {\n  status draft\n  metric meets_a = tpp >= 9000\n}\n");
  INFO(render_text(l.sink));
  const sema::Regime& child = l.get("child");
  int count = 0;
  for (const auto& m : child.metrics) {
    if (m.name == "meets_a") {
      ++count;
      CHECK(child.nodes[static_cast<size_t>(m.root)].span.file == l.draft);
    }
  }
  CHECK(count == 1);
}

// Each level of an extends chain may override what the level above set.
TEST_CASE("a grandchild may override a parameter its parent overrode") {
  Loaded l = load(
      "regime p extends us-2023-10 {\n  status draft\n  param tpp_a = 5000\n}\n"
      "regime c extends p {\n  status draft\n  param tpp_a = 6000\n}\n");
  INFO(render_text(l.sink));
  CHECK(l.sink.empty());
  REQUIRE(l.find("c") != nullptr);
  CHECK(param(l.get("c"), "tpp_a").value == Rational(6000));
  CHECK(param(l.get("p"), "tpp_a").value == Rational(5000));
}

// A parameter is its expression, not the value it had where it was written: a child's
// override reaches every parameter, limit and condition derived from it.
TEST_CASE("a derived parameter follows a child's override of what it is made of") {
  Loaded l = load(
      "regime p {\n  status draft\n  param a = 100\n  param b = a * 2\n"
      "  control \"x\" when tpp >= b\n}\n"
      "regime c extends p {\n  status draft\n  param a = 1000\n}\n",
      false);
  INFO(render_text(l.sink));
  REQUIRE(l.sink.empty());
  const sema::Regime& parent = l.get("p");
  const sema::Regime& child = l.get("c");
  CHECK(param(parent, "a").value == Rational(100));
  CHECK(param(parent, "b").value == Rational(200));
  CHECK(param(child, "a").value == Rational(1000));
  CHECK(param(child, "b").value == Rational(2000));

  // The condition on b sees 2000 in the child, 200 in the parent.
  auto verdict = [](const sema::Regime& r, int64_t tpp) {
    eval::FieldValues v;
    v.set(sema::FieldId::tpp, Rational(tpp));
    return eval::decide(r, v, {}).verdict;
  };
  CHECK(verdict(parent, 200) == eval::Verdict::controlled);
  CHECK(verdict(parent, 199) == eval::Verdict::not_controlled);
  CHECK(verdict(child, 1999) == eval::Verdict::not_controlled);
  CHECK(verdict(child, 2000) == eval::Verdict::controlled);
}

TEST_CASE("an exception's limit follows the parameters it is made of") {
  Loaded l = load(
      "regime p {\n  status draft\n  param cap = 1000\n  control \"x\" when tpp >= 1\n"
      "  exception LPP for \"x\" limit cap * 2 per \"year\"\n}\n"
      "regime c extends p {\n  status draft\n  param cap = 5\n}\n",
      false);
  INFO(render_text(l.sink));
  REQUIRE(l.sink.empty());
  REQUIRE(l.get("p").exceptions.at(0).limit);
  CHECK(*l.get("p").exceptions.at(0).limit == Rational(2000));
  REQUIRE(l.get("c").exceptions.at(0).limit);
  CHECK(*l.get("c").exceptions.at(0).limit == Rational(10));
}

TEST_CASE("in an override the parameter's own name is the definition it replaces") {
  Loaded l = load(
      "regime p {\n  status draft\n  param a = 100\n  param b = a * 2\n}\n"
      "regime c extends p {\n  status draft\n  param a = a * 3\n}\n"
      "regime g extends c {\n  status draft\n  param a = a + 1\n}\n",
      false);
  INFO(render_text(l.sink));
  REQUIRE(l.sink.empty());
  CHECK(param(l.get("c"), "a").value == Rational(300));
  CHECK(param(l.get("c"), "b").value == Rational(600));
  CHECK(param(l.get("g"), "a").value == Rational(301));
  CHECK(param(l.get("g"), "b").value == Rational(602));
  CHECK(param(l.get("p"), "b").value == Rational(200));
}

TEST_CASE("an override that breaks an ancestor's text is reported for the child, at that text") {
  SECTION("a divisor of a condition that the override makes zero") {
    const std::string text =
        "regime p {\n  status draft\n  param a = 100\n"
        "  control \"x\" when tpp / (a - 1000) >= 1\n}\n"
        "regime c extends p {\n  status draft\n  param a = 1000\n}\n";
    Loaded l = load(text, false);
    auto diags = l.sink.sorted();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "E0423");
    CHECK(under(diags[0]) == "(a - 1000)");
    CHECK(diags[0].notes == std::vector<std::string>{"in regime 'c', where a = 1000"});
    CHECK(l.find("c") == nullptr);
    CHECK(l.find("p") != nullptr);
  }
  SECTION("a derived parameter that the override takes past exact arithmetic") {
    const std::string text =
        "regime p {\n  status draft\n  param a = 1\n  param b = a * 9000000000000000000\n}\n"
        "regime c extends p {\n  status draft\n  param a = 10\n}\n";
    Loaded l = load(text, false);
    auto diags = l.sink.sorted();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "E0406");
    CHECK(under(diags[0]) == "a * 9000000000000000000");
    CHECK(l.find("c") == nullptr);
    CHECK(param(l.get("p"), "b").value == Rational(9'000'000'000'000'000'000));
  }
  SECTION("a grandchild of the broken child is left out without a report of its own") {
    Loaded l = load(
        "regime p {\n  status draft\n  param a = 100\n  param b = 1 / (a - 1000)\n}\n"
        "regime c extends p {\n  status draft\n  param a = 1000\n}\n"
        "regime g extends c {\n  status draft\n}\n",
        false);
    CHECK(l.sink.error_count() == 1);
    CHECK(l.find("g") == nullptr);
  }
  SECTION("an override of the divisor's parameter that mends it is not an error") {
    Loaded l = load(
        "regime p {\n  status draft\n  param a = 100\n  param b = 1 / (a - 1000)\n}\n"
        "regime c extends p {\n  status draft\n  param a = 1000\n  param b = 7\n}\n",
        false);
    INFO(render_text(l.sink));
    CHECK(l.sink.empty());
    CHECK(param(l.get("c"), "b").value == Rational(7));
  }
}

TEST_CASE("with_params re-folds a checked regime with parameters set to new values") {
  Loaded l = load(
      "regime p {\n  status draft\n  param a = 100\n  param b = a * 2\n  param z = 1 / (a - 5)\n"
      "  control \"x\" when tpp >= b\n"
      "  exception LPP for \"x\" limit b + 1 per \"year\"\n}\n",
      false);
  INFO(render_text(l.sink));
  REQUIRE(l.sink.empty());
  const sema::Regime& original = l.get("p");
  eval::FieldValues v;
  v.set(sema::FieldId::tpp, Rational(500));

  SECTION("a derived parameter, the limit and the decisions follow") {
    DiagnosticSink sink;
    auto copy = sema::with_params(original, {{"a", Rational(1000)}}, sink);
    REQUIRE(copy);
    CHECK(sink.empty());
    CHECK(param(*copy, "a").value == Rational(1000));
    CHECK(param(*copy, "b").value == Rational(2000));
    REQUIRE(copy->exceptions.at(0).limit);
    CHECK(*copy->exceptions.at(0).limit == Rational(2001));
    CHECK(eval::decide(*copy, v, {}).verdict == eval::Verdict::not_controlled);
    CHECK(eval::decide(original, v, {}).verdict == eval::Verdict::controlled);
    CHECK(param(original, "b").value == Rational(200));  // the original is untouched
  }
  SECTION("a derived parameter set directly no longer follows its source") {
    DiagnosticSink sink;
    auto copy = sema::with_params(original, {{"b", Rational(50)}, {"a", Rational(7)}}, sink);
    REQUIRE(copy);
    CHECK(param(*copy, "b").value == Rational(50));
    CHECK(param(*copy, "z").value == Rational(1, 2));
  }
  SECTION("an unknown parameter is E0404 with the nearest name") {
    DiagnosticSink sink;
    CHECK_FALSE(sema::with_params(original, {{"bb", Rational(1)}}, sink));
    auto diags = sink.sorted();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "E0404");
    CHECK(diags[0].message == "regime 'p' has no parameter 'bb'");
    CHECK(diags[0].notes ==
          std::vector<std::string>{"did you mean 'b'?", "its parameters: a, b, z"});
  }
  SECTION("a value that makes a derived parameter divide by zero is E0423 at the divisor") {
    DiagnosticSink sink;
    CHECK_FALSE(sema::with_params(original, {{"a", Rational(5)}}, sink));
    auto diags = sink.sorted();
    REQUIRE(diags.size() == 1);
    CHECK(diags[0].code == "E0423");
    CHECK(under(diags[0]) == "(a - 5)");
    CHECK(diags[0].notes == std::vector<std::string>{"in regime 'p', where a = 5"});
  }
}

TEST_CASE("destinations expand country groups, codes, worldwide and except") {
  Loaded l = load("");
  const sema::Regime& r = l.get("us-2023-10");
  REQUIRE(r.licences.size() == 3);
  const sema::Destinations& approval = r.licences[0].where;  // D1, D4, D5, MO except A5, A6
  CHECK(approval.names == std::vector<std::string>{"D1", "D4", "D5", "MO"});
  CHECK(approval.except_names == std::vector<std::string>{"A5", "A6"});
  CHECK(approval.contains("CN", 0));
  CHECK(approval.contains("SA", 0));  // D4
  CHECK(approval.contains("KZ", 0));  // D1
  CHECK(approval.contains("MO", 0));
  CHECK_FALSE(approval.contains("IL", 0));  // D4 but A6
  CHECK_FALSE(approval.contains("DE", 0));
  CHECK(r.licences[2].headquarters);
  CHECK(r.licences[2].policy == sema::Policy::presumption_of_denial);

  const sema::Regime& diffusion = l.get("us-2025-01-diffusion");
  const sema::Destinations& worldwide = diffusion.licences.back().where;  // worldwide except D5, MO
  CHECK(worldwide.worldwide);
  CHECK(worldwide.contains("DE", 0));
  CHECK(worldwide.contains("US", 0));
  CHECK_FALSE(worldwide.contains("CN", 0));
  CHECK_FALSE(worldwide.contains("MO", 0));

  Loaded codes =
      load(draft("  control \"x\" when tpp >= 1\n  licence for \"x\" to CN, HK\n"), false);
  const sema::Destinations& d = codes.get("d").licences.at(0).where;
  CHECK(d.countries.always == std::vector<std::string>{"CN", "HK"});
  CHECK(d.countries.dated.empty());
}

TEST_CASE("dates, limits and policies are checked into the IR") {
  Loaded l = load("");
  const sema::Regime& r2022 = l.get("us-2022-10");
  CHECK(r2022.effective == 20221007);
  CHECK(r2022.ends == 20231117);
  REQUIRE(r2022.licences.size() == 2);
  CHECK(r2022.licences[1].since == 20230118);

  const sema::Regime& r2023 = l.get("us-2023-10");
  int nac_until = 0, aca_since = 0;
  for (const auto& x : r2023.exceptions) {
    if (x.name == "NAC" && x.until) nac_until = x.until;
    if (x.name == "ACA") aca_since = x.since;
  }
  CHECK(nac_until == 20240404);
  CHECK(aca_since == 20240404);

  const sema::Regime& diffusion = l.get("us-2025-01-diffusion");
  auto lpp = std::find_if(diffusion.exceptions.begin(), diffusion.exceptions.end(),
                          [](const auto& x) { return x.name == "LPP"; });
  REQUIRE(lpp != diffusion.exceptions.end());
  REQUIRE(lpp->limit);
  CHECK(*lpp->limit == Rational(26'900'000));
  CHECK(lpp->per == "ultimate consignee per calendar year, in TPP");
  CHECK(diffusion.status == sema::Status::rescinded);
  CHECK(diffusion.in_force_on(20250301));  // rescinded later: in force within its window
  CHECK_FALSE(diffusion.in_force_on(20250513));
}

TEST_CASE("in force: the window [effective, ends) of an instrument with legal effect") {
  Loaded l = load("");
  const sema::Regime& r = l.get("us-2023-10");
  CHECK_FALSE(r.in_force_on(20231116));
  CHECK(r.in_force_on(20231117));
  CHECK(r.in_force_on(20241201));
  CHECK_FALSE(r.in_force_on(20241202));
  Loaded d = load(draft("  effective 2020-01-01\n"), false);
  CHECK_FALSE(d.get("d").in_force_on(20240101));  // a draft is never in force
}

// ---- field expressions outside a regime (draft --metric) ----------------------------------

namespace {

// `text` checked as `draft --metric` will check it: a quantity over chip fields, under a code
// of the caller's (E0109 here).
std::optional<sema::FieldCondition> metric(const std::string& text, DiagnosticSink& sink) {
  auto source = std::make_shared<SourceFile>("--metric", text);
  auto expr = syntax::parse_expression(source, sink, {"E0109", true});
  REQUIRE(expr);
  return sema::check_field_expression(*expr, source, "E0109", sink,
                                      sema::FieldExpressionKind::quantity);
}

// The one error `text` has as a metric, which is under the code it was checked with.
Diagnostic metric_error(const std::string& text) {
  DiagnosticSink sink;
  CHECK_FALSE(metric(text, sink));
  INFO(render_text(sink));
  auto diags = sink.sorted();
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E0109");
  return diags[0];
}

}  // namespace

TEST_CASE("a field expression as a quantity has the dimension of its value and reads its fields") {
  DiagnosticSink sink;
  auto sum = metric("memory_bandwidth + interconnect_bandwidth", sink);
  INFO(render_text(sink));
  REQUIRE(sum);
  CHECK(sink.empty());
  CHECK(sum->dim == kBandwidth);
  CHECK(sum->fields ==
        std::vector<FieldId>{FieldId::memory_bandwidth, FieldId::interconnect_bandwidth});
  CHECK(sum->pool.params.empty());
  CHECK(sum->pool.metrics.empty());

  // The command line's leniencies: a bare number takes the quantity's unit, and a
  // command-line name reads its field (transistors_billion is transistors / 10^9).
  auto scaled = metric("memory_bandwidth / die_area + 3", sink);
  REQUIRE(scaled);
  CHECK(scaled->dim == kBwDensity);
  auto billions = metric("transistors_billion * 2 + memory_gb / 1 GB", sink);
  REQUIRE(billions);
  CHECK(billions->dim == kNone);
  CHECK(billions->fields == std::vector<FieldId>{FieldId::transistors, FieldId::memory_capacity});
  CHECK(sink.empty());
}

TEST_CASE("a field expression that is not a quantity is reported under the caller's code") {
  Diagnostic condition = metric_error("tpp >= 1");
  CHECK(condition.message == "--metric needs a number, but this is a condition");
  CHECK(under(condition) == "tpp >= 1");

  Diagnostic mismatch = metric_error("memory_bandwidth + tpp");
  CHECK(mismatch.message == "unit mismatch: '+' joins a value in GB/s and a dimensionless value");
  CHECK(under(mismatch) == "tpp");
  CHECK(mismatch.notes ==
        std::vector<std::string>{"write the value in the same dimension, e.g. with unit GB/s"});

  // Names a rule may use that a field expression may not.
  CHECK(metric_error("export_year + tpp").message ==
        "'export_year' is not a fact of the chip: --metric filters on chip fields");
  CHECK(metric_error("tpp_cap * 2").message == "unknown field 'tpp_cap'");
}
