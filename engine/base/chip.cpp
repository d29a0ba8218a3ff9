#include "engine/base/chip.hpp"

#include <algorithm>

namespace exctl {
namespace {

template <typename E, size_t N>
std::optional<E> lookup(const std::array<std::string_view, N>& names, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, kPrecisionCount> kPrecisionKeys = {
    "fp64", "fp32", "tf32", "fp16", "fp8", "int8", "fp6", "fp4", "int4", "int16"};
constexpr std::array<std::string_view, kPrecisionCount> kPrecisionLabels = {
    "FP64", "FP32", "TF32", "FP16/BF16", "FP8", "INT8", "FP6", "FP4", "INT4", "INT16"};
constexpr std::array<std::string_view, 3> kConfidenceNames = {"high", "medium", "low"};
constexpr std::array<std::string_view, 3> kDieRoleNames = {"compute", "io", "cache"};
constexpr std::array<std::string_view, 2> kKindNames = {"accelerator", "hbm"};
constexpr std::array<std::string_view, 3> kStatusNames = {"released", "announced", "reported"};

}  // namespace

std::string_view precision_key(Precision p) {
  return kPrecisionKeys[static_cast<size_t>(p)];
}
std::string_view precision_label(Precision p) {
  return kPrecisionLabels[static_cast<size_t>(p)];
}
bool is_integer_precision(Precision p) {
  return p == Precision::int8 || p == Precision::int4 || p == Precision::int16;
}
std::optional<Precision> precision_from_key(std::string_view key) {
  return lookup<Precision>(kPrecisionKeys, key);
}

std::string_view confidence_name(Confidence c) {
  return kConfidenceNames[static_cast<size_t>(c)];
}
std::optional<Confidence> confidence_from_name(std::string_view s) {
  return lookup<Confidence>(kConfidenceNames, s);
}

std::string_view die_role_name(DieRole r) {
  return kDieRoleNames[static_cast<size_t>(r)];
}
std::optional<DieRole> die_role_from_name(std::string_view s) {
  return lookup<DieRole>(kDieRoleNames, s);
}

std::string_view chip_kind_name(ChipKind k) {
  return kKindNames[static_cast<size_t>(k)];
}
std::optional<ChipKind> chip_kind_from_name(std::string_view s) {
  return lookup<ChipKind>(kKindNames, s);
}

std::string_view chip_status_name(ChipStatus s) {
  return kStatusNames[static_cast<size_t>(s)];
}
std::optional<ChipStatus> chip_status_from_name(std::string_view s) {
  return lookup<ChipStatus>(kStatusNames, s);
}

bool Provenance::is_estimated(std::string_view key) const {
  return std::find(estimated.begin(), estimated.end(), key) != estimated.end();
}

std::vector<Chip::RangeSlot> Chip::range_slots() {
  std::vector<RangeSlot> out;
  auto add = [&](std::string key, std::optional<Rational>& value,
                 std::optional<ValueRange>& range) {
    out.push_back({std::move(key), &value, &range});
  };
  for (size_t u = 0; u < units.size(); ++u) {
    std::string prefix =
        explicit_units ? "compute.unit[" + std::to_string(u + 1) + "]." : std::string("compute.");
    for (Precision p : kAllPrecisions) {
      auto i = static_cast<size_t>(p);
      add(prefix + std::string(precision_key(p)), units[u].peak[i], units[u].peak_range[i]);
    }
  }
  add("memory.capacity_gb", memory_gb, memory_gb_range);
  add("memory.bandwidth_gbps", memory_bandwidth_gbps, memory_bandwidth_range);
  add("interconnect.chip_to_chip_gbps", chip_to_chip_gbps, chip_to_chip_range);
  add("interconnect.host_link_gbps", host_link_gbps, host_link_range);
  add("silicon.transistors_billion", transistors_billion, transistors_range);
  for (size_t d = 0; d < dies.size(); ++d)
    add("silicon.die[" + std::to_string(d + 1) + "].area_mm2", dies[d].area_mm2,
        dies[d].area_range);
  add("power.tdp_w", tdp_w, tdp_range);
  add("hbm.stack_bandwidth_gbps", hbm_stack_bandwidth_gbps, hbm_stack_bandwidth_range);
  add("hbm.stack_footprint_mm2", hbm_stack_footprint_mm2, hbm_stack_footprint_range);
  return out;
}

std::vector<Chip::RangedValue> Chip::ranged_values() {
  std::vector<RangedValue> out;
  for (RangeSlot& s : range_slots()) {
    if (*s.range && *s.value) out.push_back({std::move(s.key), s.value, &**s.range});
  }
  return out;
}

std::vector<std::pair<std::string, const ValueRange*>> Chip::ranges() const {
  std::vector<std::pair<std::string, const ValueRange*>> out;
  // range_slots() hands out pointers it may write through; here they are only read.
  for (auto& v : const_cast<Chip*>(this)->ranged_values())
    out.emplace_back(std::move(v.key), v.range);
  return out;
}

bool Chip::has_ranges() const {
  return !ranges().empty();
}

}  // namespace exctl
