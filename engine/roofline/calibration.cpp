#include "engine/roofline/calibration.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace exctl::roofline {

const std::vector<CalibrationConstant>& calibration_constants() {
  static const std::vector<CalibrationConstant> kConstants = {
      {"compute_efficiency", &Calibration::compute_efficiency, 0.01, 1, "",
       "kipply's transformer-inference arithmetic and llm-analysis (FLOPs efficiency 0.7)"},
      {"compute_efficiency_8bit", &Calibration::compute_efficiency_8bit, 0.01, 1, "",
       "fitted to the H100 FP8 points of the calibration set (TRT-LLM v0.5 TTFT implies 0.33-0.39, "
       "TRT-LLM 1.0 throughput about 0.6)"},
      {"memory_efficiency", &Calibration::memory_efficiency, 0.01, 1, "",
       "aiconfigurator h100_sxm.yaml (HBM efficiency 0.8)"},
      {"link_efficiency", &Calibration::link_efficiency, 0.01, 1, "",
       "assumed equal to memory_efficiency; between 0.5 and 1 the calibration set's mean errors "
       "move by under 3 points"},
      {"prefill_overlap", &Calibration::prefill_overlap, 0, 1, "",
       "fitted to the calibration set: short prompts sit near the ridge point, where TRT-LLM's "
       "TTFT is the "
       "sum of compute and weight-streaming time (A100 FP16, 128 tokens)"},
      {"decode_overlap", &Calibration::decode_overlap, 0, 1, "",
       "fitted to the calibration set: decode kernels hide compute under weight and KV streaming "
       "(the "
       "roofline's max); 1 gives the lowest mean throughput error (6%, no bias), 0.5 the lowest "
       "largest error"},
      {"allreduce_latency_us", &Calibration::allreduce_latency_us, 0, 10000, "us",
       "Epoch AI, NCCL base latency on DGX H100 (~30 us); llm-analysis uses 8 us, GenZ 5 us + per "
       "hop"},
      {"layer_overhead_us", &Calibration::layer_overhead_us, 0, 10000, "us",
       "BLIS trained per-layer overhead (32 us)"},
      {"step_overhead_us", &Calibration::step_overhead_us, 0, 100000, "us",
       "BLIS trained per-step overhead (126 us)"},
      {"kv_memory_fraction", &Calibration::kv_memory_fraction, 0.01, 1, "",
       "TensorRT-LLM kv_cache_free_gpu_mem_fraction default (0.90; its perf overview uses 0.95)"},
      {"gqa_kv_reuse", &Calibration::gqa_kv_reuse, 0, 1, "",
       "1 for XQA/FlashDecoding-class kernels; TRT-LLM before the XQA kernel (Jan 2024) re-read "
       "K/V per "
       "query head, 0.5 fits its v0.6.1 70B points"},
      {"host_link_efficiency", &Calibration::host_link_efficiency, 0.01, 1, "",
       "assumed, not fitted (no PCIe tensor-parallel point in the calibration set): PCIe 4.0/5.0 "
       "x16 moves about 70% of its raw rate as payload"},
      {"host_latency_us", &Calibration::host_latency_us, 0, 10000, "us",
       "assumed, not fitted: an all-reduce staged through host memory, about twice NCCL's "
       "NVLink base latency"},
      {"expert_imbalance", &Calibration::expert_imbalance, 1, 8, "",
       "1 (balanced) until an expert-parallel point is fitted; applies with --ep above 1, where "
       "the hottest rank sets the step"},
      {"expert_half_tokens", &Calibration::expert_half_tokens, 0, 100000, "",
       "0 (no loss) until a MoE point is fitted; a grouped GEMM with t tokens per expert runs at "
       "t / (t + this) of its efficiency"},
      {"alltoall_latency_us", &Calibration::alltoall_latency_us, 0, 10000, "us",
       "assumed equal to allreduce_latency_us (NCCL base latency)"},
  };
  return kConstants;
}

std::string set_calibration(Calibration& c, std::string_view assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos) return fmt::format("'{}' is not name=value", assignment);
  std::string_view name = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  for (const auto& k : calibration_constants()) {
    if (k.name != name) continue;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
        !std::isfinite(value)) {
      return fmt::format("'{}' needs a number, not '{}'", name, text);
    }
    if (value < k.min || value > k.max) {
      return fmt::format("'{}' must lie in {}..{}, not {}", name, k.min, k.max, text);
    }
    c.*k.member = value;
    return "";
  }
  std::string names;
  for (const auto& k : calibration_constants())
    names += (names.empty() ? "" : ", ") + std::string(k.name);
  return fmt::format("unknown calibration constant '{}'; known: {}", name, names);
}

Calibration speed_of_light(const Calibration& base) {
  Calibration c = base;
  c.compute_efficiency = c.compute_efficiency_8bit = c.memory_efficiency = c.link_efficiency = 1;
  c.prefill_overlap = c.decode_overlap = 1;
  c.allreduce_latency_us = c.layer_overhead_us = c.step_overhead_us = 0;
  c.gqa_kv_reuse = 1;
  c.host_link_efficiency = 1;
  c.host_latency_us = c.alltoall_latency_us = 0;
  c.expert_imbalance = 1;
  c.expert_half_tokens = 0;
  return c;
}

}  // namespace exctl::roofline
