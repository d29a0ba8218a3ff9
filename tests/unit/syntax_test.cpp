// engine/syntax: rule text to the parsed tree (with byte spans), E0301 syntax errors, and
// the canonical layout of `exctl fmt`.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/variant/get.hpp>
#include <catch2/catch.hpp>

#include "tests/unit/marked.hpp"

#include "engine/base/diagnostic.hpp"
#include "engine/base/source.hpp"
#include "engine/syntax/ast.hpp"
#include "engine/syntax/format.hpp"
#include "engine/syntax/parser.hpp"

namespace {

using namespace exctl;
using namespace exctl::syntax;

struct Parsed {
  SourcePtr source;
  DiagnosticSink sink;
  std::optional<RuleFile> file;
};

Parsed parse_text(const std::string& text, const std::string& path = "test.rules") {
  Parsed p;
  p.source = std::make_shared<SourceFile>(path, text);
  p.file = parse(p.source, p.sink);
  return p;
}

// The text a node's span covers.
std::string slice(const Parsed& p, const Located& n) {
  REQUIRE(n.begin <= n.end);
  REQUIRE(n.end <= p.source->text().size());
  return p.source->text().substr(n.begin, n.end - n.begin);
}

using testing::Marked;
using testing::marked;

// The one regime of a file that must parse.
const Regime& only_regime(const Parsed& p) {
  INFO(render_text(p.sink));
  REQUIRE(p.file);
  REQUIRE(p.sink.empty());
  REQUIRE(p.file->regimes.size() == 1);
  return p.file->regimes.front();
}

template <typename T>
const T& get_as(const Item& item) {
  const T* x = boost::get<T>(&item.get());
  REQUIRE(x != nullptr);
  return *x;
}

template <typename T>
const T& get_as(const Operand& op) {
  const T* x = boost::get<T>(&op.get());
  REQUIRE(x != nullptr);
  return *x;
}

// Each precedence level wraps the next in an Expr; these walk down the wrapping.
const Operand& leftmost(const Operand& op) {
  const Operand* o = &op;
  while (const auto* e = boost::get<x3::forward_ast<Expr>>(&o->get()))
    o = &e->get().first;
  return *o;
}
// The first level (from the top) that has operators.
const Expr& with_operators(const Expr& e) {
  const Expr* x = &e;
  while (x->rest.empty()) {
    const auto* inner = boost::get<x3::forward_ast<Expr>>(&x->first.get());
    REQUIRE(inner != nullptr);
    x = &inner->get();
  }
  return *x;
}

// Parses `clause` as the only item of a regime.
struct OneItem {
  Parsed parsed;
  const Item* item = nullptr;
};
OneItem parse_clause(const std::string& clause) {
  OneItem o;
  o.parsed = parse_text("regime r {\n  " + clause + "\n}\n");
  const Regime& r = only_regime(o.parsed);
  REQUIRE(r.items.size() == 1);
  o.item = &r.items.front();
  return o;
}

std::vector<std::string> names(const std::vector<Name>& v) {
  std::vector<std::string> out;
  for (const auto& n : v)
    out.push_back(n.text);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> shipped_rule_files() {
  std::vector<std::string> out;
  for (const char* dir : {"rules", "examples"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(EXCTL_SOURCE_DIR) / dir)) {
      if (entry.path().extension() == ".rules") out.push_back(entry.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

// ---- the tree and its spans -------------------------------------------------------------

TEST_CASE("a minimal regime parses, with spans on the tokens") {
  // Comments and blank lines before the regime are not part of its span.
  const std::string text = "# a comment\n\nregime draft-x {\n  status draft\n}\n";
  Parsed p = parse_text(text);
  const Regime& r = only_regime(p);
  CHECK(r.id.text == "draft-x");
  CHECK_FALSE(r.parent.has_value());
  CHECK(r.begin == text.find("regime"));
  CHECK(slice(p, r) == "regime draft-x {\n  status draft\n}");
  CHECK(r.id.begin == text.find("draft-x"));
  CHECK(slice(p, r.id) == "draft-x");
  REQUIRE(r.items.size() == 1);
  const Meta& m = get_as<Meta>(r.items[0]);
  CHECK(m.key == "status");
  CHECK(m.value == "draft");
  CHECK(slice(p, m) == "status draft");
}

TEST_CASE("an empty file is no regimes, not an error") {
  for (std::string text : {"", "\n\n", "# only a comment\n// and another\n"}) {
    Parsed p = parse_text(text);
    REQUIRE(p.file);
    CHECK(p.file->regimes.empty());
    CHECK(p.sink.empty());
  }
}

TEST_CASE("spans of a control, its condition and operands point at their bytes") {
  // The clause spans two lines; its span ends at the closing quote of the cite.
  Marked m = marked(
      "regime r {\n  status draft\n  «control \"3A090.a\" when tpp >= 4800\n      cite \"a.1\"»  # "
      "why\n}\n");
  Parsed p = parse_text(m.text);
  const Regime& r = only_regime(p);
  const Control& c = get_as<Control>(r.items.at(1));
  CHECK(c.begin == m.begin);
  CHECK(c.end == m.end);
  CHECK(c.paragraph == "3A090.a");
  CHECK(c.cite == "a.1");
  CHECK(slice(p, c.condition) == "tpp >= 4800");
  const Expr& inner = with_operators(c.condition);  // the comparison level
  CHECK(slice(p, inner) == "tpp >= 4800");
  const Name& lhs = get_as<Name>(leftmost(inner.first));
  CHECK(lhs.text == "tpp");
  CHECK(lhs.begin == m.text.find("tpp"));
  CHECK(slice(p, lhs) == "tpp");
  REQUIRE(inner.rest.size() == 1);
  CHECK(inner.rest[0].op == ">=");
  CHECK(slice(p, inner.rest[0]) == ">= 4800");
  const Number& rhs = get_as<Number>(leftmost(inner.rest[0].operand));
  CHECK(rhs.digits == "4800");
  CHECK(rhs.unit.empty());
  CHECK(slice(p, rhs) == "4800");
}

TEST_CASE("numbers keep their digits and unit as written, and the span covers both") {
  struct Case {
    std::string literal, digits, unit;
  };
  auto c = GENERATE(values<Case>({
      {"4800", "4800", ""},
      {"1.4 TB/s", "1.4", "TB/s"},
      {"1400 GB/s", "1400", "GB/s"},
      {"1.4TB/s", "1.4", "TB/s"},  // no space needed
      {"500 MB/s", "500", "MB/s"},
      {"5.92 /mm2", "5.92", "/mm2"},
      {"5.92 /mm²", "5.92", "/mm²"},
      {"2 GB/s/mm2", "2", "GB/s/mm2"},  // the longest unit wins over GB/s
      {"80 GB", "80", "GB"},
      {"814 mm2", "814", "mm2"},
      {"700 W", "700", "W"},
      {"1.5 kW", "1.5", "kW"},
      {"30 billion", "30", "billion"},
      {"2 million", "2", "million"},
      {"30e9", "30e9", ""},
      {"1_000", "1_000", ""},
  }));
  INFO(c.literal);
  OneItem o = parse_clause("param x = " + c.literal);
  const Param& param = get_as<Param>(*o.item);
  CHECK(param.name.text == "x");
  const Expr& level = get_as<x3::forward_ast<Expr>>(param.value.first).get();
  const Number& n = get_as<Number>(leftmost(param.value.first));
  CHECK(n.digits == c.digits);
  CHECK(n.unit == c.unit);
  CHECK(slice(o.parsed, n) == c.literal);
  CHECK(slice(o.parsed, level) == c.literal);
}

TEST_CASE("a unit needs a word boundary: '/ mm2_cap' divides by a name") {
  OneItem o = parse_clause("param x = 10 /mm2_cap");
  const Param& param = get_as<Param>(*o.item);
  const Expr* product = &with_operators(param.value);
  CHECK(get_as<Number>(leftmost(product->first)).unit.empty());
  REQUIRE(product->rest.size() == 1);
  CHECK(product->rest[0].op == "/");
  CHECK(get_as<Name>(product->rest[0].operand).text == "mm2_cap");
}

TEST_CASE("regime properties parse into key and value") {
  struct Case {
    std::string clause, key, value;
  };
  auto c = GENERATE(values<Case>({
      {"title \"Advanced computing\"", "title", "Advanced computing"},
      {"citation \"88 FR 73458\"", "citation", "88 FR 73458"},
      {"note \"a \\\"quoted\\\" word\"", "note", "a \\\"quoted\\\" word"},
      {"applies_to \"foundries\"", "applies_to", "foundries"},
      {"effective 2023-11-17", "effective", "2023-11-17"},
      {"ends 2024-12-02", "ends", "2024-12-02"},
      {"status in_force", "status", "in_force"},
      {"supersedes us-2022-10", "supersedes", "us-2022-10"},
  }));
  INFO(c.clause);
  OneItem o = parse_clause(c.clause);
  const Meta& m = get_as<Meta>(*o.item);
  CHECK(m.key == c.key);
  // The string rule keeps escapes as written; what matters is that the quote did not end it.
  CHECK((m.value == c.value || m.value == "a \"quoted\" word"));
  CHECK(slice(o.parsed, m) == c.clause);
}

TEST_CASE("param and metric clauses") {
  SECTION("a param with a unit") {
    OneItem o = parse_clause("param mem_cap = 1.4 TB/s");
    const Param& p = get_as<Param>(*o.item);
    CHECK(p.name.text == "mem_cap");
    CHECK(slice(o.parsed, p.name) == "mem_cap");
    CHECK(slice(o.parsed, p.value) == "1.4 TB/s");
    CHECK(slice(o.parsed, p) == "param mem_cap = 1.4 TB/s");
  }
  SECTION("a metric: 'or' binds looser than 'and', parentheses group") {
    OneItem o = parse_clause(
        "metric meets_a = tpp >= tpp_a or (tpp >= tpp_floor and performance_density >= pd_a)");
    const Metric& m = get_as<Metric>(*o.item);
    CHECK(m.name.text == "meets_a");
    // Top level: one 'or' joining two conjunctions.
    REQUIRE(m.value.rest.size() == 1);
    CHECK(m.value.rest[0].op == "or");
    CHECK(slice(o.parsed, m.value.rest[0]) ==
          "or (tpp >= tpp_floor and performance_density >= pd_a)");
  }
  SECTION("arithmetic: '*' binds tighter than '+'") {
    OneItem o = parse_clause("metric io = a + b * 2");
    const Metric& m = get_as<Metric>(*o.item);
    const Expr* sum = &with_operators(m.value);
    REQUIRE(sum->rest.size() == 1);
    CHECK(sum->rest[0].op == "+");
    CHECK(slice(o.parsed, sum->rest[0]) == "+ b * 2");
  }
}

TEST_CASE("control, exclude, propagate, flag and drop clauses") {
  SECTION("control with cite") {
    OneItem o = parse_clause("control \"3A090.a\" when meets_a cite \"3A090.a.1\"");
    const Control& c = get_as<Control>(*o.item);
    CHECK(c.paragraph == "3A090.a");
    CHECK(c.cite == "3A090.a.1");
    CHECK(slice(o.parsed, c.condition) == "meets_a");
  }
  SECTION("control without cite") {
    OneItem o = parse_clause("control \"x\" when not datacenter");
    const Control& c = get_as<Control>(*o.item);
    CHECK(c.cite.empty());
    // `not` is a prefix node somewhere under the condition.
    const Not& n = get_as<x3::forward_ast<Not>>(leftmost(c.condition.first)).get();
    CHECK(n.op == "not");
    CHECK(slice(o.parsed, n) == "not datacenter");
  }
  SECTION("confirmed is a prefix operator too") {
    OneItem o = parse_clause("control \"x\" when not confirmed safe");
    const Control& c = get_as<Control>(*o.item);
    const Not& outer = get_as<x3::forward_ast<Not>>(leftmost(c.condition.first)).get();
    CHECK(outer.op == "not");
    const Not& inner = get_as<x3::forward_ast<Not>>(outer.operand).get();
    CHECK(inner.op == "confirmed");
  }
  SECTION("exclude from several paragraphs") {
    OneItem o = parse_clause(
        "exclude \"Note 2\" from \"3A090.a\", \"3A090.b\" when not datacenter and tpp < tpp_a cite "
        "\"Note 2\"");
    const Exclude& x = get_as<Exclude>(*o.item);
    CHECK(x.note == "Note 2");
    CHECK(x.targets == std::vector<std::string>{"3A090.a", "3A090.b"});
    CHECK(slice(o.parsed, x.condition) == "not datacenter and tpp < tpp_a");
    CHECK(x.cite == "Note 2");
  }
  SECTION("propagate from several paragraphs") {
    OneItem o = parse_clause("propagate \".z\" from \"3A090.a\", \"3A090.b\"");
    const Propagate& p = get_as<Propagate>(*o.item);
    CHECK(p.item == ".z");
    CHECK(p.sources == std::vector<std::string>{"3A090.a", "3A090.b"});
  }
  SECTION("flag") {
    OneItem o = parse_clause("flag \"2028 gap\" when export_year == 2028");
    const Flag& f = get_as<Flag>(*o.item);
    CHECK(f.message == "2028 gap");
    CHECK(slice(o.parsed, f.condition) == "export_year == 2028");
  }
  SECTION("drop") {
    OneItem o = parse_clause("drop \"3A090.b\"");
    const Drop& d = get_as<Drop>(*o.item);
    CHECK(d.paragraph == "3A090.b");
    CHECK(slice(o.parsed, d) == "drop \"3A090.b\"");
  }
}

TEST_CASE("licence clauses: groups, except, policy, since, when, headquarters, shipped to") {
  SECTION("to groups with except, policy, since, when and cite") {
    OneItem o = parse_clause(
        "licence for \"3A090.a\", \"3A090.b\" to groups D1, D4, D5, MO except groups A5, A6 "
        "policy presumption_of_approval since 2023-01-18 when tpp < 21000 cite \"742.6\"");
    const Licence& l = get_as<Licence>(*o.item);
    CHECK(l.targets == std::vector<std::string>{"3A090.a", "3A090.b"});
    CHECK_FALSE(l.headquarters);
    CHECK(names(l.groups) == std::vector<std::string>{"D1", "D4", "D5", "MO"});
    CHECK(names(l.except_groups) == std::vector<std::string>{"A5", "A6"});
    CHECK(l.shipped_to.empty());
    CHECK(l.policy == "presumption_of_approval");
    CHECK(l.since == "2023-01-18");
    REQUIRE(l.condition.has_value());
    CHECK(slice(o.parsed, *l.condition) == "tpp < 21000");
    CHECK(l.cite == "742.6");
    // Group names carry their own spans (E0412 points at them).
    CHECK(slice(o.parsed, l.groups[2]) == "D5");
  }
  SECTION("the word 'groups' is optional; ISO codes and worldwide are names") {
    OneItem o = parse_clause("licence for \"x\" to CN, HK");
    const Licence& l = get_as<Licence>(*o.item);
    CHECK(names(l.groups) == std::vector<std::string>{"CN", "HK"});
    CHECK(l.policy.empty());
    CHECK(l.since.empty());
    CHECK_FALSE(l.condition.has_value());
  }
  SECTION("for any") {
    OneItem o = parse_clause("licence for any to worldwide except D5");
    const Licence& l = get_as<Licence>(*o.item);
    CHECK(l.targets == std::vector<std::string>{"*"});
    CHECK(names(l.groups) == std::vector<std::string>{"worldwide"});
    CHECK(names(l.except_groups) == std::vector<std::string>{"D5"});
  }
  SECTION("to headquarters in ... shipped to ...") {
    OneItem o = parse_clause(
        "licence for \"3A090.a\" to headquarters in CN, HK, MO shipped to CN, HK, MO\n"
        "      policy case_by_case when tpp < tpp_cbc");
    const Licence& l = get_as<Licence>(*o.item);
    CHECK(l.headquarters);
    CHECK(names(l.groups) == std::vector<std::string>{"CN", "HK", "MO"});
    CHECK(names(l.shipped_to) == std::vector<std::string>{"CN", "HK", "MO"});
    CHECK(l.policy == "case_by_case");
    REQUIRE(l.condition.has_value());
  }
}

TEST_CASE("exception clauses: to, except, when, limit, per, since, until") {
  SECTION("every part") {
    OneItem o = parse_clause(
        "exception LPP for \"3A090.a\" to worldwide except TIER1, D5, MO when datacenter limit "
        "26900000 "
        "per \"consignee per year\" since 2025-01-13 until 2025-05-13 cite \"740.29\"");
    const Exception& x = get_as<Exception>(*o.item);
    CHECK(x.name.text == "LPP");
    CHECK(x.targets == std::vector<std::string>{"3A090.a"});
    CHECK(names(x.where.groups) == std::vector<std::string>{"worldwide"});
    CHECK(names(x.where.except_groups) == std::vector<std::string>{"TIER1", "D5", "MO"});
    REQUIRE(x.condition.has_value());
    CHECK(slice(o.parsed, *x.condition) == "datacenter");
    REQUIRE(x.limit.has_value());
    CHECK(slice(o.parsed, *x.limit) == "26900000");
    CHECK(x.per == "consignee per year");
    CHECK(x.since == "2025-01-13");
    CHECK(x.until == "2025-05-13");
    CHECK(x.cite == "740.29");
  }
  SECTION("only the name and targets") {
    OneItem o = parse_clause("exception HBM for \"3A090.c\"");
    const Exception& x = get_as<Exception>(*o.item);
    CHECK(x.name.text == "HBM");
    CHECK(x.where.groups.empty());
    CHECK_FALSE(x.condition.has_value());
    CHECK_FALSE(x.limit.has_value());
    CHECK(x.since.empty());
    CHECK(x.until.empty());
  }
}

TEST_CASE("extends names the parent, and a child may override and drop") {
  const std::string text =
      "regime child extends us-2023-10 {\n"
      "  status draft\n"
      "  param tpp_a = 5000\n"
      "  control \"3A090.a\" when tpp >= tpp_a\n"
      "  drop \"3A090.b\";\n"  // a ';' may end a clause
      "}\n";
  Parsed p = parse_text(text);
  const Regime& r = only_regime(p);
  CHECK(r.id.text == "child");
  REQUIRE(r.parent.has_value());
  CHECK(r.parent->text == "us-2023-10");
  CHECK(r.parent->begin == text.find("us-2023-10"));
  CHECK(slice(p, *r.parent) == "us-2023-10");
  REQUIRE(r.items.size() == 4);
  CHECK(get_as<Param>(r.items[1]).name.text == "tpp_a");
  CHECK(get_as<Control>(r.items[2]).paragraph == "3A090.a");
  CHECK(get_as<Drop>(r.items[3]).paragraph == "3A090.b");
}

TEST_CASE("several regimes in one file") {
  Parsed p = parse_text("regime a { status draft }\nregime b extends a { status draft }\n");
  REQUIRE(p.file);
  REQUIRE(p.file->regimes.size() == 2);
  CHECK(p.file->regimes[0].id.text == "a");
  CHECK(p.file->regimes[1].parent->text == "a");
}

TEST_CASE("every shipped rule file parses") {
  auto path = GENERATE(from_range(shipped_rule_files()));
  INFO(path);
  Parsed p = parse_text(read_file(path), path);
  INFO(render_text(p.sink));
  REQUIRE(p.file);
  CHECK(p.sink.empty());
  CHECK_FALSE(p.file->regimes.empty());
}

// ---- syntax errors ----------------------------------------------------------------------

TEST_CASE("syntax errors are E0301 at the failing token, saying what was expected") {
  struct Case {
    std::string name;
    std::string text;  // «» marks the expected span
    std::string message;
    std::string position;  // line:col as printed
  };
  auto c = GENERATE(values<Case>({
      {"missing when", "regime r {\n  status draft\n  control \"x\" «tpp» >= 1\n}\n",
       "syntax error: expected 'when', found 'tpp'", "3:15"},
      {"unclosed parenthesis", "regime r {\n  control \"x\" when (tpp >= 1\n«}»\n",
       "syntax error: expected ')', found '}'", "3:1"},
      {"unknown clause", "regime r {\n  «frobnicate» 3\n}\n",
       "syntax error: expected a clause (title, status, param, metric, control, exclude, licence, "
       "exception, flag, ...) or '}', found 'frobnicate'",
       "2:3"},
      {"short date", "regime r {\n  effective «2023-1-05»\n}\n",
       "syntax error: expected a date (YYYY-MM-DD), found '2023-1-05'", "2:13"},
      {"missing regime id", "regime «{»\n}\n", "syntax error: expected a regime id, found '{'",
       "1:8"},
      {"param without a name", "regime r {\n  param «=» 3\n}\n",
       "syntax error: expected a name, found '='", "2:9"},
      {"operator without operand", "regime r {\n  control \"x\" when tpp >= «}»\n",
       "syntax error: expected a value, found '}'", "2:27"},
      {"licence without groups", "regime r {\n  licence for \"x\" to «,» D5\n}\n",
       "syntax error: expected country groups, found ','", "2:22"},
  }));
  INFO(c.name);
  Marked m = marked(c.text);
  Parsed p = parse_text(m.text);
  CHECK_FALSE(p.file);
  auto diags = p.sink.sorted();
  REQUIRE(diags.size() == 1);
  const Diagnostic& d = diags.front();
  CHECK(d.code == "E0301");
  CHECK(d.severity == Severity::error);
  CHECK(d.message == c.message);
  CHECK(d.span.begin == m.begin);
  CHECK(d.span.end == m.end);
  std::string rendered = render_text(d);
  CHECK_THAT(rendered, Catch::StartsWith("test.rules:" + c.position + ": error[E0301]: "));
}

TEST_CASE("syntax errors at the end of the text or in a string do not crash") {
  struct Case {
    std::string name, text, message_start;
  };
  auto c = GENERATE(values<Case>({
      {"unterminated regime", "regime r {\n  status draft\n", "syntax error: expected a clause"},
      {"unterminated regime, no newline", "regime r {", "syntax error: expected a clause"},
      {"unterminated string", "regime r {\n  title \"abc\n}\n", "syntax error: expected"},
      {"text outside a regime", "hello world\n", "syntax error: expected"},
      {"a second regime broken", "regime a { status draft }\nregime b {\n",
       "syntax error: expected"},
      {"stray close brace", "regime a { status draft }\n}\n", "syntax error: expected"},
  }));
  INFO(c.name);
  Parsed p = parse_text(c.text);
  CHECK_FALSE(p.file);
  auto diags = p.sink.sorted();
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].code == "E0301");
  CHECK_THAT(diags[0].message, Catch::StartsWith(c.message_start));
  // The span stays within the text (or just past its end), and both renderings work.
  CHECK(diags[0].span.begin <= c.text.size());
  CHECK_NOTHROW(render_text(p.sink));
  CHECK_NOTHROW(to_json(p.sink).dump());
}

TEST_CASE("an error at the end of the file says 'end of file' at the last line") {
  const std::string text = "regime r {\n  status draft\n";
  Parsed p = parse_text(text);
  auto diags = p.sink.sorted();
  REQUIRE(diags.size() == 1);
  CHECK_THAT(diags[0].message, Catch::EndsWith("found end of file"));
  CHECK(diags[0].span.begin == text.size());
  auto json = to_json(diags[0]);
  CHECK(json["line"] == 3);
  CHECK(json["column"] == 1);
}

TEST_CASE("several files with syntax errors give one E0301 each in one run") {
  // The parser stops at a file's first error (parser.hpp); other files are still parsed,
  // so a run reports every broken file, sorted by file and position.
  DiagnosticSink sink;
  auto a = std::make_shared<SourceFile>("a.rules", "regime a {\n  control \"x\" tpp >= 1\n}\n");
  auto b = std::make_shared<SourceFile>("b.rules", "regime b {\n  status draft\n  frobnicate\n}\n");
  auto ok = std::make_shared<SourceFile>("c.rules", "regime c { status draft }\n");
  CHECK_FALSE(parse(b, sink));
  CHECK_FALSE(parse(a, sink));
  CHECK(parse(ok, sink));
  auto diags = sink.sorted();
  REQUIRE(diags.size() == 2);
  CHECK(diags[0].span.file->path() == "a.rules");
  CHECK(diags[1].span.file->path() == "b.rules");
  CHECK(render_text(sink).find("a.rules:2:15: error[E0301]") != std::string::npos);
  CHECK(render_text(sink).find("b.rules:3:3: error[E0301]") != std::string::npos);
}

TEST_CASE("within one file the first syntax error is the one reported") {
  const std::string text = "regime a {\n  control \"x\" tpp >= 1\n  frobnicate\n}\n";
  Parsed p = parse_text(text);
  CHECK_FALSE(p.file);
  auto diags = p.sink.sorted();
  REQUIRE_FALSE(diags.empty());
  CHECK(diags[0].code == "E0301");
  CHECK(p.source->position(diags[0].span.begin).line == 2);
}

// ---- fmt --------------------------------------------------------------------------------

TEST_CASE("fmt lays out clauses, continuation lines and blanks canonically") {
  struct Case {
    std::string name, input, output;
  };
  auto c = GENERATE(values<Case>({
      {"indents clauses two spaces", "regime r {\nstatus draft\n        title \"t\"\n}",
       "regime r {\n  status draft\n  title \"t\"\n}\n"},
      {"continuation lines four more",
       "regime r {\ncontrol \"x\" when tpp >= 1\nor tpp < 0\ncite \"c\"\n}\n",
       "regime r {\n  control \"x\" when tpp >= 1\n      or tpp < 0\n      cite \"c\"\n}\n"},
      {"collapses blank runs outside strings",
       "regime r {\n  param   x  =\t1.4   TB/s\n  title \"a   b\"\n}\n",
       "regime r {\n  param x = 1.4 TB/s\n  title \"a   b\"\n}\n"},
      {"one blank line at most, none at the start",
       "\n\n\nregime r {\n  status draft\n\n\n\n  title \"t\"\n}\n\n\n",
       "regime r {\n  status draft\n\n  title \"t\"\n}\n"},
      {"trailing blanks and CRLF go", "regime r {   \r\n  status draft\t\r\n}\r\n",
       "regime r {\n  status draft\n}\n"},
      {"braces in strings and comments do not count",
       "regime r {\nnote \"{ not a brace\" # } nor this\nstatus draft\n}\n",
       "regime r {\n  note \"{ not a brace\" # } nor this\n  status draft\n}\n"},
      {"a '#' inside a string is not a comment", "regime r {\ncite_line \"a # b\"   \n}\n",
       "regime r {\n      cite_line \"a # b\"\n}\n"},
  }));
  INFO(c.name);
  CHECK(format(c.input) == c.output);
}

TEST_CASE("fmt keeps comments, whole-line and trailing, '#' and '//'") {
  const std::string input =
      "# header comment\n"
      "regime r {   # after the brace\n"
      "      // slashes\n"
      "status draft#tight\n"
      "  param x = 1    // spaced\n"
      "}\n"
      "# footer\n";
  const std::string expected =
      "# header comment\n"
      "regime r { # after the brace\n"
      "  // slashes\n"
      "  status draft #tight\n"
      "  param x = 1 // spaced\n"
      "}\n"
      "# footer\n";
  std::string out = format(input);
  CHECK(out == expected);
  CHECK(format(out) == out);
  // The formatted text is still the same rules.
  Parsed before = parse_text(input), after = parse_text(out);
  REQUIRE(before.file);
  REQUIRE(after.file);
  CHECK(after.file->regimes.at(0).items.size() == before.file->regimes.at(0).items.size());
}

TEST_CASE("fmt is idempotent and the shipped rule files are canonical") {
  auto path = GENERATE(from_range(shipped_rule_files()));
  INFO(path);
  const std::string text = read_file(path);
  const std::string once = format(text);
  CHECK(format(once) == once);
  CHECK(once == text);  // what `exctl fmt --check` enforces in ctest
}

TEST_CASE("fmt undoes whitespace damage to the shipped rule files") {
  // Re-indent every line, double the blank lines, add trailing blanks and CR: fmt must give
  // back the canonical file, and the result must parse to the same number of clauses.
  auto path = GENERATE(from_range(shipped_rule_files()));
  INFO(path);
  const std::string text = read_file(path);
  std::istringstream in(text);
  std::string line, damaged;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    size_t first = line.find_first_not_of(' ');
    std::string body = first == std::string::npos ? "" : line.substr(first);
    if (body.empty()) {
      damaged += "\n  \t\n";
      continue;
    }
    // (Trailing tabs only after code: see the test of comments with a trailing tab.)
    bool comment = body.find('#') != std::string::npos;
    damaged += std::string(static_cast<size_t>(n % 7), n % 2 ? ' ' : '\t') + body +
               (n % 3 || comment ? "  " : "\t") + (n % 4 ? "\n" : "\r\n");
  }
  CHECK(format(damaged) == text);
  Parsed original = parse_text(text, path), redone = parse_text(format(damaged), path);
  REQUIRE(original.file);
  REQUIRE(redone.file);
  REQUIRE(redone.file->regimes.size() == original.file->regimes.size());
  for (size_t i = 0; i < original.file->regimes.size(); ++i) {
    CHECK(redone.file->regimes[i].items.size() == original.file->regimes[i].items.size());
  }
}

// No invisible trailing blanks in canonical text, after a comment as after code.
TEST_CASE("fmt trims a trailing tab after a comment like trailing spaces") {
  CHECK(format("regime r { # why  \n}\n") == "regime r { # why\n}\n");
  CHECK(format("regime r { # why\t\n}\n") == "regime r { # why\n}\n");
}

TEST_CASE("fmt is idempotent on messy input too") {
  auto input = GENERATE(
      as<std::string>{}, "regime r {\n\t\tcontrol \"x\" when a\n\t\t\t\tor b\n}\n",
      "  # lead\n\n\nregime r { status draft }   \n\n",
      "regime a {\n}\nregime b extends a {\nstatus draft\n}",
      "regime r {\n  note \"unterminated\n}\n",  // does not parse; fmt must not loop or crash
      "}\n}\nregime r {\n");
  std::string once = format(input);
  CHECK(format(once) == once);
  CHECK((once.empty() || once.back() == '\n'));
}

TEST_CASE("text fmt must refuse does not parse") {
  // `exctl fmt` reformats only what parses (cli/regimes_cmd.cpp run_fmt checks parse() first):
  // every one of these must fail to parse with E0301 so that it is left untouched.
  auto text = GENERATE(as<std::string>{}, "regime r {\n  status draft\n",
                       "regime r {\n  control \"x\" tpp >= 1\n}\n", "regime r { title \"a }\n",
                       "not a rule file\n", "regime r { status draft }}\n");
  INFO(text);
  Parsed p = parse_text(text);
  CHECK_FALSE(p.file);
  REQUIRE(p.sink.has_errors());
  CHECK(p.sink.sorted().front().code == "E0301");
}
