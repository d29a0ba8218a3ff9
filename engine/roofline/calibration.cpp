#include "engine/roofline/calibration.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace exctl::roofline {

std::array<ChipFamily, kChipFamilyCount> Calibration::default_chip_families() {
  return {{
      {"nvidia-blackwell", "nvidia-b200,nvidia-b300,nvidia-gb200,nvidia-gb300,nvidia-b30a", 0.7,
       0.5, 0.4, 0.6, 1000.0 / 4500.0,
       "4-bit compute and memory fitted on TensorRT-LLM's perf overview, B200 TP1 Llama 3.3 70B "
       "FP4 (set V8, 4 points, largest error 6%); 16- and 8-bit: no point, the global values; "
       "power reference: B200, 1000 W over 4500 dense FP8 TFLOPS"},
      {"amd-cdna3", "amd-mi300x,amd-mi308x,amd-mi325x", 0.7, 0.5, 0.5, 0.8, 1000.0 / 2614.9,
       "8-bit compute fitted on MLPerf Inference v5.1 closed, AMD 8 x MI325X Llama-2-70B Offline "
       "(set M51, vLLM 0.9, error +1%); memory: the point is compute-bound, the global value; "
       "16- and 4-bit: no point, the global values; power reference: MI325X, 1000 W over 2615 "
       "dense FP8 TFLOPS; link: 7 Infinity Fabric links of 128 GB/s (896 GB/s), one to each peer "
       "of an 8-GPU mesh (wheelersnetwork.com, AMD Looks to Infinity for AI Interconnects, "
       "2024-01), a share of 1/7 per peer",
       1.0 / 7.0},
      {"intel-gaudi", "intel-gaudi2,intel-gaudi3,intel-gaudi3-hl328", 0.7, 0.7, 0.5, 0.65,
       600.0 / 865.0,
       "8-bit compute and memory fitted on Intel's Gaudi 2 model-performance page, FP8 (set G2: "
       "Llama 3.1 8B, Llama 2 7B, Llama 2 70B TP2 2048/128, 9 points, largest error 16%; its "
       "Llama 2 70B TP4 row, +96% at every setting near the optimum, is left out of the fit); "
       "16- and 4-bit: no point, the global values; "
       "power reference: Gaudi 2, 600 W over 865 dense FP8 TFLOPS; link: of 24 RoCE ports, 3 "
       "reach each of the 7 peers of an 8-card box (docs.habana.ai, Intel Gaudi Network "
       "Configuration), a share of 3/24 per peer",
       3.0 / 24.0},
  }};
}

const ChipFamily* chip_family(const Calibration& c, std::string_view chip_id) {
  if (chip_id.empty()) return nullptr;
  for (const auto& f : c.families) {
    std::string_view ids = f.chips;
    while (!ids.empty()) {
      size_t comma = ids.find(',');
      if (ids.substr(0, comma) == chip_id) return &f;
      ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 1);
    }
  }
  return nullptr;
}

const std::vector<ChipFamilyMember>& chip_family_members() {
  static const std::vector<ChipFamilyMember> kMembers = {
      {"compute_16bit", &ChipFamily::compute_16bit, 0.01, 1},
      {"compute_8bit", &ChipFamily::compute_8bit, 0.01, 1},
      {"compute_4bit", &ChipFamily::compute_4bit, 0.01, 1},
      {"memory", &ChipFamily::memory, 0.01, 1},
      {"power_w_per_tflop", &ChipFamily::power_w_per_tflop, 0, 1000},
      {"peer_link_share", &ChipFamily::peer_link_share, 0, 1},
  };
  return kMembers;
}

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
       "fitted with expert_half_tokens on the fitted MoE points (TensorRT-LLM perf overview "
       "DeepSeek-R1 H200 DEP8 and B200 DEP4 at 1000/1000, MLPerf v4.1 Mixtral H200, the last "
       "at batch 806, not its run's 3072, at which it is +42%; largest error 12%); applies with "
       "--ep above 1. It absorbs more than load imbalance (DP-attention skew, MLA and "
       "block-scaled FP8 kernels the model does not carry)"},
      {"expert_half_tokens", &Calibration::expert_half_tokens, 0, 100000, "",
       "fitted with expert_imbalance (same points); a grouped GEMM with t tokens per expert "
       "runs at t / (t + this) of its efficiency, as if padded by this many rows"},
      {"alltoall_latency_us", &Calibration::alltoall_latency_us, 0, 10000, "us",
       "assumed equal to allreduce_latency_us (NCCL base latency)"},
  };
  return kConstants;
}

namespace {

// `text` as a number in min..max, or the problem.
std::string parse_value(std::string_view name, std::string_view text, double min, double max,
                        double& out) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
      !std::isfinite(value)) {
    return fmt::format("'{}' needs a number, not '{}'", name, text);
  }
  if (value < min || value > max)
    return fmt::format("'{}' must lie in {}..{}, not {}", name, min, max, text);
  out = value;
  return "";
}

}  // namespace

std::string set_calibration(Calibration& c, std::string_view assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string_view::npos) return fmt::format("'{}' is not name=value", assignment);
  std::string_view name = assignment.substr(0, eq), text = assignment.substr(eq + 1);
  if (auto dot = name.find('.'); dot != std::string_view::npos) {
    std::string_view family = name.substr(0, dot), member = name.substr(dot + 1);
    for (auto& f : c.families) {
      if (f.name != family) continue;
      std::string members;
      for (const auto& m : chip_family_members()) {
        if (m.name == member) return parse_value(name, text, m.min, m.max, f.*m.member);
        members += (members.empty() ? "" : ", ") + std::string(m.name);
      }
      return fmt::format("chip family '{}' has no member '{}'; known: {}", family, member, members);
    }
    std::string families;
    for (const auto& f : c.families)
      families += (families.empty() ? "" : ", ") + std::string(f.name);
    return fmt::format("unknown chip family '{}'; known: {}", family, families);
  }
  for (const auto& k : calibration_constants()) {
    if (k.name == name) return parse_value(name, text, k.min, k.max, c.*k.member);
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
  for (auto& f : c.families) {
    f.compute_16bit = f.compute_8bit = f.compute_4bit = f.memory = 1;
    f.power_w_per_tflop = 0;  // 100% of peak: no power limit either
    // peer_link_share stays: the ports a group of chips can use are wiring, not efficiency.
  }
  return c;
}

}  // namespace exctl::roofline
