#include "engine/roofline/reference.hpp"

#include <fmt/format.h>

namespace exctl::roofline {

Workload reference_workload() {
  Workload w;
  w.batch = 32;
  w.input = 1024;
  w.output = 256;
  w.tp = 1;
  return w;
}

std::string reference_description() {
  Workload w = reference_workload();
  return fmt::format("{}, BF16, batch {}, {} in / {} out, 1 chip: decode tokens/s per chip",
                     kReferenceModelId, w.batch, w.input, w.output);
}

ReferenceRatio reference_ratio(const Chip& chip, const Chip& baseline, const Model& model,
                               const Calibration& calib) {
  ReferenceRatio r;
  ModelShape shape = shape_of(model);
  Workload w = reference_workload();
  r.estimate = estimate(hardware_of(chip), shape, w, calib);
  Estimate base = estimate(hardware_of(baseline), shape, w, calib);
  if (r.estimate.status == Status::unavailable) {
    r.reason = fmt::format("missing {}", fmt::join(r.estimate.missing, ", "));
  } else if (r.estimate.status == Status::does_not_fit) {
    r.reason = fmt::format("does not fit (max batch {})", r.estimate.capacity.max_batch);
  } else if (base.status != Status::ok) {
    r.reason = fmt::format("the baseline {} cannot run it", baseline.id);
  }
  if (!r.reason.empty()) return r;
  r.tokens_per_s = r.estimate.expected.tokens_per_s_per_chip;
  r.baseline_tokens_per_s = base.expected.tokens_per_s_per_chip;
  if (r.baseline_tokens_per_s > 0) r.ratio = r.tokens_per_s / r.baseline_tokens_per_s;
  return r;
}

}  // namespace exctl::roofline
