#include <catch2/catch.hpp>

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
  CHECK(j.dump() == R"([{"id":"a","tpp":4800,"note":"x,y"},{"id":"bb","tpp":null,"note":"say \"hi\""}])");
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
