#include <fstream>
#include <map>
#include <sstream>

#include <catch2/catch.hpp>

#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"
#include "engine/metrics/fields.hpp"
#include "engine/metrics/metrics.hpp"

using namespace exctl;

namespace {

Rational r(const char* s) { return *Rational::parse(s); }

// A chip with one processing unit and one compute die.
Chip chip_with(std::initializer_list<std::pair<Precision, const char*>> peaks, const char* area = nullptr) {
  Chip c;
  c.id = "synthetic";
  c.name = "Synthetic";
  c.compute.present = true;
  ProcessingUnit u;
  for (auto [p, v] : peaks) u.peak[static_cast<size_t>(p)] = r(v);
  c.units.push_back(u);
  if (area) c.dies.push_back({"die", DieRole::compute, 1, r(area), "N5", false, {}, {}});
  return c;
}

}  // namespace

TEST_CASE("TPP is the best precision's dense throughput times its bit length") {
  auto c = chip_with({{Precision::fp16, "989.4"}, {Precision::fp8, "1978.9"}, {Precision::fp64, "67"}});
  auto tpp = compute_tpp(c, {});
  REQUIRE(tpp.value);
  CHECK(*tpp.value == r("15831.2"));
  REQUIRE(tpp.basis.size() == 1);
  CHECK(tpp.basis[0].precision == Precision::fp8);
  CHECK(tpp.derivation(c) == "15,831.2 = 1,978.9 TFLOPS FP8 x 8 bits");
}

TEST_CASE("ties between precisions are all named") {
  auto c = chip_with({{Precision::fp16, "148"}, {Precision::fp8, "296"}, {Precision::int8, "296"}});
  auto tpp = compute_tpp(c, {});
  CHECK(*tpp.value == 2368);
  CHECK(tpp.basis.size() == 3);
  CHECK(tpp.derivation(c) == "2,368 = 148 TFLOPS FP16/BF16 x 16 bits (FP8, INT8 tie)");
}

TEST_CASE("the regulation's own example: 300 TFLOPS at 16 bits is exactly 4800") {
  CHECK(*compute_tpp(chip_with({{Precision::fp16, "300"}}), {}).value == 4800);
  CHECK(*compute_tpp(chip_with({{Precision::int8, "600"}}), {}).value == 4800);
  CHECK(*compute_tpp(chip_with({{Precision::fp16, "299.99999"}}), {}).value < 4800);
}

TEST_CASE("a wider format at the same rate wins (Gaudi 3, L20)") {
  auto gaudi = chip_with({{Precision::fp16, "1835"}, {Precision::fp8, "1835"}});
  CHECK(*compute_tpp(gaudi, {}).value == 29360);
  auto l20 = chip_with({{Precision::fp32, "59.8"}, {Precision::fp8, "239"}});
  CHECK(*compute_tpp(l20, {}).value == r("1913.6"));
}

TEST_CASE("TF32 bit length is an option: 19 by default, 32 on request") {
  auto inf2 = chip_with({{Precision::tf32, "190"}, {Precision::fp16, "190"}, {Precision::fp8, "190"}});
  CHECK(*compute_tpp(inf2, {}).value == 3610);
  MetricOptions wide;
  REQUIRE(wide.set("tf32_bits=32").empty());
  CHECK(*compute_tpp(inf2, wide).value == 6080);  // crosses 4800 only under this reading
}

TEST_CASE("MX formats count element bits by default, optionally the block scale too") {
  auto mi355 = chip_with({{Precision::fp8, "5033"}, {Precision::fp6, "10066"}, {Precision::fp4, "10066"}});
  CHECK(*compute_tpp(mi355, {}).value == 60396);
  MetricOptions scaled;
  REQUIRE(scaled.set("mx_bits=with_scale").empty());
  CHECK(*compute_tpp(mi355, scaled).value == r("62912.5"));
}

TEST_CASE("a sparse-only figure is halved and flagged, or taken as is") {
  auto c = chip_with({{Precision::fp4, "4000"}, {Precision::fp8, "1000"}});
  c.units[0].sparse[static_cast<size_t>(Precision::fp4)] = true;
  auto halved = compute_tpp(c, {});
  CHECK(*halved.value == 8000);
  CHECK(halved.sparse_halved == false);  // FP8 dense ties, so the result does not rest on halving
  c.units[0].peak[static_cast<size_t>(Precision::fp8)] = r("900");
  auto only_sparse = compute_tpp(c, {});
  CHECK(*only_sparse.value == 8000);
  CHECK(only_sparse.sparse_halved);
  CHECK(only_sparse.derivation(c) == "8,000 = 2,000 TFLOPS FP4 (sparse 4,000 halved) x 4 bits");
  MetricOptions as_is;
  REQUIRE(as_is.set("sparse_only=as_is").empty());
  CHECK(*compute_tpp(c, as_is).value == 16000);
}

TEST_CASE("TPP sums over processing units, or takes the best unit") {
  Chip c = chip_with({{Precision::fp16, "100"}});
  ProcessingUnit vector_unit;
  vector_unit.name = "vector";
  vector_unit.peak[static_cast<size_t>(Precision::fp32)] = r("50");
  c.units[0].name = "matrix";
  c.units.push_back(vector_unit);
  c.explicit_units = true;
  CHECK(*compute_tpp(c, {}).value == 3200);
  MetricOptions best;
  REQUIRE(best.set("units=best").empty());
  CHECK(*compute_tpp(c, best).value == 1600);
}

TEST_CASE("no throughput figure means TPP unknown, never zero") {
  Chip c;
  auto m = compute_metrics(c, {});
  CHECK_FALSE(m.tpp.value);
  CHECK_FALSE(m.performance_density.value);
  CHECK(m.missing.size() >= 1);
}

TEST_CASE("performance density divides by non-planar logic die area") {
  auto c = chip_with({{Precision::fp16, "148"}}, "814");
  auto m = compute_metrics(c, {});
  CHECK(*m.performance_density.value == Rational(2368, 814));
  CHECK(m.performance_density.value->format(2) == "2.91");

  c.dies.push_back({"IOD", DieRole::io, 2, r("100"), "N6", false, {"area_mm2"}, {}});
  c.dies.push_back({"planar base", DieRole::io, 1, r("500"), "28nm", true, {}, {}});
  m = compute_metrics(c, {});
  CHECK(*m.performance_density.applicable_area_mm2 == 1014);
  CHECK(m.performance_density.estimated);
  CHECK(m.performance_density.excluded.size() == 1);
  MetricOptions compute_only;
  REQUIRE(compute_only.set("io_dies=exclude").empty());
  CHECK(*compute_metrics(c, compute_only).performance_density.applicable_area_mm2 == 814);
}

TEST_CASE("an applicable die of unknown area makes density unknown and says why") {
  auto c = chip_with({{Precision::fp16, "148"}}, "814");
  c.dies.push_back({"IOD", DieRole::io, 1, std::nullopt, "N6", false, {}, {}});
  auto m = compute_metrics(c, {});
  CHECK_FALSE(m.performance_density.value);
  REQUIRE(m.performance_density.missing.size() == 1);
  CHECK(m.performance_density.missing[0] == "area of die IOD");
}

TEST_CASE("bad interpretation options are refused") {
  MetricOptions o;
  CHECK_FALSE(o.set("tf32_bits=20").empty());
  CHECK_FALSE(o.set("nonsense=1").empty());
  CHECK_FALSE(o.set("tf32_bits").empty());
  CHECK(o == MetricOptions{});
}

TEST_CASE("the field catalogue: one row per field, every name leads to one field") {
  const auto& fields = chip_fields();
  std::map<std::string_view, FieldId> names;
  for (size_t i = 0; i < fields.size(); ++i) {
    const ChipField& f = fields[i];
    INFO(f.name);
    CHECK(static_cast<size_t>(f.id) == i);  // chip_field(id) indexes the table
    CHECK(&chip_field(f.id) == &f);
    std::vector<std::string_view> all = f.aliases;
    all.push_back(f.name);
    for (const auto& alt : f.command_line_names) {
      all.push_back(alt.name);
      CHECK_FALSE(find_chip_field(alt.name));  // not a name of the rule language
    }
    for (auto n : all)
      CHECK(names.emplace(n, f.id).second);
    for (auto n : f.aliases)
      CHECK(find_chip_field(n) == f.id);
    CHECK(find_chip_field(f.name) == f.id);
    // What `chips list` prints a field under is a name --where takes for it.
    if (!f.column.empty()) CHECK((names.count(f.column) && names.at(f.column) == f.id));
    CHECK((f.boolean == (f.flag != nullptr) || f.id == FieldId::export_year));
    CHECK(f.of_chip() == (f.id != FieldId::export_year));
  }
}

TEST_CASE("a field's value comes from the chip record or its metrics") {
  auto c = chip_with({{Precision::fp16, "300"}}, "1000");
  c.transistors_billion = r("80.5");
  c.memory_gb = r("96");
  auto m = compute_metrics(c, {});
  CHECK(field_number(chip_field(FieldId::transistors), c, m) == Rational(80'500'000'000));
  CHECK(field_number(chip_field(FieldId::memory_capacity), c, m) == r("96"));
  CHECK(field_number(chip_field(FieldId::tpp), c, m) == Rational(4800));
  CHECK_FALSE(field_number(chip_field(FieldId::tdp), c, m));
  CHECK_FALSE(field_number(chip_field(FieldId::export_year), c, m));
}

TEST_CASE("every shipped chip has the TPP and density of the reference table") {
  std::ifstream in(std::string(EXCTL_SOURCE_DIR) + "/tests/data/expected_metrics.csv");
  REQUIRE(in);
  std::map<std::string, std::pair<std::string, std::string>> expected;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("id,", 0) == 0) continue;
    std::stringstream row(line);
    std::string id, tpp, pd;
    std::getline(row, id, ',');
    std::getline(row, tpp, ',');
    std::getline(row, pd, ',');
    expected[id] = {tpp, pd};
  }
  auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
  auto chips = db.load_all();
  REQUIRE(chips.size() == expected.size());
  for (const auto& chip : chips) {
    INFO(chip.id);
    REQUIRE(expected.count(chip.id));
    auto [tpp, pd] = expected[chip.id];
    auto m = compute_metrics(chip, {});
    if (tpp.empty()) {
      CHECK_FALSE(m.tpp.value);
    } else {
      REQUIRE(m.tpp.value);
      CHECK(*m.tpp.value == *Rational::parse(tpp));
    }
    if (pd.empty()) {
      CHECK_FALSE(m.performance_density.value);
    } else {
      REQUIRE(m.performance_density.value);
      CHECK(m.performance_density.value->format(2, false) == Rational::parse(pd)->format(2, false));
    }
  }
}
