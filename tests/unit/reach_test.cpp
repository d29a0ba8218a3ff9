// Dated country groups, exception reach and `classified ... under`: the sema pieces an
// evaluator shares.
#include <memory>

#include <catch2/catch.hpp>

#include "engine/eval/decide.hpp"
#include "engine/sema/rulebook.hpp"

using namespace exctl;
using namespace exctl::sema;

namespace {

const char* kGroups = R"(
version = "test"
[names]
CN = "China"
DE = "Germany"
KH = "Cambodia"
NI = "Nicaragua"
US = "United States"

[groups.D5]
members = ["CN"]

[[groups.D5.dated]]
country = "KH"
until = "2025-11-07"
source = "test: left"

[[groups.D5.dated]]
country = "NI"
from = "2024-03-15"
source = "test: joined"

[groups.T1]
members = ["DE", "US"]
)";

std::optional<CountryGroups> load_groups(const std::string& text, DiagnosticSink& sink) {
  return CountryGroups::load(std::make_shared<SourceFile>("groups.toml", text), sink);
}

DateKey day(const char* text) {
  return *parse_date(text);
}

}  // namespace

TEST_CASE("dated memberships hold on [from, until)") {
  DiagnosticSink sink;
  auto groups = load_groups(kGroups, sink);
  REQUIRE(groups);
  CHECK(sink.empty());
  CHECK(groups->in_group("D5", "CN", day("2020-01-01")));
  CHECK(groups->in_group("D5", "KH", day("2025-11-06")));
  CHECK_FALSE(groups->in_group("D5", "KH", day("2025-11-07")));
  CHECK_FALSE(groups->in_group("D5", "NI", day("2024-03-14")));
  CHECK(groups->in_group("D5", "NI", day("2024-03-15")));
  CHECK(groups->in_group("KH", "KH", day("2026-01-01")));  // a country stands for itself
  CHECK(groups->in_group("D5", "KH", 0));                  // no date: windows are ignored
  CHECK_FALSE(groups->in_group("D9", "CN", 0));
}

TEST_CASE("broken dated memberships are E0420") {
  for (const char* entry : {
           "country = \"KH\"\nsource = \"s\"\n",                          // no from/until
           "country = \"KH\"\nuntil = \"2025-13-01\"\nsource = \"s\"\n",  // bad date
           "country = \"KH\"\nfrom = \"2025-11-07\"\nuntil = \"2025-11-07\"\nsource = \"s\"\n",
           "country = \"KH\"\nuntil = \"2025-11-07\"\n",                  // no source
           "country = \"XX\"\nuntil = \"2025-11-07\"\nsource = \"s\"\n",  // not in [names]
           "country = \"CN\"\nuntil = \"2025-11-07\"\nsource = \"s\"\n",  // also undated
           "country = \"KH\"\nuntil = \"2025-11-07\"\nsource = \"s\"\nwhen = \"x\"\n",  // unknown
                                                                                        // key
           "country = \"KH\"\nuntil = 2025-11-07\nsource = \"s\"\n",  // not a string
       }) {
    std::string text =
        std::string(
            "[names]\nCN = \"China\"\nKH = \"Cambodia\"\n[groups.D5]\nmembers = [\"CN\"]\n") +
        "[[groups.D5.dated]]\n" + entry;
    DiagnosticSink sink;
    load_groups(text, sink);
    INFO(entry);
    REQUIRE(sink.has_errors());
    CHECK(sink.sorted().front().code == "E0420");
  }
}

TEST_CASE("a groups file that is not TOML is E0420, in toml++'s words") {
  DiagnosticSink sink;
  CHECK_FALSE(load_groups("[names]\nCN = \n", sink));
  REQUIRE(sink.sorted().size() == 1);
  const Diagnostic& d = sink.sorted().front();
  CHECK(d.code == "E0420");
  CHECK(d.message ==
        "country groups: toml syntax error: Error while parsing key-value pair: expected value, "
        "saw '\\n'");
  CHECK(d.span.end == d.span.begin + 1);
}

TEST_CASE("an exception's reach combines destination and headquarters") {
  DiagnosticSink sink;
  auto groups = load_groups(kGroups, sink);
  REQUIRE(groups);
  LicenceException x;
  x.where.countries = *groups->expand("D5");
  x.headquarters.countries = *groups->expand("T1");
  DateKey d = day("2025-03-01");

  x.hq_test = HqTest::none;  // destination only, whatever the headquarters
  CHECK(x.reaches("CN", "", d) == Truth::yes);
  CHECK(x.reaches("DE", "DE", d) == Truth::no);

  x.hq_test = HqTest::either;  // destination or headquarters
  CHECK(x.reaches("CN", "", d) == Truth::yes);
  CHECK(x.reaches("US", "DE", d) == Truth::yes);
  CHECK(x.reaches("US", "CN", d) == Truth::no);
  CHECK(x.reaches("US", "", d) == Truth::no);  // without --hq: the destination decides
  CHECK(x.reaches("", "DE", d) == Truth::yes);

  x.hq_test = HqTest::both;  // destination and headquarters
  CHECK(x.reaches("CN", "US", d) == Truth::yes);
  CHECK(x.reaches("CN", "CN", d) == Truth::no);
  CHECK(x.reaches("CN", "", d) == Truth::unknown);  // cannot be confirmed without --hq
  CHECK(x.reaches("DE", "", d) == Truth::no);

  x.hq_test = HqTest::only;  // headquarters only
  CHECK(x.reaches("CN", "US", d) == Truth::yes);
  CHECK(x.reaches("CN", "", d) == Truth::unknown);

  x.hq_test = HqTest::none;
  x.since = day("2025-01-01");
  x.until = day("2025-06-01");
  CHECK(x.reaches("CN", "", day("2024-12-31")) == Truth::no);
  CHECK(x.reaches("CN", "", day("2025-05-31")) == Truth::yes);
  CHECK(x.reaches("CN", "", day("2025-06-01")) == Truth::no);

  x.since = x.until = 0;
  CHECK(x.reaches("KH", "", day("2025-11-06")) == Truth::yes);  // groups are dated
  CHECK(x.reaches("KH", "", day("2025-11-07")) == Truth::no);
}

TEST_CASE("a licence rule's reach: destination or headquarters, shipped to, since") {
  DiagnosticSink sink;
  auto groups = load_groups(kGroups, sink);
  REQUIRE(groups);
  LicenceRule rule;
  rule.headquarters = true;
  rule.where.countries = *groups->expand("D5");
  CHECK(rule.reaches("DE", "KH", day("2025-11-06")));
  CHECK_FALSE(rule.reaches("DE", "KH", day("2025-11-07")));
  CHECK_FALSE(rule.reaches("KH", "", day("2025-11-06")));  // the headquarters, not the destination
  rule.shipped_to.countries = *groups->expand("CN");
  CHECK_FALSE(rule.reaches("DE", "CN", day("2025-11-06")));
  CHECK(rule.reaches("CN", "CN", day("2025-11-06")));
  rule.since = day("2026-01-15");
  CHECK_FALSE(rule.reaches("CN", "CN", day("2026-01-14")));
}

TEST_CASE("classified ... under consults the other regime's checked paragraphs") {
  const char* rules = R"(
regime base {
  status draft
  control "p" when tpp >= 10
  control "q" when memory_bandwidth >= 1 GB/s
  exclude "N" from "p" when not datacenter
}
regime user {
  status draft
  control "u" when classified "p" under base or tdp >= 1 W
}
)";
  DiagnosticSink sink;
  auto book = load_rulebook({std::make_shared<SourceFile>("r.rules", rules)},
                            std::make_shared<SourceFile>("groups.toml", kGroups), sink);
  REQUIRE(book);
  REQUIRE(sink.empty());
  const Regime* user = book->find("user");
  REQUIRE(user);
  REQUIRE(user->references.size() == 1);
  CHECK(user->references[0].target->id == "base");
  auto fields = user->fields_used();
  CHECK(fields.count(FieldId::tpp));         // through the regime consulted
  CHECK(fields.count(FieldId::datacenter));  // its exclusion too
  CHECK(fields.count(FieldId::tdp));
  CHECK_FALSE(fields.count(FieldId::memory_bandwidth));  // not consulted ("q")

  eval::FieldValues v;
  v.set(FieldId::tpp, Rational(20));
  v.set(FieldId::tdp, Rational(0));
  v.set(FieldId::datacenter, false);
  auto d = eval::decide(*user, v, {});
  CHECK(d.verdict == eval::Verdict::not_controlled);  // base excludes "p" by its note N
  REQUIRE(d.trace.size() == 1);
  REQUIRE(d.trace[0].consulted.size() == 1);
  CHECK(d.trace[0].consulted[0].regime == "base");
  CHECK(d.trace[0].consulted[0].excluded_by == std::vector<std::string>{"N"});

  v.set(FieldId::datacenter, true);
  d = eval::decide(*user, v, {});
  CHECK(d.verdict == eval::Verdict::controlled);
  CHECK(d.trace[0].comparisons.front().text == "base: tpp >= 10");
}
