// The chip record: what a chip spec says, with every value's provenance. Values that
// the spec leaves out are std::nullopt (unknown), never zero. Derived metrics (TPP,
// performance density) are not here: engine/metrics computes them.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/rational.hpp"
#include "engine/base/source.hpp"

namespace exctl {

// Precisions a datasheet quotes; fp16 stands for FP16/BF16.
enum class Precision { fp64, fp32, tf32, fp16, fp8, int8, fp6, fp4, int4, int16 };
inline constexpr size_t kPrecisionCount = 10;
inline constexpr std::array<Precision, kPrecisionCount> kAllPrecisions = {
    Precision::fp64, Precision::fp32, Precision::tf32, Precision::fp16, Precision::fp8,
    Precision::int8, Precision::fp6,  Precision::fp4,  Precision::int4, Precision::int16};

std::string_view precision_key(Precision p);    // "fp16"
std::string_view precision_label(Precision p);  // "FP16/BF16"
bool is_integer_precision(Precision p);         // TOPS rather than TFLOPS
std::optional<Precision> precision_from_key(std::string_view key);

enum class Confidence { high, medium, low };
std::string_view confidence_name(Confidence c);
std::optional<Confidence> confidence_from_name(std::string_view s);

// Where a group of values comes from; `present` is false when the spec has no such group.
struct Provenance {
  bool present = false;
  std::string source;
  Confidence confidence = Confidence::medium;
  std::vector<std::string> estimated;  // keys of this group whose values are estimates
  std::string notes;

  bool is_estimated(std::string_view key) const;
};

// One processing unit: dense peak TFLOPS/TOPS per precision as the spec gives them.
struct ProcessingUnit {
  std::string name;
  std::array<std::optional<Rational>, kPrecisionCount> peak{};
  std::array<bool, kPrecisionCount> sparse{};  // figure is a sparse-only datasheet value

  const std::optional<Rational>& at(Precision p) const { return peak[static_cast<size_t>(p)]; }
  bool is_sparse(Precision p) const { return sparse[static_cast<size_t>(p)]; }
};

enum class DieRole { compute, io, cache };
std::string_view die_role_name(DieRole r);
std::optional<DieRole> die_role_from_name(std::string_view s);

struct Die {
  std::string name;
  DieRole role = DieRole::compute;
  int count = 1;
  std::optional<Rational> area_mm2;  // of one die
  std::string process;
  bool planar = false;
  std::vector<std::string> estimated;
};

enum class ChipKind { accelerator, hbm };
std::string_view chip_kind_name(ChipKind k);
std::optional<ChipKind> chip_kind_from_name(std::string_view s);

enum class ChipStatus { released, announced, reported };
std::string_view chip_status_name(ChipStatus s);
std::optional<ChipStatus> chip_status_from_name(std::string_view s);

struct Chip {
  // identity
  std::string id, vendor, name;
  std::vector<std::string> aliases;
  int year = 0;
  std::optional<bool> datacenter;
  // When the chip was first commercially available in the United States (yyyymmdd), or
  // kNeverInUs; unknown when the spec does not say.
  std::optional<int> us_available;
  static constexpr int kNeverInUs = 99991231;
  std::string origin;
  ChipKind kind = ChipKind::accelerator;
  ChipStatus status = ChipStatus::released;
  std::string notes;
  Provenance identity;

  // compute
  Provenance compute;
  std::vector<ProcessingUnit> units;  // one unless the spec lists [[compute.unit]]
  bool explicit_units = false;

  // memory
  Provenance memory;
  std::string memory_type;
  std::optional<Rational> memory_gb, memory_bandwidth_gbps;

  // interconnect, aggregate bidirectional
  Provenance interconnect;
  std::optional<Rational> chip_to_chip_gbps, host_link_gbps;
  std::string chip_to_chip_name, host_link_name;

  // silicon
  Provenance silicon;
  std::optional<Rational> transistors_billion;
  std::vector<Die> dies;

  // power
  Provenance power;
  std::optional<Rational> tdp_w;

  // HBM stacks
  Provenance hbm;
  std::optional<int> hbm_stacks;
  std::optional<Rational> hbm_stack_bandwidth_gbps, hbm_stack_footprint_mm2;

  // Transistors over all logic dies, as a count (the spec gives billions).
  std::optional<Rational> transistor_count() const {
    if (!transistors_billion) return std::nullopt;
    return *transistors_billion * Rational(1'000'000'000);
  }

  // Where the record was read from (a file path, or "db"), and the span of its id.
  std::string origin_file;
  Span id_span, name_span;
  std::vector<Span> alias_spans;  // one per alias, when read from a file
};

}  // namespace exctl
