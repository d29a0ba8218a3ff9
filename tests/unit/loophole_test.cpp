// engine/draft: the loophole search against brute force, its monotonicity, the design's
// values against the chip path, and fleet totals against hand sums.
#include "engine/draft/loophole.hpp"

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/draft/fleet.hpp"
#include "engine/sema/rulebook.hpp"
#include "rules/builtin_rules.hpp"

namespace {

using namespace exctl;
using draft::Goal;

struct Book {
  DiagnosticSink sink;
  std::optional<sema::Rulebook> book;
  const sema::Regime& get(const std::string& id) const {
    const sema::Regime* r = book->find(id);
    REQUIRE(r != nullptr);
    return *r;
  }
};

std::unique_ptr<Book> load(const std::string& extra = "") {
  auto out = std::make_unique<Book>();
  std::vector<SourcePtr> files = rules::builtin_rule_sources();
  if (!extra.empty()) files.push_back(std::make_shared<SourceFile>("test.rules", extra));
  out->book = sema::load_rulebook(files, rules::builtin_country_groups(), out->sink);
  INFO(render_text(out->sink));
  REQUIRE(out->book);
  REQUIRE_FALSE(out->sink.has_errors());
  return out;
}

roofline::Model llama_8b() {
  roofline::Model m;
  m.id = "llama-3.1-8b";
  m.context_length = 131072;
  m.layers = 32;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 8;
  m.head_dim = 128;
  m.ffn = 14336;
  m.vocab = 128256;
  return m;
}

draft::ObjectiveSpec decode_spec(int64_t batch = 32) {
  draft::ObjectiveSpec o;
  o.shape = roofline::shape_of(llama_8b());
  o.workload.batch = batch;
  return o;
}

// A small space: one die up to 800 mm2, one HBM option, a link.
draft::DesignSpace small_space(Rational scale = 1) {
  draft::DesignSpace s;
  s.label = "test space";
  s.year = 2024;
  s.max_area = Rational(800) * scale;
  s.dies = 1;
  s.peak_per_mm2[static_cast<size_t>(Precision::fp16)] = Rational(14, 10);
  s.peak_per_mm2[static_cast<size_t>(Precision::fp8)] = Rational(28, 10);
  s.memories.push_back({"HBM3E", true, Rational(4000) * scale, Rational(144), "test memory"});
  s.interconnect = Rational(1200) * scale;
  s.host_link = 128;
  s.tdp = 700;
  s.transistors_per_mm2 = Rational(130'000'000);
  s.datacenter = true;
  return s;
}

eval::Query cn() {
  return {"CN", "", 20250630};
}

struct Case {
  std::string regime;
  Goal goal;
  eval::Query query;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> k = {
      {"us-2023-10", Goal::not_controlled, {"", "", 20240601}},
      {"us-2023-10", Goal::no_licence, {"CN", "", 20240601}},
      {"us-2025-04-h20", Goal::no_licence, cn()},
      {"us-2026-01", Goal::not_denied, {"CN", "", 20260601}},
      {"us-2022-10", Goal::not_controlled, {"", "", 20230601}},
  };
  return k;
}

}  // namespace

TEST_CASE("the exact search is never beaten by a fine grid, and comes close to it") {
  auto book = load();
  auto space = small_space();
  for (const auto& c : cases()) {
    INFO(c.regime);
    const auto& regime = book->get(c.regime);
    auto exact = draft::search(regime, c.query, c.goal, space, decode_spec(), {});
    auto grid = draft::grid_search(regime, c.query, c.goal, space, decode_spec(), {}, 12);
    REQUIRE(exact.found);
    REQUIRE(grid.found);
    CHECK(exact.notes.empty());
    CHECK(draft::meets(exact.decision, c.goal));
    CHECK(exact.objective >= grid.objective * (1 - 1e-12));
    // A grid of 12 steps misses the corners, by up to a step of each resource.
    CHECK(grid.objective >= exact.objective * 0.7);
  }
}

TEST_CASE("a finer grid never passes the exact optimum, on a two-resource space") {
  auto book = load();
  auto space = small_space();
  space.area_fixed = true;  // area, capacity and link held: bandwidth and TPP vary
  const auto& regime = book->get("us-2025-04-h20");
  auto exact = draft::search(regime, cn(), Goal::no_licence, space, decode_spec(), {});
  for (int steps : {7, 20}) {
    auto grid = draft::grid_search(regime, cn(), Goal::no_licence, space, decode_spec(), {}, steps);
    CHECK(grid.objective <= exact.objective * (1 + 1e-12));
  }
  // Memory bound: the bandwidth sits just below the 1,400 GB/s threshold.
  const auto& b = exact.bounds[static_cast<size_t>(draft::Resource::bandwidth)];
  CHECK(b.open);
  CHECK(b.value == Rational(1400));
  CHECK(b.kind == draft::Bound::Kind::threshold);
  CHECK(exact.design.bandwidth == Rational(13999999, 10000));
}

TEST_CASE("with tensor parallelism a threshold on the bandwidth sum is split, not cornered") {
  auto book = load(
      "regime t-sum extends us-2023-10 {\n  status draft\n  control \"X\" when memory_bandwidth + "
      "interconnect_bandwidth >= 1700 GB/s\n  licence for \"X\" to CN\n}\n");
  const auto& regime = book->get("t-sum");
  auto obj = decode_spec();
  obj.workload.tp = 8;
  auto space = small_space();
  space.area_fixed = true;
  auto exact = draft::search(regime, cn(), Goal::no_licence, space, obj, {});
  REQUIRE(exact.found);
  CHECK(exact.design.bandwidth + exact.design.interconnect < Rational(1700));
  CHECK(exact.design.interconnect > Rational(0));
  for (int steps : {9, 40}) {
    auto grid = draft::grid_search(regime, cn(), Goal::no_licence, space, obj, {}, steps);
    CHECK(grid.objective <= exact.objective * (1 + 1e-9));
  }
}

TEST_CASE("widening the space never lowers the optimum") {
  auto book = load();
  for (const auto& c : cases()) {
    INFO(c.regime);
    const auto& regime = book->get(c.regime);
    double last = 0;
    for (Rational scale : {Rational(1, 2), Rational(1), Rational(3, 2), Rational(4)}) {
      auto r = draft::search(regime, c.query, c.goal, small_space(scale), decode_spec(), {});
      double v = r.found ? r.objective : 0;
      CHECK(v >= last * (1 - 1e-12));
      last = v;
    }
  }
}

TEST_CASE("tightening a threshold of a monotone rule never raises the optimum") {
  std::string drafts;
  for (int cap : {2000, 1400, 1000, 600}) {
    drafts +=
        "regime t-cap-" + std::to_string(cap) +
        " extends us-2025-04-h20 {\n  status draft\n  param dram_cap = " + std::to_string(cap) +
        " GB/s\n}\n";
  }
  auto book = load(drafts);
  double last = 1e300;
  for (int cap : {2000, 1400, 1000, 600}) {
    auto r = draft::search(book->get("t-cap-" + std::to_string(cap)), cn(), Goal::no_licence,
                           small_space(), decode_spec(), {});
    REQUIRE(r.found);
    CHECK(r.objective <= last * (1 + 1e-12));
    CHECK(r.design.bandwidth < Rational(cap));
    last = r.objective;
  }
}

TEST_CASE("a design's values are the chip path's") {
  auto book = load();
  auto space = small_space();
  space.memories.push_back({"GDDR7", false, Rational(1792), Rational(32), "gddr"});
  space.datacenter.reset();
  for (const auto& c : cases()) {
    auto r = draft::search(book->get(c.regime), c.query, c.goal, space, decode_spec(), {});
    REQUIRE(r.found);
    Chip chip = draft::design_chip(r.design, space, "t", "t", "test");
    auto via_chip = eval::chip_values(chip, compute_metrics(chip), c.query.date);
    auto direct = draft::design_values(r.design, space, c.query.date, {});
    CHECK(via_chip.known_mask == direct.known_mask);
    CHECK(via_chip.true_mask == direct.true_mask);
    for (size_t f = 0; f < sema::kFieldCount; ++f) {
      INFO(f);
      CHECK(via_chip.number[f] == direct.number[f]);
    }
    auto hw = roofline::hardware_of(chip), dh = draft::design_hardware(r.design);
    CHECK(hw.memory_bandwidth == dh.memory_bandwidth);
    CHECK(hw.memory_capacity == dh.memory_capacity);
    CHECK(hw.link_bandwidth == dh.link_bandwidth);
    CHECK(hw.peak == dh.peak);
  }
}

// On random spaces, every resource scaled on its own: the design found meets the goal when
// decided as a chip (its spec through the metrics and decide()), and no grid design that
// meets it does better.
TEST_CASE("on random spaces the design found meets the goal as a chip, and no grid beats it") {
  auto book = load();
  std::mt19937 rng(20261208);
  auto factor = [&] { return Rational(static_cast<int64_t>(rng() % 15) + 2, 4); };  // 1/2..4
  size_t found = 0;
  for (int trial = 0; trial < 6; ++trial) {
    auto space = small_space();
    space.max_area = space.max_area * factor();
    space.memories[0].bandwidth = space.memories[0].bandwidth * factor();
    space.memories[0].capacity = space.memories[0].capacity * factor();
    space.interconnect = space.interconnect * factor();
    if (trial % 2) space.memories.push_back({"GDDR7", false, Rational(1792), Rational(32), "gddr"});
    if (trial % 3 == 0) space.datacenter.reset();
    for (const auto& c : cases()) {
      INFO(c.regime << ", trial " << trial);
      const auto& regime = book->get(c.regime);
      auto exact = draft::search(regime, c.query, c.goal, space, decode_spec(), {});
      auto grid = draft::grid_search(regime, c.query, c.goal, space, decode_spec(), {}, 6);
      if (grid.found) REQUIRE(exact.found);
      if (!exact.found) continue;
      ++found;
      Chip chip = draft::design_chip(exact.design, space, "t", "t", "test");
      auto values = eval::chip_values(chip, compute_metrics(chip), c.query.date);
      CHECK(draft::meets(eval::decide(regime, values, c.query), c.goal));
      CHECK(exact.objective >= grid.objective * (1 - 1e-12));
    }
  }
  CHECK(found >= 20);
}

TEST_CASE("a space where nothing meets the goal reports no design") {
  std::string text =
      "regime t-all extends us-2023-10 {\n  status draft\n  control \"X\" when die_area >= 0 mm2\n"
      "  licence for \"X\" to CN\n}\n";
  auto book = load(text);
  auto r =
      draft::search(book->get("t-all"), cn(), Goal::no_licence, small_space(), decode_spec(), {});
  CHECK_FALSE(r.found);
  CHECK(r.feasible == 0);
}

TEST_CASE("goals read the decision") {
  eval::Decision d;
  d.verdict = eval::Verdict::controlled;
  d.licence.required = true;
  d.licence.policy = sema::Policy::case_by_case;
  CHECK_FALSE(draft::meets(d, Goal::not_controlled));
  CHECK_FALSE(draft::meets(d, Goal::no_licence));
  CHECK(draft::meets(d, Goal::not_denied));
  d.licence.policy = sema::Policy::presumption_of_denial;
  CHECK_FALSE(draft::meets(d, Goal::not_denied));
  d.licence.policy = sema::Policy::none;  // a licence with no stated policy is not counted
  CHECK_FALSE(draft::meets(d, Goal::not_denied));
  d.verdict = eval::Verdict::indeterminate;
  d.licence.required = false;
  CHECK_FALSE(draft::meets(d, Goal::no_licence));
}

TEST_CASE("fleet totals are the sums of the rows") {
  roofline::Hardware a, b;
  a.peak[static_cast<size_t>(Precision::fp16)] = 148e12;
  a.memory_bandwidth = 4000e9;
  a.memory_capacity = 96.0 * 1024 * 1024 * 1024;
  a.link_bandwidth = 450e9;
  b = a;
  b.memory_bandwidth = 1000e9;
  b.memory_capacity = 24.0 * 1024 * 1024 * 1024;
  roofline::Hardware h100 = a;
  h100.peak[static_cast<size_t>(Precision::fp16)] = 989.4e12;
  h100.memory_bandwidth = 3350e9;
  h100.memory_capacity = 80.0 * 1024 * 1024 * 1024;
  std::vector<draft::FleetUnit> units(2);
  units[0] = {"a", "A", "src", 1000, Rational(2368), a, {draft::Caught::no}};
  units[1] = {"b", "B", "src", 7, Rational(1000), b, {draft::Caught::yes}};
  roofline::Workload w;
  w.batch = 32;
  auto r = draft::fleet_capacity(units, h100, Rational(158312, 10), llama_8b(), w, {}, 1);
  REQUIRE(r.rows.size() == 2);
  const auto& t = r.totals;
  CHECK(t.count == 1007);
  CHECK(t.tpp_total == Rational(2368 * 1000 + 1000 * 7));
  CHECK(t.h100_by_tpp == Approx((2368.0 * 1000 + 7000) / 15831.2));
  CHECK(t.memory_gb == Approx(96.0 * 1000 + 24.0 * 7));
  CHECK(t.bandwidth_tbps == Approx(4.0 * 1000 + 1.0 * 7));
  // 8B in BF16 is 16 GB: B fits at tp 1 only if the KV of 32 sequences does too.
  double sum = 0, days = 0;
  int64_t replicas = 0;
  for (const auto& row : r.rows) {
    REQUIRE(row.tp > 0);
    CHECK(row.replicas == row.unit.count / row.tp);
    CHECK(row.tokens_per_s == Approx(static_cast<double>(row.replicas * row.tp) *
                                     row.estimate.expected.tokens_per_s_per_chip));
    sum += row.tokens_per_s;
    days += row.tokens_per_day;
    replicas += row.replicas;
  }
  CHECK(t.tokens_per_s == Approx(sum));
  CHECK(t.tokens_per_day == Approx(sum * 86400));
  CHECK(t.tokens_per_day == Approx(days));
  CHECK(t.replicas == replicas);
  CHECK(t.h100_by_inference == Approx(sum / r.h100_tokens_per_s));
  REQUIRE(t.shares.size() == 1);
  CHECK(t.shares[0].count == 7);
  CHECK(t.shares[0].count_share == Approx(7.0 / 1007));
  CHECK(t.shares[0].tpp == Rational(7000));
}
