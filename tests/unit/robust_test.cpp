// Decisions over ranges (engine/eval/robust.hpp): split_box must find every outcome a box
// of values can have, each with a point inside the box. Sampling can only confirm it: every
// sampled point's outcome must be among those found, and every point found must lie in the box.
#include "engine/eval/robust.hpp"

#include <random>
#include <set>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "engine/eval/decide.hpp"
#include "engine/sema/rulebook.hpp"
#include "rulebooks.hpp"
#include "rules/builtin_rules.hpp"

using namespace exctl;
using exctl::testing::load_rules;
using exctl::testing::shipped_rules;
using sema::FieldId;

namespace {

std::string outcome(const eval::Decision& d) {
  std::string s(eval::verdict_name(d.verdict));
  for (const auto& p : d.paragraphs)
    s += " " + p;
  for (const auto& p : d.excluded_by)
    s += " -" + p;
  s += d.licence.required ? (*d.licence.required ? " L" : " -") : " ?";
  s += " " + std::string(sema::policy_name(d.licence.policy));
  for (const auto& e : d.licence.exceptions)
    s += " " + e.name;
  return s;
}

// Every threshold a regime compares a plain field against, by field.
std::map<FieldId, std::vector<Rational>> field_thresholds(const sema::ThresholdAnalysis& a) {
  std::map<FieldId, std::vector<Rational>> out;
  for (const auto& c : a.comparisons) {
    if (c.quantity < 0 || c.threshold.kind != sema::Threshold::Kind::exact) continue;
    if (auto f = a.quantities[static_cast<size_t>(c.quantity)].field())
      out[*f].push_back(c.threshold.value);
  }
  return out;
}

bool inside(const eval::FieldBox& box, const eval::FieldValues& v) {
  for (size_t f = 0; f < sema::kFieldCount; ++f) {
    auto id = static_cast<FieldId>(f);
    if (box.density_derived && id == FieldId::performance_density) continue;
    if (box.point.known(id) != v.known(id)) return false;
    if (!box.point.known(id)) continue;
    if (box.range[f]) {
      if (*v.num(id) < box.range[f]->low || *v.num(id) > box.range[f]->high) return false;
    } else if (!sema::field_info(id).boolean && *v.num(id) != *box.point.num(id)) {
      return false;
    }
  }
  return true;
}

// Points of the box to sample: both ends of every range, every threshold inside it and just
// either side, and random values, in every combination of a few per field.
std::vector<eval::FieldValues> samples(const eval::FieldBox& box,
                                       const std::map<FieldId, std::vector<Rational>>& cuts,
                                       std::mt19937& rng) {
  std::vector<eval::FieldValues> out{box.point};
  std::vector<std::pair<FieldId, std::vector<Rational>>> axes;
  for (size_t f = 0; f < sema::kFieldCount; ++f) {
    if (!box.range[f]) continue;
    auto id = static_cast<FieldId>(f);
    if (box.density_derived && id == FieldId::performance_density) continue;
    const auto& r = *box.range[f];
    std::vector<Rational> values{r.low, r.high};
    if (auto it = cuts.find(id); it != cuts.end()) {
      for (const auto& t : it->second) {
        for (const Rational& d : {Rational(0), Rational(1, 1000), Rational(-1, 1000)}) {
          Rational x = t + d;
          if (x >= r.low && x <= r.high) values.push_back(x);
        }
      }
    }
    std::uniform_int_distribution<int> step(0, 100);
    for (int i = 0; i < 3; ++i)
      values.push_back(r.low + (r.high - r.low) * Rational(step(rng), 100));
    axes.emplace_back(id, values);
  }
  for (const auto& [id, values] : axes) {
    std::vector<eval::FieldValues> next;
    for (const auto& base : out) {
      for (const auto& x : values) {
        auto v = base;
        v.set(id, x);
        next.push_back(v);
      }
    }
    out = std::move(next);
  }
  if (box.density_derived) {
    for (auto& v : out) {
      auto t = v.num(FieldId::tpp), a = v.num(FieldId::die_area);
      if (t && a && box.point.known(FieldId::performance_density))
        v.set(FieldId::performance_density, *t / *a);
    }
  }
  return out;
}

}  // namespace

TEST_CASE(
    "split_box finds every outcome sampling finds, each at a point in the box, for every "
    "shipped regime",
    "[robust]") {
  const auto& book = shipped_rules();
  std::mt19937 rng(20261202);
  const std::vector<FieldId> numeric = {FieldId::tpp,
                                        FieldId::die_area,
                                        FieldId::memory_bandwidth,
                                        FieldId::interconnect_bandwidth,
                                        FieldId::host_link_bandwidth,
                                        FieldId::memory_bandwidth_density,
                                        FieldId::transistors};
  int depends = 0, robust = 0;
  for (const auto& regime : book.regimes) {
    auto analysis = sema::analyse_thresholds(regime);
    auto cuts = field_thresholds(analysis);
    eval::Query query{"CN", "CN", 20250630};
    for (int trial = 0; trial < 12; ++trial) {
      eval::FieldBox box;
      box.density_derived = trial % 2 == 0;
      std::uniform_int_distribution<int> coin(0, 3);
      box.point.set(FieldId::datacenter, coin(rng) != 0);
      box.point.set(FieldId::is_hbm_item, coin(rng) == 0);
      box.point.set(FieldId::has_hbm, coin(rng) != 0);
      box.point.set(FieldId::advanced_logic, coin(rng) != 0);
      box.point.set(FieldId::export_year, Rational(2025));
      box.point.set(FieldId::us_available, Rational(20240101));
      box.point.set(FieldId::memory_capacity, Rational(96));
      box.point.set(FieldId::tdp, Rational(700));
      // Each numeric field near one of its thresholds (or anywhere), a third of them ranged.
      for (FieldId f : numeric) {
        std::vector<Rational> near = cuts.count(f) ? cuts[f] : std::vector<Rational>{100};
        std::uniform_int_distribution<size_t> pick(0, near.size() - 1);
        Rational centre = near[pick(rng)];
        std::uniform_int_distribution<int> offset(-20, 20);
        Rational point = centre + centre * Rational(offset(rng), 200);
        if (point <= Rational(0)) point = 1;
        box.point.set(f, point);
        if (coin(rng) == 0) {
          std::uniform_int_distribution<int> width(1, 30);
          box.range[static_cast<size_t>(f)] = eval::Interval{
              point - point * Rational(width(rng), 200), point + point * Rational(width(rng), 200)};
        }
      }
      auto t = box.point.num(FieldId::tpp), a = box.point.num(FieldId::die_area);
      if (box.density_derived) {
        box.point.set(FieldId::performance_density, *t / *a);
      } else {
        box.point.set(FieldId::performance_density, Rational(59, 10));
        if (coin(rng) == 0)
          box.range[static_cast<size_t>(FieldId::performance_density)] =
              eval::Interval{Rational(56, 10), Rational(62, 10)};
      }
      auto split = eval::split_box({&analysis}, box);
      INFO(regime.id << " trial " << trial);
      REQUIRE(split.exact);
      std::set<std::string> found;
      for (const auto& w : split.witnesses) {
        CHECK(inside(box, w.values));
        found.insert(outcome(eval::decide(regime, w.values, query)));
      }
      std::set<std::string> sampled;
      for (const auto& v : samples(box, cuts, rng))
        sampled.insert(outcome(eval::decide(regime, v, query)));
      for (const auto& o : sampled) {
        INFO("sampled outcome " << o);
        CHECK(found.count(o) == 1);
      }
      (found.size() > 1 ? depends : robust) += 1;
    }
  }
  // The draw must exercise both answers, or the test proves nothing.
  CHECK(depends > 20);
  CHECK(robust > 20);
}

TEST_CASE("a die area range cuts performance density at the exact area: tpp / threshold",
          "[robust]") {
  const auto& book = shipped_rules();
  const auto* regime = book.find("us-2023-10");
  REQUIRE(regime);
  auto analysis = sema::analyse_thresholds(*regime);
  eval::FieldBox box;
  box.density_derived = true;
  box.point.set(FieldId::datacenter, true);
  box.point.set(FieldId::tpp, Rational(4000));
  box.point.set(FieldId::die_area, Rational(700));
  box.point.set(FieldId::performance_density, Rational(4000, 700));
  box.range[static_cast<size_t>(FieldId::die_area)] = eval::Interval{600, 800};
  auto split = eval::split_box({&analysis}, box);
  REQUIRE(split.exact);
  // PD >= 5.92 exactly when area <= 4000 / 5.92 = 675.675...: 3A090.a up to it, .b above.
  Rational cut = Rational(4000) / Rational(592, 100);
  std::vector<std::string> outcomes;
  for (const auto& w : split.witnesses) {
    REQUIRE(w.along);
    std::string o = outcome(eval::decide(*regime, w.values, {}));
    if (outcomes.empty() || outcomes.back() != o) outcomes.push_back(o);
    if (o.find("3A090.a") != std::string::npos) CHECK(w.along->high <= cut);
    if (o.find("3A090.b") != std::string::npos) CHECK(w.along->low >= cut);
  }
  CHECK(outcomes.size() == 2);
  CHECK(split.witnesses.front().along->low == Rational(600));
  CHECK(split.witnesses.back().along->high == Rational(800));
}

TEST_CASE("a product of two ranged values is not linear: the split says it is not exact",
          "[robust]") {
  auto book = load_rules(R"(regime draft-product {
  title "product"
  status draft
  control "P" when tpp * die_area >= 1000000 mm2
})");
  auto analysis = sema::analyse_thresholds(book.regimes.at(0));
  eval::FieldBox box;
  box.point.set(FieldId::tpp, Rational(1000));
  box.point.set(FieldId::die_area, Rational(1000));
  box.range[static_cast<size_t>(FieldId::tpp)] = eval::Interval{900, 1100};
  box.range[static_cast<size_t>(FieldId::die_area)] = eval::Interval{900, 1100};
  auto split = eval::split_box({&analysis}, box);
  CHECK_FALSE(split.exact);
  CHECK(split.inexact_because.find("product") != std::string::npos);
  // One ranged value times a point value is linear, and exact.
  box.range[static_cast<size_t>(FieldId::die_area)].reset();
  split = eval::split_box({&analysis}, box);
  CHECK(split.exact);
  CHECK(split.witnesses.size() == 3);  // below, at and above 1,000 x 1,000
}

TEST_CASE("a chip's box: each metric at its range's exact ends; density falls with footprint",
          "[robust]") {
  Chip chip;
  chip.id = "test";
  ProcessingUnit u;
  u.peak[static_cast<size_t>(Precision::fp16)] = Rational(500);
  u.peak_range[static_cast<size_t>(Precision::fp16)] = ValueRange{450, 520, "two sources", {}};
  chip.units.push_back(u);
  chip.dies.push_back({"die", DieRole::compute, 1, Rational(800), "N5", false, {}, {}});
  chip.dies.back().area_range = ValueRange{750, 850, "die shot", {}};
  chip.memory_type = "HBM3";
  chip.memory_bandwidth_gbps = Rational(4000);
  chip.hbm_stack_bandwidth_gbps = Rational(800);
  chip.hbm_stack_footprint_mm2 = Rational(100);
  chip.hbm_stack_footprint_range = ValueRange{90, 110, "estimate", {}};
  auto box = eval::chip_box(chip, {}, 20250630);
  auto range = [&](FieldId f) { return box.range[static_cast<size_t>(f)]; };
  REQUIRE(range(FieldId::tpp));
  CHECK(*range(FieldId::tpp) == eval::Interval{450 * 16, 520 * 16});
  CHECK(*range(FieldId::die_area) == eval::Interval{750, 850});
  CHECK(*range(FieldId::memory_bandwidth_density) ==
        eval::Interval{Rational(800, 110), Rational(800, 90)});
  CHECK_FALSE(range(FieldId::memory_bandwidth));
  CHECK(box.point.num(FieldId::tpp) == Rational(8000));
  CHECK(box.ranged());
}
