// The regulation-defined chip metrics: 'total processing performance' (TPP),
// 'performance density' (PD) and HBM 'memory bandwidth density' (MBD), computed exactly
// from a chip record. Where the regulation is ambiguous the choice is an explicit option
// with a documented default (docs/metrics.md); results say which options were used.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/chip.hpp"
#include "engine/base/rational.hpp"

namespace exctl {

struct MetricOptions {
  // Bit length of TF32: 19 (1+8+10, the multiplier input width, TN2 ¶1.c) or 32.
  int tf32_bits = 19;
  // FP6/FP4 (MX formats): the element width (6, 4), or the element plus the shared
  // 8-bit scale spread over a 32-element block (6.25, 4.25).
  enum class MxBits { element, with_scale } mx_bits = MxBits::element;
  // Whether I/O and cache dies count toward the applicable die area (they do when made
  // on a non-planar process, TN2 ¶4), or only compute dies.
  enum class IoDies { include, exclude } io_dies = IoDies::include;
  // A sparse-only datasheet figure: halved (2:4 structured sparsity), or taken as is.
  enum class SparseOnly { halve, as_is } sparse_only = SparseOnly::halve;
  // Several processing units: summed (TN2 ¶1.d) or only the best one counted.
  enum class Units { sum, best } units = Units::sum;

  // Parses "name=value" (e.g. "tf32_bits=32"); returns an error message or "" on success.
  std::string set(std::string_view assignment);
  // Every option as "name=value", in a fixed order.
  std::vector<std::string> describe() const;
  bool operator==(const MetricOptions&) const = default;
};

Rational bit_length(Precision p, const MetricOptions& options);

struct TppTerm {
  size_t unit = 0;
  Precision precision = Precision::fp16;
  Rational peak;       // as written in the spec
  Rational dense;      // after halving a sparse-only figure
  Rational bits;
  Rational tpp;        // dense x bits
  bool halved = false;
  bool estimated = false;
};

struct TppResult {
  std::optional<Rational> value;  // nullopt: the spec has no throughput figure
  std::vector<TppTerm> basis;     // the winning term(s) of each counted unit; ties all listed
  std::vector<TppTerm> terms;     // every (unit, precision) term
  bool sparse_halved = false;     // a basis term came from a halved sparse figure
  bool estimated = false;
  // "15,831.2 = 1,978.9 TFLOPS FP8 x 8 bits (INT8 ties)"
  std::string derivation(const Chip& chip) const;
};

struct DensityResult {
  std::optional<Rational> value;
  std::optional<Rational> applicable_area_mm2;
  std::vector<std::string> counted;   // "GH100 814 mm2", "4 x IOD 370 mm2 (estimate)"
  std::vector<std::string> excluded;  // dies left out, with the reason
  std::vector<std::string> missing;   // why the value is unknown
  bool estimated = false;
};

struct ChipMetrics {
  TppResult tpp;
  DensityResult performance_density;
  std::optional<Rational> memory_bandwidth_density;  // GB/s per mm2 of one HBM stack
  std::optional<Rational> hbm_stack_bandwidth_gbps;
  std::vector<std::string> missing;                  // every unknown input, by field name
};

TppResult compute_tpp(const Chip& chip, const MetricOptions& options);
DensityResult compute_performance_density(const Chip& chip, const std::optional<Rational>& tpp,
                                          const MetricOptions& options);
ChipMetrics compute_metrics(const Chip& chip, const MetricOptions& options = {});

}  // namespace exctl
