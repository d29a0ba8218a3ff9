// The roofline estimate of LLM inference on one chip type: prefill and decode of a static
// batch, KV cache, memory capacity and tensor parallelism. Formulas: docs/roofline.md.
//
// Every value is per chip unless named otherwise. The estimate never divides by zero and
// never returns NaN or infinity: a chip lacking a value it needs gives Status::unavailable
// with the missing fields named, and a workload that does not fit gives
// Status::does_not_fit with the memory arithmetic.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/roofline/calibration.hpp"
#include "engine/roofline/model.hpp"
#include "engine/roofline/precision.hpp"

namespace exctl::roofline {

// What the estimator needs of a chip, in SI units. Unknown stays nullopt.
struct Hardware {
  std::string id, name;
  std::array<std::optional<double>, kPrecisionCount> peak{};  // dense FLOP/s (OP/s) per precision
  std::optional<double> memory_bandwidth;                     // bytes/s
  std::optional<double> memory_capacity;                      // bytes
  std::optional<double> link_bandwidth;                       // bytes/s, one direction
  std::optional<double> host_link_bandwidth;                  // bytes/s, one direction (PCIe)
  std::optional<double> tdp;                                  // watts: where the power limit binds

  const std::optional<double>& peak_at(Precision p) const { return peak[static_cast<size_t>(p)]; }
};

// Dense peak is summed over processing units, a sparse-only figure halved (2:4 sparsity);
// memory_gb is read as GiB (HBM capacities are binary: 80 GB = 5 × 16 GiB stacks);
// the chip-to-chip figure (aggregate bidirectional) is halved for one direction.
Hardware hardware_of(const Chip& chip);

struct Workload {
  int64_t batch = 1;          // concurrent sequences
  int64_t input = 1024;       // prompt tokens per sequence
  int64_t output = 256;       // generated tokens per sequence, the first from prefill
  int64_t tp = 1;             // tensor parallelism over this many chips
  int64_t ep = 1;             // routed experts spread over this many of the tp chips (divides tp)
  bool dp_attention = false;  // attention data-parallel over the tp chips (weights replicated)
  bool continuous = false;    // in-flight batching: prefill rides on decode steps
  Precisions precisions;
};

inline constexpr int64_t kMaxTensorParallel = 64;
inline constexpr int64_t kMaxBatch = 1'000'000;
// Input and output lengths, each: the largest context length a model config may state, so
// that input + output and every token count derived from it stay far inside int64.
inline constexpr int64_t kMaxTokens = 1'000'000'000;

// A problem with a workload as such (not with a chip): code (E0504-E0507), message, notes.
struct Problem {
  std::string code;
  std::string message;
  std::vector<std::string> notes;
};
std::vector<Problem> check_workload(const Workload& w, const Model& model);

enum class Status { ok, does_not_fit, unavailable };
// The regime an estimate's error band is taken from (calibration_set.hpp).
enum class Regime { dense_memory, dense_compute, moe };
std::string_view regime_name(Regime r);  // "dense_memory", "dense_compute", "moe"
enum class Bottleneck { compute, memory_bandwidth, memory_capacity, interconnect };
std::string_view status_name(Status s);           // "ok", "does_not_fit", "unavailable"
std::string_view bottleneck_name(Bottleneck b);   // "compute", "memory_bandwidth", ...
std::string_view bottleneck_label(Bottleneck b);  // "compute", "memory bandwidth", ...

struct Timing {
  double ttft_s = 0;                 // prefill of the whole batch
  double tpot_s = 0;                 // mean decode step over the output
  double e2e_s = 0;                  // ttft + every decode step
  double tokens_per_s_per_user = 0;  // 1 / tpot
  double tokens_per_s_per_chip = 0;  // batch / tpot / tp: steady decode
  double batch_tokens_per_s_per_chip =
      0;  // batch · output / e2e / tp: static batch, prefill included
};

struct Capacity {
  double memory = 0;           // per chip, bytes
  double weights = 0;          // per chip, bytes (every expert)
  double kv_budget = 0;        // per chip: (memory - weights) · kv_memory_fraction
  double kv_per_token = 0;     // per chip, bytes, before sliding-window caps
  double kv_per_sequence = 0;  // per chip, bytes, at input + output tokens
  double kv_needed = 0;        // per chip, bytes, batch · kv_per_sequence
  int64_t max_batch = 0;       // at input + output tokens; 0 when even one sequence does not fit;
                               // at most kMaxBatch
  bool max_batch_capped = false;  // more than kMaxBatch sequences fit
  int64_t max_context = 0;        // tokens at batch 1, capped at the model's context length
  bool weights_fit = false;
  bool batch_fits = false;
};

struct Estimate {
  Status status = Status::unavailable;
  std::vector<std::string> missing;  // chip fields the estimate needs and the chip lacks
  NumberFormat gemm = NumberFormat::fp16, attention = NumberFormat::fp16;
  double gemm_peak = 0, attention_peak = 0, bandwidth = 0;  // per chip
  Capacity capacity;
  Timing expected, sol;  // calibrated, and at 100% of every peak
  Regime regime = Regime::dense_memory;
  bool host_link = false;  // parallelism runs over the host link (no chip-to-chip link)
  // The chip's family ("" : the global constants) and the share of its compute its power
  // limit leaves (1 when it does not bind or is not known).
  std::string_view family;
  double power_factor = 1;
  Bottleneck bottleneck = Bottleneck::memory_bandwidth;  // of the whole run
  Bottleneck prefill_bottleneck = Bottleneck::compute,
             decode_bottleneck = Bottleneck::memory_bandwidth;
  double prefill_intensity = 0, decode_intensity = 0;  // FLOP per byte of HBM traffic
  double ridge_point = 0;                              // gemm_peak / bandwidth
};

// The workload must have passed check_workload; a workload that has not gives
// Status::unavailable rather than a wrong number.
Estimate estimate(const Hardware& hw, const ModelShape& model, const Workload& w,
                  const Calibration& calib);

// What an estimate of a chip takes from a calibration: its family's shares of peak (the
// global constants when it has none) and the share of compute its power limit leaves.
struct Efficiencies {
  double compute_16bit = 0, compute_8bit = 0, compute_4bit = 0, memory = 0;
  double power_factor = 1;
  // The share of peak a GEMM of `bits`-wide numbers reaches, the power limit applied.
  double compute(int bits) const {
    return (bits >= 16 ? compute_16bit : bits >= 8 ? compute_8bit : compute_4bit) * power_factor;
  }
};
// `family` is chip_family(c, hw.id), looked up by the caller (once per estimate).
Efficiencies efficiencies(const Hardware& hw, const Calibration& c, const ChipFamily* family);

// The share of its compute a chip of `family` keeps under its power limit: TDP over dense
// 8-bit peak against the family's reference, at most 1; 1 without a family, a reference, a
// TDP or an 8-bit figure.
double power_factor(const Hardware& hw, const ChipFamily* family);

// The share of a chip's chip-to-chip bandwidth a collective over `chips` chips can use: 1 on
// a switched fabric (no family, or peer_link_share 0) and for one chip; in a fully connected
// box, (chips - 1) · peer_link_share, at most 1 (each chip reaches every other over its own
// ports, all in parallel). Groups beyond one box are not modelled.
double link_share(const ChipFamily* family, int64_t chips);

// Expected routed experts whose weights one forward pass reads when `tokens` tokens each
// pick `active` of `experts` uniformly: experts · (1 - (1 - active/experts)^tokens).
double effective_experts(double experts, double active, double tokens);

// Bytes one rank sends in one expert-parallel dispatch (or combine) of `tokens` tokens, each
// to `active` experts spread over `ranks` ranks: (ranks - 1) / ranks · tokens · active · hidden
// · 2.
double alltoall_bytes(double tokens, double active, double hidden, double ranks);

// Bytes of one tensor-parallel all-reduce step for `tokens` tokens of `hidden` FP16
// activations as a ring moves them per chip: 2 (tp - 1) / tp · tokens · hidden · 2.
double allreduce_bytes(double tokens, double hidden, double tp);

}  // namespace exctl::roofline
