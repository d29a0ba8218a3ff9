// A technology envelope: what process and packaging allow in a year (docs/envelope.md),
// the search space of `exctl loophole`. Every group carries its source and confidence as
// a chip spec's do. chipdb/envelope.hpp reads one from TOML.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/base/rational.hpp"

namespace exctl {

// A logic process: dense FP16/BF16 throughput per mm2 of logic die, and the FP8 and FP4
// rates as multiples of it (0: the generation has no such format).
struct EnvelopeNode {
  std::string name;
  Rational fp16_tflops_per_mm2, fp8_ratio, fp4_ratio;
  Provenance provenance;
};

// A memory technology: HBM as stacks (bandwidth and capacity per stack, up to max_stacks),
// or GDDR as one package-wide bandwidth and capacity.
struct EnvelopeMemory {
  std::string name;
  bool hbm = true;
  Rational stack_bandwidth_gbps, stack_capacity_gb;  // hbm
  int64_t min_stacks = 1, max_stacks = 0;            // hbm
  Rational bandwidth_gbps, capacity_gb;              // gddr
  Provenance provenance;

  Rational max_bandwidth() const {
    return hbm ? stack_bandwidth_gbps * Rational(max_stacks) : bandwidth_gbps;
  }
  Rational max_capacity() const {
    return hbm ? stack_capacity_gb * Rational(max_stacks) : capacity_gb;
  }
};

struct Envelope {
  int64_t year = 0;
  std::string notes, origin_file;
  // Logic dies: the reticle limit of one die and how many a package holds.
  Rational reticle_mm2;
  int64_t max_dies = 1;
  Rational transistors_million_per_mm2;
  Provenance die;
  std::vector<EnvelopeNode> nodes;             // at least one
  std::vector<EnvelopeMemory> memories;        // at least one
  Rational chip_to_chip_gbps, host_link_gbps;  // aggregate bidirectional, per package
  Provenance interconnect;
  Rational tdp_w;
  Provenance power;

  Rational max_logic_area() const { return reticle_mm2 * Rational(max_dies); }
};

}  // namespace exctl
