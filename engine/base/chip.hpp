// The chip record: what a chip spec says, with every value's provenance. Values that
// the spec leaves out are std::nullopt (unknown), never zero. Derived metrics (TPP,
// performance density) are not here: engine/metrics computes them.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// A spec value's plausible range, where sources disagree or the value is an estimate:
// low <= the point value <= high, exactly; the point value stays what the spec says. Read
// from `<key>_range = { low = .., high = .., source = ".." }` beside the value.
struct ValueRange {
  Rational low, high;
  std::string source;
  Span span;  // the range as written, when read from a file
};

// One processing unit: dense peak TFLOPS/TOPS per precision as the spec gives them.
struct ProcessingUnit {
  std::string name;
  std::array<std::optional<Rational>, kPrecisionCount> peak{};
  std::array<bool, kPrecisionCount> sparse{};  // figure is a sparse-only datasheet value
  std::array<std::optional<ValueRange>, kPrecisionCount> peak_range{};

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
  std::optional<ValueRange> area_range;  // of area_mm2
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
  std::optional<ValueRange> memory_gb_range, memory_bandwidth_range;

  // interconnect, aggregate bidirectional
  Provenance interconnect;
  std::optional<Rational> chip_to_chip_gbps, host_link_gbps;
  std::optional<ValueRange> chip_to_chip_range, host_link_range;
  std::string chip_to_chip_name, host_link_name;

  // silicon
  Provenance silicon;
  std::optional<Rational> transistors_billion;
  std::optional<ValueRange> transistors_range;
  std::vector<Die> dies;

  // power
  Provenance power;
  std::optional<Rational> tdp_w;
  std::optional<ValueRange> tdp_range;

  // HBM stacks
  Provenance hbm;
  std::optional<int> hbm_stacks;
  std::optional<Rational> hbm_stack_bandwidth_gbps, hbm_stack_footprint_mm2;
  std::optional<ValueRange> hbm_stack_bandwidth_range, hbm_stack_footprint_range;

  // Transistors over all logic dies, as a count (the spec gives billions).
  std::optional<Rational> transistor_count() const {
    if (!transistors_billion) return std::nullopt;
    return *transistors_billion * Rational(1'000'000'000);
  }

  // Every value that carries a range, with its key as the spec writes it ("memory.bandwidth_gbps",
  // "compute.fp16", "compute.unit[2].fp8", "silicon.die[1].area_mm2": units and dies counted
  // from 1): robust verdicts set each to an end of its range.
  struct RangedValue {
    std::string key;
    std::optional<Rational>* value;
    const ValueRange* range;
  };
  std::vector<RangedValue> ranged_values();
  // The same read-only: each key with its range.
  std::vector<std::pair<std::string, const ValueRange*>> ranges() const;
  bool has_ranges() const;
  // Every value that may carry a range, keyed as in ranged_values(), with or without a value
  // or a range: where a reader that stores ranges by key (the database) puts them back.
  struct RangeSlot {
    std::string key;
    std::optional<Rational>* value;
    std::optional<ValueRange>* range;
  };
  std::vector<RangeSlot> range_slots();

  // Where the record was read from (a file path, or "db"), and the span of its id.
  std::string origin_file;
  Span id_span, name_span;
  std::vector<Span> alias_spans;  // one per alias, when read from a file
};

}  // namespace exctl
