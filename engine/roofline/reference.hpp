// The reference inference workload: one number per chip that `exctl check --explain` can
// print beside the regulation's metrics, as a ratio to the H100 SXM. It is steady decode
// throughput of Llama 3.1 8B in BF16 on one chip at a moderate batch: memory-bandwidth
// bound on every current chip, which is the regime the compute thresholds do not see.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/base/chip.hpp"
#include "engine/roofline/estimate.hpp"

namespace exctl::roofline {

inline constexpr std::string_view kReferenceModelId = "llama-3.1-8b";
inline constexpr std::string_view kReferenceBaselineId = "nvidia-h100-sxm";

// Batch 32, 1024 prompt tokens, 256 generated, TP 1, BF16 weights, activations and KV.
Workload reference_workload();
// "llama-3.1-8b, BF16, batch 32, 1024 in / 256 out, 1 chip: decode tokens/s per chip"
std::string reference_description();

struct ReferenceRatio {
  std::optional<double> ratio;  // expected decode tokens/s per chip over the baseline's
  double tokens_per_s = 0;      // of the chip
  double baseline_tokens_per_s = 0;
  Estimate estimate;   // of the chip
  std::string reason;  // why there is no ratio ("missing memory.bandwidth_gbps", ...)
};

// `model` must be the reference model (kReferenceModelId) and `baseline` the H100 SXM
// record, both from the database in use; any other model or baseline gives a ratio of
// that workload instead, which is what a what-if analysis wants.
ReferenceRatio reference_ratio(const Chip& chip, const Chip& baseline, const Model& model,
                               const Calibration& calib = {});

}  // namespace exctl::roofline
