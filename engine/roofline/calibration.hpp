// The calibration constants of the expected (as opposed to speed-of-light) estimate. Each
// is named, has a documented source (docs/roofline.md) and can be overridden by name, so
// a user with measurements of their own stack can re-fit the model.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace exctl::roofline {

// Sustained efficiency of one chip family, each value fitted on a calibration point of
// that family (docs/roofline.md): shares of dense peak per GEMM width and of HBM
// bandwidth, and the power density (TDP over dense 8-bit peak) of the chip they were
// fitted on. A chip of the family with less power per peak FLOP cannot hold its clock:
// its compute is scaled by its density over the reference (never above 1). Chips outside
// every family take the global constants (compute_efficiency, ..._8bit, memory_efficiency).
struct ChipFamily {
  std::string_view name;   // "amd-cdna3"
  std::string_view chips;  // chip ids, comma-separated
  double compute_16bit = 0, compute_8bit = 0, compute_4bit = 0, memory = 0;
  double power_w_per_tflop = 0;  // reference TDP / dense 8-bit TFLOPS; 0: no power scaling
  std::string_view source;
  // Topology, not an efficiency: in a fully connected box (no switch) each peer is reached
  // over its own share of the chip-to-chip ports, so `tp` chips reach (tp - 1) shares of the
  // link. 0: a switched fabric, where any group of chips gets the whole link.
  double peer_link_share = 0;

  bool operator==(const ChipFamily&) const = default;
};
inline constexpr size_t kChipFamilyCount = 3;

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
  double expert_imbalance = 3.75;   // hottest expert-parallel rank's load over the mean
  double expert_half_tokens = 352;  // tokens per expert at which a grouped GEMM reaches half
                                    // its efficiency; 0: no loss
  double alltoall_latency_us = 30;  // fixed cost of one dispatch or combine
  std::array<ChipFamily, kChipFamilyCount> families = default_chip_families();

  static std::array<ChipFamily, kChipFamilyCount> default_chip_families();
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

// The family a chip id belongs to, or nullptr (the global constants apply).
const ChipFamily* chip_family(const Calibration& c, std::string_view chip_id);

// The members of a family a user can set: "amd-cdna3.compute_8bit=0.4".
struct ChipFamilyMember {
  std::string_view name;
  double ChipFamily::*member;
  double min, max;
};
const std::vector<ChipFamilyMember>& chip_family_members();

// Sets "name=value" or "family.member=value"; returns an error message, or "" on success.
std::string set_calibration(Calibration& c, std::string_view assignment);

// The speed-of-light setting: every efficiency 1, full overlap, no fixed costs. Capacity
// settings (kv_memory_fraction) are kept from `base`: they are not a matter of speed.
Calibration speed_of_light(const Calibration& base = {});

}  // namespace exctl::roofline
