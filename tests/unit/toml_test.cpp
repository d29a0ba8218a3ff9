// engine/base/toml_reader: the one strict TOML reader, in the wording of each file kind.
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/base/toml_reader.hpp"

using namespace exctl;

namespace {

constexpr auto kTable = TomlFileKind::one_code("E0117", "", TomlFileKind::Wording::decision_tables);

SourcePtr source(const std::string& text) {
  return std::make_shared<SourceFile>("t.toml", text);
}

std::vector<std::string> messages(const DiagnosticSink& sink) {
  std::vector<std::string> out;
  for (const auto& d : sink.sorted())
    out.push_back(d.code + " " + d.message);
  return out;
}

}  // namespace

TEST_CASE("a syntax error is reported in the file kind's code and wording") {
  DiagnosticSink chip, table;
  TomlFile a(source("a = \n"), chip, kChipFileKind);
  TomlFile b(source("a = \n"), table, kTable);
  CHECK_FALSE(a.parse());
  CHECK_FALSE(b.parse());
  CHECK(messages(chip) ==
        std::vector<std::string>{"E0201 toml syntax error: error while parsing key-value pair: "
                                 "expected value, saw '\\n'"});
  CHECK(messages(table) ==
        std::vector<std::string>{"E0117 toml syntax error: Error while parsing key-value pair: "
                                 "expected value, saw '\\n'"});
  CHECK(a.errors() == 1);
}

TEST_CASE("chip files: strict keys with a hint, exact numbers, typed values") {
  DiagnosticSink sink;
  TomlFile file(source("id = \"x\"\nyaer = 2024\ntdp_w = 299.99999999999999999\n"
                       "aliases = [\"a\", 2, \"b\"]\n"),
                sink, kChipFileKind);
  const toml::table* root = file.parse();
  REQUIRE(root);
  TableReader r = file.reader(*root);
  CHECK(r.string("id", true) == "x");
  CHECK_FALSE(r.integer("year", 1990, 2100));
  CHECK_FALSE(r.number("tdp_w"));
  CHECK(r.strings("aliases") == std::vector<std::string>{"a", "b"});  // the bad item left out
  CHECK_FALSE(r.strings("notes"));
  r.finish();
  CHECK(messages(sink) ==
        std::vector<std::string>{"E0204 unknown key 'yaer'",
                                 "E0206 'tdp_w' is 299.99999999999999999, which exctl cannot hold "
                                 "exactly (spec values go up to 1,000,000,000 in steps of 0.0001)",
                                 "E0205 'aliases[1]' must be a string, found integer"});
  CHECK(sink.sorted()[0].notes == std::vector<std::string>{"did you mean 'year'?"});
}

TEST_CASE("decision tables: listed keys, what a string holds, dates, a float as written") {
  DiagnosticSink sink;
  TomlFile file(source("regime = 1\nbogus = true\n[[case]]\ndate = 2025-06-30\nx = 1\n"
                       "paragraphs = \"3A090.a\"\n[[case]]\ndate = \"2025-02-30\"\n"
                       "paragraphs = [\"a\", 1]\n[[case]]\ndate = \"2024-01-01\"\n"
                       "spec = { tpp = 4799.99999999999999999 }\nto = 5\n"),
                sink, kTable);
  const toml::table* root = file.parse();
  REQUIRE(root);
  TableReader top = file.reader(*root);
  top.only({"regime", "case"}, "a decision table");
  CHECK_FALSE(top.string("regime", false, "a regime id"));
  const toml::array* cases = top.tables("case");
  REQUIRE(cases);
  REQUIRE(cases->size() == 3);
  TableReader c0 = top.child(*cases->get(0)->as_table(), "");
  TableReader c1 = top.child(*cases->get(1)->as_table(), "");
  TableReader c2 = top.child(*cases->get(2)->as_table(), "");
  CHECK(c0.date("date") == 20250630);
  CHECK_FALSE(c0.strings("paragraphs"));
  CHECK_FALSE(c1.date("date"));
  CHECK_FALSE(c1.strings("paragraphs"));
  CHECK(c2.date("date") == 20240101);
  const toml::table* spec = c2.table("spec");
  REQUIRE(spec);
  CHECK(file.text(*spec->get("tpp")) == "4799.99999999999999999");
  CHECK(file.type_name(*c2.take("to")) == "an integer");
  CHECK(messages(sink) == std::vector<std::string>{
                              "E0117 'regime' must be a string (a regime id), found an integer",
                              "E0117 unknown key 'bogus' in a decision table (known: regime, case)",
                              "E0117 'paragraphs' must be an array of strings (write [\"...\"] "
                              "even for one), found a string",
                              "E0117 'date' must be a date like \"2025-06-30\", not '2025-02-30'",
                              "E0117 'paragraphs' must be an array of strings, found an integer "
                              "in it",
                          });
  CHECK(file.errors() == 5);
  // What no read took, for a reader that words the report itself.
  REQUIRE(c0.unknown_keys().size() == 1);
  CHECK(c0.unknown_keys()[0]->str() == "x");
  CHECK(c2.unknown_keys().empty());
}

TEST_CASE("non-ASCII text: kept inside strings and comments, refused outside before toml++") {
  // Inside every kind of string and a comment: read as written.
  DiagnosticSink good;
  TomlFile ok(source("\xEF\xBB\xBFname = \"caf\xC3\xA9\"  # \xC3\xA9t\xC3\xA9\n"
                     "lit = 'na\xC3\xAFve'\nmulti = \"\"\"\n\xE6\x98\x87\xE8\x85\xBE\"\"\"\"\"\n"
                     "raw = '''\n\xC2\xA0'''\n\"cl\xC3\xA9\" = 1\n"),
              good, kChipFileKind);
  REQUIRE(ok.parse());
  CHECK_FALSE(good.has_errors());
  // A no-break space as whitespace (toml++ 3.3.0 reached __builtin_unreachable there) and a
  // non-ASCII bare key: E0201 at the character, never handed to toml++.
  for (const char* text : {"vendor\xC2\xA0= \"x\"\n",
                           "a = 1\n\xE3\x80\x80"
                           "b = 2\n",
                           "k\xC3\xA9y = 1\n",
                           // A quote after a bare value opens no string: toml++ reads on
                           // through it (the fuzzer's find, tests/fuzz_regressions/model/).
                           "id =0\"en\xEF\xBB\xBB\"\n", "a = 'x' \"\xC3\xA9\"\n", "id =0e.\"\xEF\xBB\xBB\"\n",
                           // Where toml++ tests a character inside a string for whitespace:
                           // after a backslash, and after a line-ending backslash.
                           "a = \"\"\"x\\\xEF\xBB\xAF\"\"\"\n", "a = \"\"\"x\\\n  \xEF\xB1\xBFs\"\"\"\n"}) {
    DiagnosticSink bad;
    TomlFile file(source(text), bad, kChipFileKind);
    CHECK_FALSE(file.parse());
    REQUIRE(bad.has_errors());
    CHECK(bad.sorted().front().code == "E0201");
    CHECK(bad.sorted().front().message.find("non-ASCII character outside a string") !=
          std::string::npos);
  }
}
