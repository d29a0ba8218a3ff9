// The roofline estimator: every formula against hand-computed values, the invariants
// (SOL never above expected, more bandwidth never slower, memory-bound decode scales with
// bandwidth, no NaN or infinity anywhere), and the calibration set within its tolerances.
#include <algorithm>
#include <cmath>
#include <map>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "chipdb/builtin_db.hpp"
#include "chipdb/database.hpp"
#include "engine/roofline/calibration_set.hpp"
#include "engine/roofline/estimate.hpp"
#include "engine/roofline/reference.hpp"

using namespace exctl;
using namespace exctl::roofline;

namespace {

struct Library {
  std::vector<Chip> chips;
  std::vector<Model> models;
  Library() {
    auto db = chipdb::Database::open_image(chipdb::kBuiltinDb, chipdb::kBuiltinDbSize);
    chips = db.load_all();
    models = db.load_models();
  }
  const Chip& chip(std::string_view id) const {
    for (const auto& c : chips) {
      if (c.id == id) return c;
    }
    FAIL("no chip " << id);
    return chips.front();
  }
  const Model& model(std::string_view id) const {
    for (const auto& m : models) {
      if (m.id == id) return m;
    }
    FAIL("no model " << id);
    return models.front();
  }
};

const Library& lib() {
  static const Library kLib;
  return kLib;
}

// A chip with the given bandwidth (B/s) and FP16/FP8 peak (FLOP/s), 1 TiB of memory.
Hardware synthetic(double bandwidth, double peak, double link = 450e9) {
  Hardware hw;
  hw.id = hw.name = "synthetic";
  hw.peak[static_cast<size_t>(Precision::fp16)] = peak;
  hw.peak[static_cast<size_t>(Precision::fp8)] = 2 * peak;
  hw.memory_bandwidth = bandwidth;
  hw.memory_capacity = 1024.0 * 1024 * 1024 * 1024;
  hw.link_bandwidth = link;
  return hw;
}

Workload workload(int64_t batch, int64_t input, int64_t output, int64_t tp = 1,
                  NumberFormat f = NumberFormat::fp16) {
  Workload w;
  w.batch = batch;
  w.input = input;
  w.output = output;
  w.tp = tp;
  w.precisions = {f, f, f};
  return w;
}

bool finite_timing(const Timing& t) {
  for (double v : {t.ttft_s, t.tpot_s, t.e2e_s, t.tokens_per_s_per_user, t.tokens_per_s_per_chip,
                   t.batch_tokens_per_s_per_chip}) {
    if (!std::isfinite(v) || v <= 0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("KV bytes per token: GQA, MLA, MoE") {
  // Llama 3 70B at BF16: 80 layers x 2 x 8 KV heads x 128 x 2 B = 320 KiB.
  CHECK(kv_elements_per_token(lib().model("llama-3.1-70b")) * 2 == 320 * 1024);
  // DeepSeek-V3 at FP8: 61 layers x (512 latent + 64 rope) x 1 B, not 2x.
  CHECK(kv_elements_per_token(lib().model("deepseek-v3")) == 61 * 576);
  CHECK(kv_elements_per_token(lib().model("mixtral-8x7b")) == 32 * 2 * 8 * 128);
  // Gemma 2's explicit head_dim 256 (not 3584 / 16 = 224).
  CHECK(kv_elements_per_token(lib().model("gemma-2-9b")) == 42 * 2 * 8 * 256);
  CHECK(format_bytes(NumberFormat::fp8) == 1);
  CHECK(format_bytes(NumberFormat::fp4) == Approx(0.5625));
}

TEST_CASE("MoE expert traffic grows with the batch, compute does not") {
  CHECK(effective_experts(8, 2, 1) == Approx(2));
  CHECK(effective_experts(8, 2, 2) == Approx(8 * (1 - 0.75 * 0.75)));  // 3.5
  CHECK(effective_experts(256, 8, 1e6) == Approx(256));
  CHECK(effective_experts(0, 0, 64) == 0);

  const Model& mixtral = lib().model("mixtral-8x7b");
  ModelShape s = shape_of(mixtral);
  ParamCounts p = count_params(mixtral);
  // Linear FLOPs per token use the top-2 experts only.
  CHECK(s.linear_active ==
        Approx(static_cast<double>(p.active - p.embedding - p.lm_head - p.norms)));
  // Decode at batch 1 vs 2 on a bandwidth-bound chip: the step reads 3.5 instead of 2
  // experts' weights per layer, so the SOL step grows by exactly 1.5 experts' bytes.
  Hardware hw = synthetic(1e12, 1e18);
  Estimate one = estimate(hw, s, workload(1, 1, 2), Calibration{});
  Estimate two = estimate(hw, s, workload(2, 1, 2), Calibration{});
  double act_kv = (s.act_per_token * 2 + s.layers * s.kv_per_token_layer * 2 +
                   s.kv_per_token_layer * 2 * 2 * s.layers);
  double expected = (1.5 * s.expert_params * 2 + act_kv) / 1e12;
  CHECK(two.sol.tpot_s - one.sol.tpot_s == Approx(expected).epsilon(1e-6));
}

TEST_CASE("all-reduce volume and time") {
  CHECK(allreduce_bytes(64, 8192, 8) == 2.0 * 7 / 8 * 64 * 8192 * 2);
  CHECK(allreduce_bytes(64, 8192, 1) == 0);
  // Two all-reduces per layer; the latency floor and the link efficiency apply to each.
  ModelShape s = shape_of(lib().model("llama-3.1-70b"));
  Calibration c;
  Workload w = workload(64, 1024, 2, 2);
  Estimate slow = estimate(synthetic(3e12, 1e15, 1e11), s, w, c);
  Estimate fast = estimate(synthetic(3e12, 1e15, 1e21), s, w, c);
  double per_step = 2 * 80 * allreduce_bytes(64, 8192, 2) / (1e11 * c.link_efficiency);
  CHECK(slow.expected.tpot_s - fast.expected.tpot_s == Approx(per_step).epsilon(1e-6));
}

TEST_CASE("decode and prefill at speed of light, by hand") {
  const Model& m = lib().model("llama-3.1-8b");
  ModelShape s = shape_of(m);
  // One decode step of batch 1 at context 1024 on a 1 TB/s chip with unlimited compute:
  // weights without the input embedding (7,504,924,672 params x 2 B), the KV cache read
  // (1024 x 131,072 B), one token's KV write (131,072 B) and activations (2,360,576 x 2 B).
  Estimate e = estimate(synthetic(1e12, 1e21), s, workload(1, 1023, 2), Calibration{});
  double bytes = 7504924672.0 * 2 + 1024.0 * 131072 + 131072 + 2360576.0 * 2;
  CHECK(e.sol.tpot_s == Approx(bytes / 1e12).epsilon(1e-9));
  CHECK(s.act_per_token == 2360576);

  // Prefill of 1024 tokens at 1 PFLOP/s with unlimited bandwidth: 2 x 1024 x 6,979,321,856
  // linear FLOPs, the LM head for the last token, causal attention over 1024 x 1025 / 2
  // pairs x 32 layers x 4 x 32 x 128.
  Estimate p = estimate(synthetic(1e21, 1e15), s, workload(1, 1024, 1), Calibration{});
  double flops =
      2.0 * 1024 * 6979321856 + 2.0 * 128256 * 4096 + 1024.0 * 1025 / 2 * 32 * 4 * 32 * 128;
  CHECK(p.sol.ttft_s == Approx(flops / 1e15).epsilon(1e-9));
  CHECK(p.prefill_bottleneck == Bottleneck::compute);
}

TEST_CASE("capacity: weights, KV budget, max batch, max context") {
  ModelShape s = shape_of(lib().model("llama-3.1-70b"));
  Workload w = workload(1, 1024, 256);
  Estimate h100 = estimate(hardware_of(lib().chip("nvidia-h100-sxm")), s, w, Calibration{});
  CHECK(h100.status == Status::does_not_fit);
  CHECK_FALSE(h100.capacity.weights_fit);
  CHECK(h100.bottleneck == Bottleneck::memory_capacity);

  // H200: 141 GiB - 141,107,412,992 B of BF16 weights leaves 10,290,184,192 B; 90% of it
  // over 1280 tokens x 327,680 B per sequence is 22 sequences.
  Estimate h200 = estimate(hardware_of(lib().chip("nvidia-h200-sxm")), s, w, Calibration{});
  CHECK(h200.capacity.weights == 141107412992.0);
  CHECK(h200.capacity.max_batch == 22);
  CHECK(h200.status == Status::ok);
  w.batch = 23;
  CHECK(estimate(hardware_of(lib().chip("nvidia-h200-sxm")), s, w, Calibration{}).status ==
        Status::does_not_fit);

  // Sliding-window layers stop growing at the window: Gemma 2 at 8192 tokens holds
  // 21 layers x 8192 + 21 layers x 4096 tokens of cache per sequence.
  ModelShape g = shape_of(lib().model("gemma-2-9b"));
  Estimate ge = estimate(synthetic(1e12, 1e15), g, workload(1, 4096, 4096), Calibration{});
  CHECK(ge.capacity.kv_per_sequence == Approx((21.0 * 8192 + 21.0 * 4096) * 2 * 8 * 256 * 2));
  CHECK(ge.capacity.max_context == 8192);  // capped at the model's context length
}

TEST_CASE("chips lacking a needed value are unavailable, never defaulted") {
  ModelShape s = shape_of(lib().model("llama-3.1-8b"));
  Chip no_bandwidth = lib().chip("nvidia-h100-sxm");
  no_bandwidth.memory_bandwidth_gbps.reset();
  Estimate nb = estimate(hardware_of(no_bandwidth), s, workload(1, 128, 8), Calibration{});
  CHECK(nb.status == Status::unavailable);
  CHECK(nb.missing == std::vector<std::string>{"memory.bandwidth_gbps"});
  Estimate mlu =
      estimate(hardware_of(lib().chip("cambricon-mlu590")), s, workload(1, 128, 8), Calibration{});
  CHECK(mlu.missing ==
        std::vector<std::string>{"compute.fp16", "memory.bandwidth_gbps", "memory.capacity_gb"});
  Estimate ascend = estimate(hardware_of(lib().chip("huawei-ascend-910c")), s,
                             workload(1, 128, 8, 1, NumberFormat::fp8), Calibration{});
  CHECK(ascend.missing == std::vector<std::string>{"compute.fp8"});
  Chip no_link = lib().chip("nvidia-h100-sxm");
  no_link.chip_to_chip_gbps.reset();
  no_link.host_link_gbps.reset();
  Estimate nl = estimate(hardware_of(no_link), s, workload(1, 128, 8, 2), Calibration{});
  CHECK(nl.missing == std::vector<std::string>{"interconnect.chip_to_chip_gbps"});
  // A stated 0 is a known absence (a PCIe card): tensor parallelism only over the host link.
  no_link.chip_to_chip_gbps = Rational(0);
  no_link.host_link_gbps.reset();
  nl = estimate(hardware_of(no_link), s, workload(1, 128, 8, 2), Calibration{});
  CHECK(nl.missing ==
        std::vector<std::string>{"interconnect.chip_to_chip_gbps (0: no chip-to-chip link)"});
}

TEST_CASE("tensor parallelism over the host link, slower than over a chip-to-chip link") {
  ModelShape s = shape_of(lib().model("llama-3.1-70b"));
  Chip l40s = lib().chip("nvidia-l40s");
  REQUIRE(l40s.host_link_gbps);
  Workload w = workload(8, 1024, 256, 4, NumberFormat::fp8);
  Estimate pcie = estimate(hardware_of(l40s), s, w, Calibration{});
  REQUIRE(pcie.status == Status::ok);
  CHECK(pcie.host_link);
  // The same card with an NVLink-class link is faster; the host link's latency floor shows.
  Hardware linked = hardware_of(l40s);
  linked.link_bandwidth = 450e9;
  Estimate nv = estimate(linked, s, w, Calibration{});
  CHECK_FALSE(nv.host_link);
  CHECK(nv.expected.tpot_s < pcie.expected.tpot_s);
  Calibration slow_host;
  REQUIRE(set_calibration(slow_host, "host_latency_us=500").empty());
  CHECK(estimate(hardware_of(l40s), s, w, slow_host).expected.tpot_s >
        pcie.expected.tpot_s + 2 * 80 * 400e-6);
}

TEST_CASE("expert parallelism: EP 1 is no EP, imbalance and few tokens per expert cost time") {
  const Model& ds = lib().model("deepseek-v3");
  ModelShape s = shape_of(ds);
  Hardware h200 = hardware_of(lib().chip("nvidia-h200-sxm"));
  Workload w = workload(64, 1000, 1000, 8, NumberFormat::fp8);
  Workload ep1 = w;
  ep1.ep = 1;
  Estimate base = estimate(h200, s, w, Calibration{});
  REQUIRE(base.status == Status::ok);
  CHECK(estimate(h200, s, ep1, Calibration{}).expected.tpot_s == base.expected.tpot_s);

  Workload ep8 = w;
  ep8.ep = 8;
  CHECK(check_workload(ep8, ds).empty());
  // The fitted constants are not neutral; each is measured against a neutral setting.
  Calibration neutral;
  REQUIRE(set_calibration(neutral, "expert_imbalance=1").empty());
  REQUIRE(set_calibration(neutral, "expert_half_tokens=0").empty());
  Calibration imbalanced = neutral;
  REQUIRE(set_calibration(imbalanced, "expert_imbalance=1.5").empty());
  Estimate balanced = estimate(h200, s, ep8, neutral);
  Estimate hot = estimate(h200, s, ep8, imbalanced);
  REQUIRE(balanced.status == Status::ok);
  CHECK(hot.expected.tpot_s > balanced.expected.tpot_s);
  // Imbalance is a matter of ranks: without EP it changes nothing.
  CHECK(estimate(h200, s, w, imbalanced).expected.tpot_s ==
        estimate(h200, s, w, neutral).expected.tpot_s);
  // Speed of light is balanced.
  CHECK(hot.sol.tpot_s == balanced.sol.tpot_s);

  Calibration grouped = neutral;
  REQUIRE(set_calibration(grouped, "expert_half_tokens=64").empty());
  Estimate few = estimate(h200, s, w, grouped);
  CHECK(few.expected.ttft_s > estimate(h200, s, w, neutral).expected.ttft_s);

  // DP attention holds each sequence's MLA cache once, not on every rank: more sequences fit.
  Workload dp = ep8;
  dp.dp_attention = true;
  Estimate dpe = estimate(h200, s, dp, Calibration{});
  REQUIRE(dpe.status == Status::ok);
  CHECK(dpe.capacity.kv_per_sequence * 8 == Approx(balanced.capacity.kv_per_sequence));
  CHECK(dpe.capacity.max_batch > balanced.capacity.max_batch);
  CHECK(dpe.capacity.weights > balanced.capacity.weights);  // attention replicated
}

TEST_CASE("bad expert parallelism is reported") {
  Workload w = workload(1, 128, 8, 8);
  w.ep = 7;
  auto p = check_workload(w, lib().model("deepseek-v3"));
  REQUIRE(p.size() == 1);
  CHECK(p[0].code == "E0516");
  w.ep = 8;
  p = check_workload(w, lib().model("llama-3.1-70b"));
  REQUIRE(p.size() == 1);
  CHECK(p[0].code == "E0516");
  w.ep = 16;
  p = check_workload(w, lib().model("deepseek-v3"));
  REQUIRE(p.size() == 1);
  CHECK(p[0].code == "E0516");
}

TEST_CASE("bad workloads are reported with stable codes") {
  const Model& m = lib().model("llama-3.1-70b");
  auto codes = [&](Workload w) {
    std::vector<std::string> out;
    for (const auto& p : check_workload(w, m))
      out.push_back(p.code);
    return out;
  };
  CHECK(codes(workload(1, 1024, 256)).empty());
  CHECK(codes(workload(0, 1024, 256)) == std::vector<std::string>{"E0505"});
  CHECK(codes(workload(1, 0, 256)) == std::vector<std::string>{"E0505"});
  CHECK(codes(workload(1, 131072, 1)) == std::vector<std::string>{"E0506"});
  CHECK(codes(workload(1, 1024, 256, 3)) == std::vector<std::string>{"E0507"});
  CHECK(codes(workload(1, 1024, 256, 128)) == std::vector<std::string>{"E0507"});
  Workload narrow = workload(1, 1024, 256);
  narrow.precisions = {NumberFormat::fp16, NumberFormat::fp8, NumberFormat::fp16};
  CHECK(codes(narrow) == std::vector<std::string>{"E0504"});
  // Lengths are bounded one by one, so input + output cannot overflow into a small sum.
  CHECK(codes(workload(1, kMaxTokens + 1, 256)) == std::vector<std::string>{"E0505"});
  CHECK(codes(workload(1, 1024, kMaxTokens + 1)) == std::vector<std::string>{"E0505"});
  CHECK(codes(workload(1, INT64_MAX, 256)) == std::vector<std::string>{"E0505"});
  CHECK(codes(workload(1, INT64_MAX, INT64_MAX)) == std::vector<std::string>{"E0505", "E0505"});
  CHECK(codes(workload(1, INT64_MIN, 1)) == std::vector<std::string>{"E0505"});
  // An invalid workload that reaches the estimator anyway gives no number, not a wrong one.
  CHECK(estimate(synthetic(1e12, 1e15), shape_of(m), workload(1, INT64_MAX, 256), Calibration{})
            .status == Status::unavailable);
  Estimate e = estimate(synthetic(1e12, 1e15), shape_of(m), workload(0, 1024, 256), Calibration{});
  CHECK(e.status == Status::unavailable);
}

TEST_CASE("precision mapping: the GEMM runs at the activations' rate") {
  CHECK(*gemm_format({NumberFormat::int4, NumberFormat::fp16, NumberFormat::fp16}).format ==
        NumberFormat::fp16);
  CHECK(*gemm_format({NumberFormat::fp8, NumberFormat::fp8, NumberFormat::fp16}).format ==
        NumberFormat::fp8);
  CHECK_FALSE(gemm_format({NumberFormat::fp8, NumberFormat::int8, NumberFormat::fp16}).format);
  CHECK(attention_format({NumberFormat::fp8, NumberFormat::fp8, NumberFormat::fp8}) ==
        NumberFormat::fp8);
  CHECK(attention_format({NumberFormat::fp8, NumberFormat::fp8, NumberFormat::fp16}) ==
        NumberFormat::fp16);
  CHECK(default_activations(NumberFormat::int4) == NumberFormat::fp16);
}

TEST_CASE("invariants over every chip, model and a spread of workloads") {
  const std::vector<int64_t> batches = {1, 7, 64, 512};
  const std::vector<std::pair<int64_t, int64_t>> lengths = {
      {1, 1}, {128, 2048}, {2048, 128}, {4000, 96}};
  size_t checked = 0;
  for (const auto& chip : lib().chips) {
    Hardware hw = hardware_of(chip);
    Hardware faster = hw;
    if (faster.memory_bandwidth) *faster.memory_bandwidth *= 1.5;
    Hardware stronger = hw, linked = hw;
    for (auto& p : stronger.peak) {
      if (p) *p *= 1.5;
    }
    if (linked.link_bandwidth && *linked.link_bandwidth > 0) *linked.link_bandwidth *= 1.5;
    if (linked.host_link_bandwidth) *linked.host_link_bandwidth *= 1.5;
    Hardware powered = hw;  // more power per FLOP: a family chip's power limit binds less
    if (powered.tdp) *powered.tdp *= 1.5;
    for (const auto& model : lib().models) {
      ModelShape s = shape_of(model);
      for (int64_t b : batches) {
        for (auto [in, out] : lengths) {
          for (int64_t tp : {1, 8}) {
            Workload w = workload(b, in, out, tp);
            if (!check_workload(w, model).empty()) continue;
            Estimate e = estimate(hw, s, w, Calibration{});
            if (e.status == Status::unavailable) {
              CHECK_FALSE(e.missing.empty());
              continue;
            }
            ++checked;
            REQUIRE(finite_timing(e.expected));
            REQUIRE(finite_timing(e.sol));
            // Speed of light is a lower bound on time.
            CHECK(e.sol.ttft_s <= e.expected.ttft_s);
            CHECK(e.sol.tpot_s <= e.expected.tpot_s);
            CHECK(e.sol.e2e_s <= e.expected.e2e_s);
            // More bandwidth, compute or link is never slower. More peak at the same TDP can
            // be power-bound (chip families): then equal, up to rounding.
            for (const Hardware* better : {&faster, &stronger, &linked, &powered}) {
              Estimate f = estimate(*better, s, w, Calibration{});
              CHECK(f.expected.tpot_s <= e.expected.tpot_s * (1 + 1e-12));
              CHECK(f.expected.ttft_s <= e.expected.ttft_s * (1 + 1e-12));
              CHECK(f.sol.tpot_s <= e.sol.tpot_s);
            }
            // In-flight batching is never slower than the static batch.
            Workload c = w;
            c.continuous = true;
            Estimate ce = estimate(hw, s, c, Calibration{});
            CHECK(ce.expected.batch_tokens_per_s_per_chip >=
                  e.expected.batch_tokens_per_s_per_chip);
            CHECK(ce.sol.batch_tokens_per_s_per_chip >= e.sol.batch_tokens_per_s_per_chip);
            CHECK(ce.expected.tpot_s == e.expected.tpot_s);
          }
        }
      }
    }
  }
  CHECK(checked > 10000);
}

TEST_CASE("memory-bound decode scales with bandwidth") {
  ModelShape s = shape_of(lib().model("llama-3.1-70b"));
  Hardware h20 = hardware_of(lib().chip("nvidia-h20"));
  Workload w = workload(1, 1024, 256, 8);
  Estimate e = estimate(h20, s, w, Calibration{});
  REQUIRE(e.decode_bottleneck == Bottleneck::memory_bandwidth);
  REQUIRE(e.decode_intensity < e.ridge_point);
  // At speed of light with no interconnect cost (TP 1 on a large chip), halving the time
  // per byte halves the step.
  Hardware big = synthetic(2e12, 1e15);
  Hardware twice = synthetic(4e12, 1e15);
  Workload one = workload(1, 1024, 256);
  double a = estimate(big, s, one, Calibration{}).sol.tpot_s,
         b = estimate(twice, s, one, Calibration{}).sol.tpot_s;
  CHECK(a / b == Approx(2).epsilon(1e-12));
  // The H20 decodes faster than the H100 although its compute is 15% of it.
  ModelShape small = shape_of(lib().model("llama-3.1-8b"));
  Estimate h20e = estimate(h20, small, workload(16, 1024, 256), Calibration{});
  Estimate h100 = estimate(hardware_of(lib().chip("nvidia-h100-sxm")), small,
                           workload(16, 1024, 256), Calibration{});
  CHECK(h20e.expected.tokens_per_s_per_chip > h100.expected.tokens_per_s_per_chip);
  CHECK(h20e.expected.ttft_s > h100.expected.ttft_s);  // prefill is compute-bound
}

TEST_CASE("GQA K/V reuse: pre-XQA kernels read K/V once per query head") {
  ModelShape gqa = shape_of(lib().model("llama-2-70b"));
  ModelShape mha = shape_of(lib().model("llama-2-7b"));
  Calibration legacy;
  REQUIRE(set_calibration(legacy, "gqa_kv_reuse=0").empty());
  Hardware hw = hardware_of(lib().chip("nvidia-h200-sxm"));
  Workload w = workload(32, 2048, 256, 2);
  CHECK(estimate(hw, gqa, w, legacy).expected.tpot_s >
        estimate(hw, gqa, w, Calibration{}).expected.tpot_s);
  CHECK(estimate(hw, mha, w, legacy).expected.tpot_s ==
        estimate(hw, mha, w, Calibration{}).expected.tpot_s);
}

TEST_CASE("calibration constants are named, bounded and overridable") {
  Calibration c;
  CHECK(set_calibration(c, "memory_efficiency=0.9").empty());
  CHECK(c.memory_efficiency == 0.9);
  CHECK_THAT(set_calibration(c, "memory_efficiency=1.5"), Catch::Contains("must lie in"));
  CHECK_THAT(set_calibration(c, "memory_efficiency=fast"), Catch::Contains("needs a number"));
  CHECK_THAT(set_calibration(c, "hbm=0.9"), Catch::Contains("unknown calibration constant"));
  CHECK_THAT(set_calibration(c, "overlap"), Catch::Contains("name=value"));
  for (const auto& k : calibration_constants()) {
    CHECK_FALSE(k.source.empty());
    double v = Calibration{}.*k.member;
    CHECK(v >= k.min);
    CHECK(v <= k.max);
  }
}

TEST_CASE("the calibration set is met within its tolerances") {
  size_t ttft = 0, throughput = 0;
  for (const auto& point : calibration_set()) {
    CalibrationResult r =
        run_calibration_point(point, hardware_of(lib().chip(point.chip_id)),
                              shape_of(lib().model(point.model_id)), Calibration{});
    INFO(point.set << " " << point.chip_id << " " << point.model_id << " batch " << r.batch << " "
                   << point.workload.input << "/" << point.workload.output << ": published "
                   << point.published << ", expected " << r.expected << ", error " << r.error);
    REQUIRE(r.problem.empty());
    CHECK(r.status == Status::ok);
    CHECK(std::abs(r.error) <= point.tolerance);
    CHECK(r.within);
    // The speed of light is never slower than what was measured.
    if (point.metric == Metric::ttft_ms) {
      CHECK(r.sol <= point.published);
      ++ttft;
    } else {
      CHECK(r.sol >= point.published);
      ++throughput;
    }
  }
  CHECK(ttft == 8);
  CHECK(throughput == 106);
}

TEST_CASE("error bands are the calibration set's residuals, per regime") {
  struct Seen {
    double low = 1e9, high = 0;
    size_t n = 0;
  };
  std::map<Regime, Seen> seen;
  for (const auto& point : calibration_set()) {
    if (point.metric == Metric::ttft_ms) continue;
    CalibrationResult r =
        run_calibration_point(point, hardware_of(lib().chip(point.chip_id)),
                              shape_of(lib().model(point.model_id)), Calibration{});
    REQUIRE(r.expected > 0);
    Seen& s = seen[r.regime];
    double factor = point.published / r.expected;
    s.low = std::min(s.low, factor);
    s.high = std::max(s.high, factor);
    ++s.n;
  }
  for (Regime g : {Regime::dense_memory, Regime::dense_compute, Regime::moe}) {
    INFO(regime_name(g) << ": measured/expected " << seen[g].low << ".." << seen[g].high << " over "
                        << seen[g].n << " points");
    ErrorBand b = error_band(g);
    CHECK(b.points == seen[g].n);
    // Rounded outward to two decimals.
    CHECK(b.low <= seen[g].low);
    CHECK(b.low > seen[g].low - 0.01);
    CHECK(b.high >= seen[g].high);
    CHECK(b.high < seen[g].high + 0.01);
  }
  // Speed of light caps the band.
  Range r = throughput_range(100, 105, Regime::dense_memory);
  CHECK(r.high <= 105);
  CHECK(r.low <= r.high);
}

TEST_CASE("reference workload ratio to the H100 SXM") {
  const Model& m = lib().model(kReferenceModelId);
  const Chip& h100 = lib().chip(kReferenceBaselineId);
  ReferenceRatio self = reference_ratio(h100, h100, m);
  REQUIRE(self.ratio);
  CHECK(*self.ratio == 1);
  ReferenceRatio h20 = reference_ratio(lib().chip("nvidia-h20"), h100, m);
  REQUIRE(h20.ratio);
  CHECK(*h20.ratio > 1.05);
  CHECK(h20.estimate.decode_bottleneck == Bottleneck::memory_bandwidth);
  ReferenceRatio mlu = reference_ratio(lib().chip("cambricon-mlu590"), h100, m);
  CHECK_FALSE(mlu.ratio);
  CHECK(mlu.reason == "missing compute.fp16, memory.bandwidth_gbps, memory.capacity_gb");
}

TEST_CASE("extreme but valid chips and workloads give finite, positive numbers") {
  // The smallest and largest figures a spec can state (exact rationals: about 1e-19 and
  // 9.2e18, times the unit), on the shipped models at the edges of the workload ranges.
  const double tiny = 1e-19, huge = 9.2e18;
  struct Extreme {
    const char* what;
    Hardware hw;
  };
  std::vector<Extreme> chips = {
      {"tiny rate", synthetic(3e12, tiny * 1e12)},
      {"tiny bandwidth", synthetic(tiny * 1e9, 1e15)},
      {"tiny link", synthetic(3e12, 1e15, tiny * 1e9 / 2)},
      {"tiny everything", synthetic(tiny * 1e9, tiny * 1e12, tiny * 1e9 / 2)},
      {"huge everything", synthetic(huge * 1e9, huge * 1e12, huge * 1e9 / 2)},
  };
  for (auto& c : chips)
    *c.hw.memory_capacity = huge * 1024.0 * 1024 * 1024;  // everything fits
  for (const auto& c : chips) {
    for (const auto& model : lib().models) {
      ModelShape s = shape_of(model);
      for (Workload w :
           {workload(1, 1, 1), workload(kMaxBatch, 1, 1),
            workload(kMaxBatch, model.context_length - 1, 1),
            workload(kMaxBatch, 1, model.context_length - 1), workload(7, 1024, 256, 8)}) {
        if (!check_workload(w, model).empty()) continue;
        INFO(c.what << " " << model.id << " batch " << w.batch << " " << w.input << "+" << w.output
                    << " tp " << w.tp);
        Estimate e = estimate(c.hw, s, w, Calibration{});
        REQUIRE(e.status == Status::ok);
        CHECK(finite_timing(e.expected));
        CHECK(finite_timing(e.sol));
        CHECK(std::isfinite(e.ridge_point));
        CHECK(std::isfinite(e.decode_intensity));
        CHECK(std::isfinite(e.prefill_intensity));
        CHECK(e.capacity.max_batch == kMaxBatch);
        CHECK(e.capacity.max_batch_capped);
        CHECK(e.capacity.max_context == model.context_length);
      }
    }
  }
  // Tiny memory: nothing fits, and the capacity figures stay finite and non-negative.
  Hardware small = synthetic(3e12, 1e15);
  small.memory_capacity = tiny * 1024.0 * 1024 * 1024;
  Estimate e =
      estimate(small, shape_of(lib().model("llama-3.1-8b")), workload(1, 1024, 256), Calibration{});
  CHECK(e.status == Status::does_not_fit);
  CHECK(e.capacity.max_batch == 0);
  CHECK_FALSE(e.capacity.max_batch_capped);
  CHECK(e.capacity.max_context == 0);
  CHECK(e.capacity.kv_budget == 0);
}

// The numbers docs/roofline.md reports (fitted and held out apart); a change to the model
// that moves them must move the doc too.
TEST_CASE("held-out errors stay where docs/roofline.md reports them") {
  std::vector<double> dense, moe;
  std::map<std::string, double> by_key;  // "set chip model": expected / published
  for (const auto& point : calibration_set()) {
    CalibrationResult r =
        run_calibration_point(point, hardware_of(lib().chip(point.chip_id)),
                              shape_of(lib().model(point.model_id)), Calibration{});
    REQUIRE(r.problem.empty());
    if (point.metric == Metric::ttft_ms) continue;
    std::string key = fmt::format("{} {} {}", point.set, point.chip_id, point.model_id);
    // The first of a set's points on one chip and model (MLPerf v4.1's 1 x MI300X before
    // its 8-GPU systems).
    by_key.emplace(key, r.expected / point.published);
    if (!point.held_out) continue;
    (r.regime == Regime::moe ? moe : dense).push_back(std::abs(r.error));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  CHECK(dense.size() == 49);
  CHECK(moe.size() == 11);
  // Met: dense median <= 10%, MoE median <= 35%.
  CHECK(median(dense) <= 0.10);
  CHECK(median(dense) == Approx(0.08).margin(0.01));
  CHECK(median(moe) <= 0.35);
  CHECK(median(moe) == Approx(0.19).margin(0.01));
  // Missed, reported as missed: the worst dense point (MLPerf v4.0 Gaudi 2, 70B TP8) is
  // above 25%.
  CHECK(*std::max_element(dense.begin(), dense.end()) == Approx(0.27).margin(0.01));
  // Ratios on one MLPerf round: B200/H200, MI300X/MI325X and H100/H200 on Mixtral (at the
  // batch limits of NVIDIA's configs) within 15%; MI300X/H200 not.
  auto ratio = [&](const std::string& a, const std::string& b) {
    return by_key.at(a) / by_key.at(b) - 1;
  };
  CHECK(std::abs(ratio("M nvidia-b200 llama-2-70b", "M nvidia-h200-sxm llama-2-70b")) <= 0.15);
  CHECK(std::abs(ratio("M51 amd-mi300x llama-2-70b", "M51 amd-mi325x llama-2-70b")) <= 0.15);
  CHECK(std::abs(ratio("X51 amd-mi325x mixtral-8x7b", "X51 amd-mi300x mixtral-8x7b")) <= 0.15);
  CHECK(ratio("M amd-mi300x llama-2-70b", "M nvidia-h200-sxm llama-2-70b") ==
        Approx(0.28).margin(0.01));
  CHECK(std::abs(ratio("X41 nvidia-h100-sxm mixtral-8x7b", "X41 nvidia-h200-sxm mixtral-8x7b")) <=
        0.15);
}

TEST_CASE("chip families: their efficiencies, the power limit, overrides by family.member") {
  Calibration c;
  const ChipFamily* amd = chip_family(c, "amd-mi300x");
  REQUIRE(amd != nullptr);
  CHECK(amd->name == "amd-cdna3");
  CHECK(chip_family(c, "amd-mi325x") == amd);
  CHECK(chip_family(c, "nvidia-h100-sxm") == nullptr);  // the global constants
  CHECK(chip_family(c, "") == nullptr);
  // Same datasheet peak, 750 W against the 1000 W the family was fitted on.
  Hardware mi300x = hardware_of(lib().chip("amd-mi300x")),
           mi325x = hardware_of(lib().chip("amd-mi325x"));
  CHECK(power_factor(mi300x, amd) == Approx(0.75).epsilon(0.001));
  CHECK(power_factor(mi325x, amd) == 1);
  CHECK(power_factor(mi300x, nullptr) == 1);

  Calibration slow = c;
  REQUIRE(set_calibration(slow, "amd-cdna3.compute_8bit=0.25").empty());
  const Model& m = lib().model("llama-2-70b");
  Workload w = workload(1024, 300, 293, 1, NumberFormat::fp8);
  Estimate base = estimate(mi325x, shape_of(m), w, c);
  Estimate slower = estimate(mi325x, shape_of(m), w, slow);
  REQUIRE(base.status == Status::ok);
  CHECK(slower.expected.ttft_s > base.expected.ttft_s);
  CHECK(slower.sol.ttft_s == base.sol.ttft_s);  // speed of light: 100% of peak, no power limit
  CHECK(base.family == "amd-cdna3");

  CHECK_FALSE(set_calibration(slow, "amd-cdna3.compute_8bit=2").empty());
  CHECK_FALSE(set_calibration(slow, "amd-cdna3.speed=0.5").empty());
  CHECK_FALSE(set_calibration(slow, "amd-cdna9.memory=0.5").empty());
  CHECK(set_calibration(slow, "nvidia-blackwell.memory=0.7").empty());
  CHECK(chip_family(slow, "nvidia-b200")->memory == 0.7);
}

TEST_CASE("a fully connected box: tp chips reach (tp - 1) peer shares of the link") {
  Calibration c;
  const ChipFamily* gaudi = chip_family(c, "intel-gaudi2");
  const ChipFamily* amd = chip_family(c, "amd-mi300x");
  REQUIRE(gaudi != nullptr);
  REQUIRE(amd != nullptr);
  // Gaudi: 3 of 24 RoCE ports to each of 7 peers (262.5 of 300 GB/s per direction at TP8).
  CHECK(link_share(gaudi, 1) == 1);
  CHECK(link_share(gaudi, 2) == Approx(0.125));
  CHECK(link_share(gaudi, 4) == Approx(0.375));
  CHECK(link_share(gaudi, 8) == Approx(0.875));
  CHECK(link_share(gaudi, 64) == 1);  // beyond one box: not modelled, never above the link
  CHECK(link_share(amd, 2) == Approx(1.0 / 7));
  CHECK(link_share(amd, 8) == Approx(1.0));
  CHECK(link_share(nullptr, 8) == 1);  // switched (NVLink with NVSwitch): the whole link
  CHECK(link_share(chip_family(c, "nvidia-b200"), 2) == 1);

  // The wiring binds the speed of light too; a switched Gaudi would be faster at TP2.
  Calibration switched = c;
  REQUIRE(set_calibration(switched, "intel-gaudi.peer_link_share=0").empty());
  Hardware g2 = hardware_of(lib().chip("intel-gaudi2"));
  const Model& m = lib().model("llama-2-70b");
  Workload w = workload(1750, 128, 128, 2, NumberFormat::fp8);
  Estimate mesh = estimate(g2, shape_of(m), w, c);
  Estimate full = estimate(g2, shape_of(m), w, switched);
  REQUIRE(mesh.status == Status::ok);
  CHECK(full.expected.e2e_s < mesh.expected.e2e_s);
  CHECK(full.sol.e2e_s < mesh.sol.e2e_s);
  CHECK(mesh.sol.e2e_s <= mesh.expected.e2e_s);
  CHECK_FALSE(set_calibration(switched, "intel-gaudi.peer_link_share=2").empty());
}
