// The calibration constants of the expected (as opposed to speed-of-light) estimate. Each
// is named, has a documented source (docs/roofline.md) and can be overridden by name, so
// a user with measurements of their own stack can re-fit the model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace exctl::roofline {

struct Calibration {
  double compute_efficiency = 0.70;       // share of 16-bit peak a GEMM reaches
  double compute_efficiency_8bit = 0.50;  // share of 8- and 4-bit peak
  double memory_efficiency = 0.80;        // share of HBM bandwidth a streaming kernel reaches
  double link_efficiency = 0.80;          // share of chip-to-chip bandwidth an all-reduce reaches
  // Share of the shorter of compute and memory time hidden under the longer, per phase.
  double prefill_overlap = 0.0;
  double decode_overlap = 1.0;
  double allreduce_latency_us = 30;  // fixed cost of one all-reduce
  double layer_overhead_us = 32;     // kernel launches and small ops, per layer per forward
  double step_overhead_us = 126;     // scheduling and sampling, per forward
  double kv_memory_fraction = 0.90;  // share of memory left after the weights given to the KV cache
  double gqa_kv_reuse = 1.0;         // 1: K/V read once per KV head; 0: once per query head
  // Host-link (PCIe) parallelism, for chips without a chip-to-chip link.
  double host_link_efficiency = 0.70;  // share of the host link's bandwidth a collective reaches
  double host_latency_us = 50;         // fixed cost of one collective through the host
  // Mixture of experts.
  double expert_imbalance = 1.0;    // hottest expert-parallel rank's load over the mean
  double expert_half_tokens = 0;    // tokens per expert at which a grouped GEMM reaches half
                                    // its efficiency; 0: no loss
  double alltoall_latency_us = 30;  // fixed cost of one dispatch or combine

  bool operator==(const Calibration&) const = default;
};

// One constant's description: name, default, allowed range, source.
struct CalibrationConstant {
  std::string_view name;
  double Calibration::*member;
  double min, max;
  std::string_view unit;
  std::string_view source;
};
const std::vector<CalibrationConstant>& calibration_constants();

// Sets "name=value"; returns an error message, or "" on success.
std::string set_calibration(Calibration& c, std::string_view assignment);

// The speed-of-light setting: every efficiency 1, full overlap, no fixed costs. Capacity
// settings (kv_memory_fraction) are kept from `base`: they are not a matter of speed.
Calibration speed_of_light(const Calibration& base = {});

}  // namespace exctl::roofline
