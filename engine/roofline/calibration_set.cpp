#include "engine/roofline/calibration_set.hpp"

#include <cmath>

#include <fmt/format.h>

namespace exctl::roofline {
namespace {

constexpr std::string_view kV2 =
    "TensorRT-LLM v0.5 docs/source/performance.md (138f96d4), first-token latency";
constexpr std::string_view kV3 = "TensorRT-LLM v0.6.1 docs/source/performance.md, static batching";
constexpr std::string_view kV3a =
    "TensorRT-LLM A100 table quoted in LLM-Viewer issue #4, static batching";
constexpr std::string_view kV7 =
    "TensorRT-LLM 1.0 docs/source/performance/perf-overview.md, trtllm-bench max throughput";

constexpr std::string_view kH100 = "nvidia-h100-sxm", kH200 = "nvidia-h200-sxm",
                           kA100 = "nvidia-a100-sxm";

Workload wl(int64_t batch, int64_t input, int64_t output, int64_t tp, NumberFormat f) {
  Workload w;
  w.batch = batch;
  w.input = input;
  w.output = output;
  w.tp = tp;
  w.precisions = {f, f, f};
  return w;
}

std::vector<CalibrationPoint> build() {
  using F = NumberFormat;
  std::vector<CalibrationPoint> set;
  auto v2 = [&](std::string_view chip, std::string_view model, int64_t tp, int64_t input, F f,
                double ms) {
    set.push_back(
        {"V2", kV2, chip, model, wl(1, input, 1, tp, f), 0, Metric::ttft_ms, ms, 0.35, {}});
  };
  v2(kH100, "llama-2-7b", 1, 128, F::fp8, 7);
  v2(kH100, "llama-2-7b", 1, 2048, F::fp8, 36);
  v2(kH100, "llama-2-70b", 4, 128, F::fp8, 26);
  v2(kH100, "llama-2-70b", 4, 2048, F::fp8, 109);
  v2(kA100, "llama-2-7b", 1, 128, F::fp16, 16);
  v2(kA100, "llama-2-7b", 1, 2048, F::fp16, 133);
  v2(kA100, "llama-2-70b", 4, 128, F::fp16, 47);
  v2(kA100, "llama-2-70b", 4, 2048, F::fp16, 377);

  // v0.6.1 predates the XQA kernel, so K/V reuse across a GQA group was partial.
  const std::vector<std::string> pre_xqa = {"gqa_kv_reuse=0.5"};
  auto v3 = [&](std::string_view source, std::string_view chip, std::string_view model,
                int64_t batch, int64_t tp, int64_t input, int64_t output, F f, double tps) {
    set.push_back({"V3", source, chip, model, wl(batch, input, output, tp, f), 0,
                   Metric::tokens_per_s_per_chip, tps, 0.25, pre_xqa});
  };
  v3(kV3, kH100, "llama-2-7b", 768, 1, 128, 128, F::fp8, 19694);
  v3(kV3, kH100, "llama-2-70b", 64, 2, 2048, 2048, F::fp8, 547);
  v3(kV3, kH100, "llama-2-70b", 1024, 2, 128, 128, F::fp8, 2657);
  v3(kV3, kH100, "llama-2-70b", 480, 4, 128, 2048, F::fp8, 1486);
  v3(kV3, kH100, "llama-2-70b", 96, 2, 2048, 128, F::fp8, 306);
  v3(kV3, kA100, "llama-2-70b", 1280, 4, 128, 128, F::fp16, 670);
  v3(kV3, kA100, "llama-2-70b", 240, 4, 128, 2048, F::fp16, 525);
  v3(kV3, kA100, "llama-2-7b", 384, 1, 128, 128, F::fp16, 5586);
  v3(kV3a, kA100, "llama-2-7b", 256, 1, 128, 128, F::fp16, 5353);
  v3(kV3a, kA100, "llama-2-7b", 32, 1, 128, 2048, F::fp16, 1518);
  v3(kV3a, kA100, "llama-2-7b", 32, 1, 2048, 128, F::fp16, 547);
  v3(kV3a, kA100, "llama-2-7b", 16, 1, 2048, 2048, F::fp16, 613);

  // Saturation: in-flight batching fills the KV cache (0.95 of free memory, per the perf
  // overview) up to the default max_batch_size of 2048.
  const std::vector<std::string> trtllm1 = {"kv_memory_fraction=0.95"};
  auto v7 = [&](std::string_view chip, std::string_view model, int64_t tp, int64_t input,
                int64_t output, double tps) {
    set.push_back({"V7", kV7, chip, model, wl(0, input, output, tp, F::fp8), 2048,
                   Metric::tokens_per_s_total, tps, 0.25, trtllm1});
  };
  const int64_t lengths[4][2] = {{128, 128}, {128, 2048}, {2048, 128}, {2048, 2048}};
  const double l8_h100[] = {28312, 22714, 3450, 9305}, l8_h200[] = {27911, 26221, 3538, 12194};
  const double l70_h100[] = {6378, 6651, 762, 3082}, l70_h200[] = {3803, 4336, 442, 2003};
  for (int i = 0; i < 4; ++i)
    v7(kH100, "llama-3.1-8b", 1, lengths[i][0], lengths[i][1], l8_h100[i]);
  for (int i = 0; i < 4; ++i)
    v7(kH200, "llama-3.1-8b", 1, lengths[i][0], lengths[i][1], l8_h200[i]);
  // Published for Llama 3.3 70B, which has the architecture of Llama 3.1 70B.
  for (int i = 0; i < 4; ++i)
    v7(kH100, "llama-3.1-70b", 2, lengths[i][0], lengths[i][1], l70_h100[i]);
  for (int i = 0; i < 4; ++i)
    v7(kH200, "llama-3.1-70b", 1, lengths[i][0], lengths[i][1], l70_h200[i]);
  return set;
}

double value_of(const Timing& t, Metric m, int64_t tp) {
  switch (m) {
    case Metric::ttft_ms:
      return t.ttft_s * 1e3;
    case Metric::tokens_per_s_per_chip:
      return t.batch_tokens_per_s_per_chip;
    case Metric::tokens_per_s_total:
      return t.batch_tokens_per_s_per_chip * static_cast<double>(tp);
  }
  return 0;
}

}  // namespace

std::string_view metric_name(Metric m) {
  switch (m) {
    case Metric::ttft_ms:
      return "ttft_ms";
    case Metric::tokens_per_s_per_chip:
      return "tokens_per_s_per_chip";
    case Metric::tokens_per_s_total:
      return "tokens_per_s_total";
  }
  return "ttft_ms";
}

const std::vector<CalibrationPoint>& calibration_set() {
  static const std::vector<CalibrationPoint> kSet = build();
  return kSet;
}

CalibrationResult run_calibration_point(const CalibrationPoint& point, const Hardware& hw,
                                        const ModelShape& model, const Calibration& base) {
  CalibrationResult r;
  r.point = &point;
  Calibration calib = base;
  for (const auto& o : point.overrides) {
    if (std::string problem = set_calibration(calib, o); !problem.empty()) {
      r.problem = problem;
      return r;
    }
  }
  Workload w = point.workload;
  if (w.batch == 0) {
    // Probe capacity at batch 1, then run at the largest batch that fits.
    w.batch = 1;
    Estimate probe = estimate(hw, model, w, calib);
    w.batch = std::min(point.batch_cap, std::max<int64_t>(probe.capacity.max_batch, 1));
  }
  r.batch = w.batch;
  Estimate e = estimate(hw, model, w, calib);
  r.status = e.status;
  if (e.status == Status::unavailable) {
    r.problem = fmt::format("missing {}", fmt::join(e.missing, ", "));
    return r;
  }
  r.expected = value_of(e.expected, point.metric, w.tp);
  r.sol = value_of(e.sol, point.metric, w.tp);
  r.error = point.published > 0 ? r.expected / point.published - 1 : 0;
  r.within = e.status == Status::ok && std::abs(r.error) <= point.tolerance;
  return r;
}

}  // namespace exctl::roofline
