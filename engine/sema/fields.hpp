// The chip facts a rule may name, with their types and dimensions. eval fills in their
// values from a chip record (or a synthetic spec); sema only needs the catalogue.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/sema/units.hpp"

namespace exctl::sema {

enum class FieldId {
  tpp,
  performance_density,
  die_area,
  memory_bandwidth,
  memory_capacity,
  interconnect_bandwidth,
  host_link_bandwidth,
  transistors,
  tdp,
  memory_bandwidth_density,
  release_year,
  export_year,
  datacenter,
  has_hbm,
  is_hbm_item,
};
inline constexpr size_t kFieldCount = 15;

struct FieldInfo {
  FieldId id;
  std::string_view name;
  std::vector<std::string_view> aliases;
  bool boolean;
  Dim dim;
  std::string_view doc;
};

const std::array<FieldInfo, kFieldCount>& field_catalogue();
const FieldInfo& field_info(FieldId id);
std::optional<FieldId> find_field(std::string_view name);

}  // namespace exctl::sema
