#include <cstdint>
#include <limits>
#include <random>

#include <catch2/catch.hpp>

#include "engine/base/json.hpp"
#include "engine/base/text.hpp"
#include "engine/report/roofline_report.hpp"
#include "engine/report/table.hpp"

using namespace exctl::report;

namespace {
Table sample() {
  Table t({{"id", "ID"}, {"tpp", "TPP", true}, {"note", "Note", false, false}});
  t.add_row({{"a", "a"}, {"4,800", 4800}, {"x,y", "x,y"}});
  t.add_row({{"bb", "bb"}, {"-", nullptr}, {"say \"hi\"", "say \"hi\""}});
  return t;
}
}  // namespace

TEST_CASE("text tables align and hide machine-only columns") {
  CHECK(render_text(sample()) ==
        "ID    TPP\n"
        "--  -----\n"
        "a   4,800\n"
        "bb      -\n");
}

TEST_CASE("json keeps every column and writes unknown as null") {
  auto j = to_json(sample());
  CHECK(j.dump() ==
        R"([{"id":"a","tpp":4800,"note":"x,y"},{"id":"bb","tpp":null,"note":"say \"hi\""}])");
}

TEST_CASE("csv quotes what needs quoting and leaves unknown empty") {
  CHECK(render_csv(sample()) == "id,tpp,note\na,4800,\"x,y\"\nbb,,\"say \"\"hi\"\"\"\n");
}

TEST_CASE("markdown escapes pipes and marks numeric columns") {
  Table t({{"k", "K"}, {"v", "V", true}});
  t.add_row({{"a|b", "a|b"}, {"1", 1}});
  CHECK(render_markdown(t) == "| K | V |\n|---|---:|\n| a\\|b | 1 |\n");
}

TEST_CASE("format names") {
  CHECK(parse_format("md") == Format::md);
  CHECK_FALSE(parse_format("xml"));
}

TEST_CASE("roofline numbers: never an overflowed integer, never 0 for a small value") {
  CHECK(group_digits(70553706496) == "70,553,706,496");
  CHECK(group_digits(-1234) == "-1,234");
  CHECK(group_digits(std::numeric_limits<int64_t>::min()) == "-9,223,372,036,854,775,808");
  CHECK(group_digits(std::numeric_limits<int64_t>::max()) == "9,223,372,036,854,775,807");
  // Seconds: grouped whole seconds up to 1e15, then an exponent (was llround: INT64_MIN).
  CHECK(format_seconds(812e-6) == "812 us");
  CHECK(format_seconds(12.34e-3) == "12.3 ms");
  CHECK(format_seconds(4321.4) == "4,321 s");
  CHECK(format_seconds(4.859e12) == "4,859,000,000,000 s");
  CHECK(format_seconds(2.08e19) == "2.08e+19 s");
  CHECK(format_seconds(1.3e25) == "1.3e+25 s");
  CHECK(format_seconds(1e300) == "1e+300 s");
  CHECK(format_seconds(2.24e-18) == "2.24e-12 us");
  // Rates: likewise, and small rates keep their digits.
  CHECK(format_rate(28263.4) == "28,263");
  CHECK(format_rate(5.42e19) == "5.42e+19");
  CHECK(format_rate(4.48e-17) == "4.48e-17");
  CHECK(format_gib(1e-18 * 1024 * 1024 * 1024) == "1e-18 GiB");
  CHECK(format_gib(9e18 * 1024 * 1024 * 1024) == "9e+18 GiB");
  // Not finite never prints as nan or inf.
  CHECK(format_rate(std::numeric_limits<double>::quiet_NaN()) == "-");
  CHECK(format_rate(std::numeric_limits<double>::infinity()) == "-");
  CHECK(json_real(std::numeric_limits<double>::infinity()).is_null());
  CHECK(json_real(2.08e19).get<double>() == 2.08e19);
}

TEST_CASE("invalid UTF-8 is written as U+FFFD in JSON, never thrown") {
  Table t(std::vector<Column>{{"id", "ID"}});
  t.add_row({{"\xff\xfe", "\xff\xfe"}});
  t.add_row({{"\xc3", "a\xc3"}});
  CHECK_NOTHROW(render(t, Format::json));
  CHECK(exctl::dump_json(to_json(t)) ==
        "[{\"id\":\"\xef\xbf\xbd\xef\xbf\xbd\"},{\"id\":\"a\xef\xbf\xbd\"}]");
  nlohmann::json plain = "x\xff";
  CHECK(exctl::dump_json(plain) == "\"x\xef\xbf\xbd\"");
}

TEST_CASE("append_json_string writes what dump_json writes, byte for byte") {
  // Random texts over the bytes that matter: controls, quotes, backslashes, DEL, UTF-8
  // leads and continuations (valid and broken sequences), plain ASCII.
  const std::string alphabet = std::string("\x00\x01\x08\x09\x0a\x0c\x0d\x1f \"\\/aZ\x7f", 15) +
                               "\x80\xbf\xc2\xc3\x97\xe2\x80\x93\xed\xa0\xf0\x9f\x98\xf4\x90\xff";
  std::mt19937 rng(7);
  int invalid = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    size_t len = rng() % 12;
    for (size_t i = 0; i < len; ++i)
      s += alphabet[rng() % alphabet.size()];
    std::string fast;
    exctl::append_json_string(fast, s);
    REQUIRE(fast == exctl::dump_json(nlohmann::json(s)));
    invalid += exctl::valid_utf8(s) ? 0 : 1;
  }
  CHECK(invalid > 1000);  // both paths were taken
  CHECK(invalid < 19000);
}

TEST_CASE("JsonObjectText writes the object ordered_json would") {
  nlohmann::ordered_json inner = {{"b", 1}, {"a", "x\"y"}};
  exctl::JsonObjectText o;
  o.member("version", 1);
  o.member_text("svg", "\"<svg/>\"");
  o.member("inner", inner);
  nlohmann::ordered_json whole;
  whole["version"] = 1;
  whole["svg"] = "<svg/>";
  whole["inner"] = inner;
  CHECK(std::move(o).finish() == exctl::dump_json(whole));
  CHECK(exctl::JsonObjectText().finish() == "{}");
}

TEST_CASE("valid_utf8 accepts well-formed text only") {
  using exctl::valid_utf8;
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("H100 \xc3\x97 2 \xe2\x80\x93 \xf0\x9f\x98\x80"));
  CHECK_FALSE(valid_utf8("\xff"));
  CHECK_FALSE(valid_utf8("\xc3"));              // truncated
  CHECK_FALSE(valid_utf8("\xc0\xaf"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xe0\x80\xaf"));      // overlong
  CHECK_FALSE(valid_utf8("\xed\xa0\x80"));      // a surrogate
  CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(valid_utf8("a\x80"));             // a lone continuation byte
}

TEST_CASE("a non-finite number is null in JSON and its text in CSV") {
  Table t(std::vector<Column>{{"x", "X", true}});
  t.add_row({{"Inf", std::numeric_limits<double>::infinity()}});
  CHECK(render_csv(t) == "x\nInf\n");
  CHECK(exctl::dump_json(to_json(t)) == R"([{"x":null}])");
}

TEST_CASE("squash_name: the form names are looked up and checked in") {
  using exctl::is_squashed_name;
  using exctl::squash_name;
  CHECK(squash_name("H100-SXM") == "h100sxm");
  CHECK(squash_name("h 100 sxm") == "h100sxm");
  CHECK(squash_name("--") == "");
  CHECK(squash_name("") == "");
  CHECK(squash_name("\xe6\x98\x87\xe8\x85\xbe 910C") ==
        "\xe6\x98\x87\xe8\x85\xbe"
        "910c");  // kept
  CHECK(is_squashed_name("h100sxm"));
  CHECK_FALSE(is_squashed_name("h100-sxm"));
  CHECK_FALSE(is_squashed_name("H100"));
}
