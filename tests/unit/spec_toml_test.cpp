#include "chipdb/spec_toml.hpp"

#include <fstream>
#include <iterator>
#include <map>

#include <catch2/catch.hpp>

#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"

using namespace exctl;

namespace {

constexpr const char* kGood = R"(id = "test-chip"
vendor = "Test"
name = "Test Chip"
aliases = ["TC"]
year = 2024
datacenter = true
source = "unit test"
confidence = "high"

[compute]
source = "unit test"
confidence = "medium"
fp16 = 300
fp8 = 600.5
sparse = ["fp8"]

[silicon]
source = "unit test"
confidence = "low"

[[silicon.die]]
name = "main"
area_mm2 = 500.25
)";

struct Parsed {
  std::optional<Chip> chip;
  DiagnosticSink sink;
};

Parsed parse(const std::string& text) {
  Parsed p;
  p.chip = chipdb::parse_chip_spec(std::make_shared<SourceFile>("t.toml", text), p.sink);
  return p;
}

// "line:col code" of each diagnostic, in order.
std::vector<std::string> where(const DiagnosticSink& sink) {
  std::vector<std::string> out;
  for (const auto& d : sink.sorted()) {
    auto pos = d.span.file->position(d.span.begin);
    out.push_back(std::to_string(pos.line) + ":" + std::to_string(pos.column) + " " + d.code);
  }
  return out;
}

}  // namespace

TEST_CASE("a good spec parses with exact values") {
  auto p = parse(kGood);
  REQUIRE(p.chip);
  CHECK(p.sink.empty());
  CHECK(p.chip->id == "test-chip");
  CHECK(*p.chip->units[0].at(Precision::fp8) == Rational(1201, 2));
  CHECK(p.chip->units[0].is_sparse(Precision::fp8));
  CHECK(*p.chip->dies[0].area_mm2 == Rational(2001, 4));
  CHECK_FALSE(p.chip->memory_bandwidth_gbps);  // absent stays unknown
}

TEST_CASE("errors carry line, column and a stable code") {
  SECTION("syntax") {
    auto p = parse("id = \"x\"\nyear = = 3\n");
    CHECK_FALSE(p.chip);
    CHECK(where(p.sink) == std::vector<std::string>{"2:8 E0201"});
  }
  SECTION("unknown key, with a suggestion") {
    auto p = parse(std::string(kGood) +
                   "\n[memory]\nsource = \"x\"\nconfidence = \"low\"\nbandwith_gbps = 3\n");
    CHECK_FALSE(p.chip);
    CHECK(where(p.sink) == std::vector<std::string>{"28:1 E0204"});
    CHECK(p.sink.sorted()[0].notes.at(0) == "did you mean 'memory.bandwidth_gbps'?");
  }
  SECTION("wrong type") {
    std::string text = kGood;
    text.replace(text.find("fp16 = 300"), 10, "fp16 = \"300\"");
    auto p = parse(text);
    CHECK(where(p.sink) == std::vector<std::string>{"13:8 E0205"});
  }
  SECTION("negative and non-finite numbers") {
    std::string text = kGood;
    text.replace(text.find("fp16 = 300"), 10, "fp16 = -300");
    text.replace(text.find("area_mm2 = 500.25"), 17, "area_mm2 = inf");
    auto p = parse(text);
    CHECK(where(p.sink) == std::vector<std::string>{"13:8 E0206", "23:12 E0206"});
  }
  SECTION("missing identity fields, several at once") {
    auto p = parse("vendor = \"x\"\nsource = \"s\"\nconfidence = \"high\"\n");
    CHECK_FALSE(p.chip);
    CHECK(p.sink.error_count() == 3);  // id, name, year
    for (const auto& d : p.sink.sorted())
      CHECK(d.code == "E0202");
  }
  SECTION("bad enum and bad slug") {
    std::string text = kGood;
    text.replace(text.find("\"test-chip\""), 11, "\"Test Chip\"");
    text.replace(text.find("confidence = \"medium\""), 21, "confidence = \"sure\"");
    auto p = parse(text);
    CHECK(where(p.sink) == std::vector<std::string>{"1:6 E0207", "12:14 E0207"});
  }
  SECTION("sparse naming a precision without a figure") {
    std::string text = kGood;
    text.replace(text.find("[\"fp8\"]"), 7, "[\"fp4\"]");
    CHECK(where(parse(text).sink) == std::vector<std::string>{"15:10 E0207"});
  }
  SECTION("precision keys and units together") {
    auto p = parse(std::string(kGood) + "\n[[compute.unit]]\nname = \"u\"\nfp32 = 1\n");
    CHECK(p.sink.sorted().at(0).code == "E0208");
  }
}

TEST_CASE("duplicate ids and colliding aliases across files") {
  DiagnosticSink sink;
  auto a = chipdb::parse_chip_spec(std::make_shared<SourceFile>("a.toml", kGood), sink);
  auto b = chipdb::parse_chip_spec(std::make_shared<SourceFile>("b.toml", kGood), sink);
  REQUIRE(a);
  REQUIRE(b);
  chipdb::check_chip_set({*a, *b}, sink);
  auto diags = sink.sorted();
  REQUIRE_FALSE(diags.empty());
  CHECK(diags[0].code == "E0203");
  CHECK(diags[0].span.file->path() == "b.toml");

  Chip c = *a;
  c.id = "other-chip";
  c.name = "Other";
  c.aliases = {"tc"};  // collides with "TC" ignoring case
  DiagnosticSink sink2;
  chipdb::check_chip_set({*a, c}, sink2);
  REQUIRE(sink2.error_count() == 1);
  CHECK(sink2.sorted()[0].code == "E0209");
}

TEST_CASE("every shipped spec survives write and re-read unchanged") {
  auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
  for (const auto& chip : db.load_all()) {
    INFO(chip.id);
    std::string text = chipdb::write_chip_spec(chip);
    DiagnosticSink sink;
    auto again =
        chipdb::parse_chip_spec(std::make_shared<SourceFile>(chip.id + ".toml", text), sink);
    REQUIRE(again);
    CHECK(sink.empty());
    CHECK(chipdb::write_chip_spec(*again) == text);
  }
}

namespace {

std::string read_text(const std::string& relative) {
  std::ifstream in(std::string(EXCTL_SOURCE_DIR) + "/" + relative);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A spec with one [memory] table whose lines are `lines`.
std::string memory_spec(const std::string& lines) {
  return "id = \"r\"\nvendor = \"T\"\nname = \"R\"\nyear = 2024\nsource = \"s\"\n"
         "confidence = \"high\"\n\n[memory]\nsource = \"s\"\nconfidence = \"high\"\n" +
         lines;
}

}  // namespace

TEST_CASE("every value that takes a range reads one, exactly, keyed as ranged_values names it") {
  auto p = parse(read_text("tests/data/test-ranged.toml"));
  REQUIRE(p.chip);
  CHECK(p.sink.empty());
  Chip& c = *p.chip;
  std::map<std::string, std::pair<Rational, Rational>> got;
  for (const auto& r : c.ranged_values())
    got[r.key] = {r.range->low, r.range->high};
  const std::map<std::string, std::pair<Rational, Rational>> expected = {
      {"compute.fp64", {30, 45}},
      {"compute.fp32", {80, 90}},
      {"compute.tf32", {350, 400}},
      {"compute.fp16", {752, Rational(1601, 2)}},
      {"compute.fp8", {1600, 1600}},
      {"compute.int8", {1500, 1700}},
      {"compute.fp6", {3000, 3200}},
      {"compute.fp4", {6000, 6400}},
      {"compute.int4", {3100, 3300}},
      {"compute.int16", {90, 110}},
      {"memory.capacity_gb", {128, 144}},
      {"memory.bandwidth_gbps", {1640, 2300}},
      {"interconnect.chip_to_chip_gbps", {600, 900}},
      {"interconnect.host_link_gbps", {128, 256}},
      {"silicon.transistors_billion", {100, Rational(433, 4)}},
      {"silicon.die[1].area_mm2", {Rational(1501, 2), 858}},
      {"power.tdp_w", {700, 1200}},
      {"hbm.stack_bandwidth_gbps", {205, Rational(575, 2)}},
      {"hbm.stack_footprint_mm2", {100, 121}},
  };
  CHECK(got == expected);
  CHECK(c.has_ranges());
  CHECK(c.memory_bandwidth_range->source == "1.64 TB/s (A); 2.3 TB/s (B)");
  CHECK_FALSE(c.dies[1].area_range);
  // The point values stay as written.
  CHECK(*c.memory_bandwidth_gbps == Rational(1640));
  CHECK(*c.units[0].at(Precision::fp16) == Rational(800));
  // The span is the range as written.
  auto pos = c.memory_bandwidth_range->span.file->position(c.memory_bandwidth_range->span.begin);
  CHECK(pos.line == 43);
}

TEST_CASE("ranges in [[compute.unit]] tables are the unit's own") {
  std::string text = kGood;
  const std::string direct = "fp16 = 300\nfp8 = 600.5\nsparse = [\"fp8\"]\n";
  text.erase(text.find(direct), direct.size());
  // [[compute.unit]] tables after [silicon.die]: TOML takes them in any order.
  auto p = parse(text +
                 "\n[[compute.unit]]\nname = \"a\"\nfp16 = 10\n"
                 "fp16_range = { low = 9, high = 11, source = \"a\" }\n"
                 "\n[[compute.unit]]\nname = \"b\"\nfp8 = 20.5\n"
                 "fp8_range = { low = 20.5, high = 21, source = \"b\" }\n");
  REQUIRE(p.chip);
  std::vector<std::string> keys;
  for (const auto& r : p.chip->ranged_values())
    keys.push_back(r.key);
  CHECK(keys == std::vector<std::string>{"compute.unit[1].fp16", "compute.unit[2].fp8"});
}

TEST_CASE("a spec with ranges writes back to the same spec") {
  auto p = parse(read_text("tests/data/test-ranged.toml"));
  REQUIRE(p.chip);
  std::string text = chipdb::write_chip_spec(*p.chip);
  CHECK(text.find("bandwidth_gbps_range = { low = 1640, high = 2300, source = \"1.64 TB/s (A); "
                  "2.3 TB/s (B)\" }") != std::string::npos);
  auto again = parse(text);
  REQUIRE(again.chip);
  CHECK(again.sink.empty());
  CHECK(chipdb::write_chip_spec(*again.chip) == text);
  CHECK(again.chip->ranged_values().size() == p.chip->ranged_values().size());
}

TEST_CASE("range diagnostics: code and position") {
  auto codes = [](const std::string& lines) { return where(parse(memory_spec(lines)).sink); };
  // [memory] starts on line 8; its first value line is 11.
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { low = 80, high = 128, source = \"x\" }\n")
            .empty());
  CHECK(codes("type_range = { low = 1, high = 2, source = \"x\" }\n") ==
        std::vector<std::string>{"11:1 E0211"});
  CHECK(codes("bandwidth_gbps_range = { low = 1, high = 2, source = \"x\" }\n") ==
        std::vector<std::string>{"11:1 E0212"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { low = 128, high = 80, source = \"x\" }\n") ==
        std::vector<std::string>{"12:21 E0213"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { low = 97, high = 128, source = \"x\" }\n") ==
        std::vector<std::string>{"12:21 E0214"});
  // Exactly: 96.00001 is not 96 (nor held exactly: 4 decimal places at most).
  CHECK(
      codes(
          "capacity_gb = 96\ncapacity_gb_range = { low = 96.0001, high = 97, source = \"x\" }\n") ==
      std::vector<std::string>{"12:21 E0214"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { low = 96.00001, high = 97, source = \"x\" "
              "}\n") == std::vector<std::string>{"12:29 E0206"});
  CHECK(
      codes("capacity_gb = 96\ncapacity_gb_range = { low = -inf, high = 97, source = \"x\" }\n") ==
      std::vector<std::string>{"12:29 E0206"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { low = -1, high = 97, source = \"x\" }\n") ==
        std::vector<std::string>{"12:29 E0206"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { high = 97, source = \"x\" }\n") ==
        std::vector<std::string>{"12:21 E0202"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { low = 1, high = 97 }\n") ==
        std::vector<std::string>{"12:21 E0202"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { low = 1, high = 97, source = \"\" }\n") ==
        std::vector<std::string>{"12:52 E0207"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = 96\n") ==
        std::vector<std::string>{"12:21 E0205"});
  CHECK(
      codes("capacity_gb = 96\ncapacity_gb_range = { low = \"1\", high = 97, source = \"x\" }\n") ==
      std::vector<std::string>{"12:29 E0205"});
  CHECK(codes("capacity_gb = 96\ncapacity_gb_range = { low = 1, high = 97, source = \"x\", y = 1 "
              "}\n") == std::vector<std::string>{"12:57 E0204"});
  // A value that is itself wrong is reported once; its range is not checked against it.
  CHECK(
      codes("capacity_gb = \"96\"\ncapacity_gb_range = { low = 1, high = 97, source = \"x\" }\n") ==
      std::vector<std::string>{"11:15 E0205"});
}

TEST_CASE("a die area range starts above zero, as the area does") {
  std::string text = kGood;
  text.replace(text.find("area_mm2 = 500.25"), 17,
               "area_mm2 = 500.25\narea_mm2_range = { low = 0, high = 600, source = \"x\" }");
  CHECK(where(parse(text).sink) == std::vector<std::string>{"24:26 E0206"});
}
