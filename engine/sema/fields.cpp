#include "engine/sema/fields.hpp"

namespace exctl::sema {

const std::array<FieldInfo, kFieldCount>& field_catalogue() {
  const Dim bandwidth{1, -1, 0, 0}, data{1, 0, 0, 0}, area{0, 0, 1, 0}, per_area{0, 0, -1, 0},
      bw_density{1, -1, -1, 0}, power{0, 0, 0, 1}, none{};
  static const std::array<FieldInfo, kFieldCount> kFields = {{
      {FieldId::tpp, "tpp", {"total_processing_performance"}, false, none, "total processing performance (TN2 to 3A090)"},
      {FieldId::performance_density, "performance_density", {"pd"}, false, per_area, "TPP / applicable die area"},
      {FieldId::die_area, "die_area", {"applicable_die_area"}, false, area, "area of non-planar logic dies"},
      {FieldId::memory_bandwidth, "memory_bandwidth", {"dram_bandwidth"}, false, bandwidth, "total DRAM bandwidth"},
      {FieldId::memory_capacity, "memory_capacity", {"memory"}, false, data, "DRAM capacity"},
      {FieldId::interconnect_bandwidth, "interconnect_bandwidth", {"chip_to_chip_bandwidth"}, false, bandwidth,
       "chip-to-chip interconnect, aggregate bidirectional"},
      {FieldId::host_link_bandwidth, "host_link_bandwidth", {}, false, bandwidth, "host link, aggregate bidirectional"},
      {FieldId::transistors, "transistors", {}, false, none, "transistor count over all logic dies"},
      {FieldId::tdp, "tdp", {}, false, power, "thermal design power"},
      {FieldId::memory_bandwidth_density, "memory_bandwidth_density", {"mbd"}, false, bw_density,
       "HBM stack bandwidth / footprint (3A090.c)"},
      {FieldId::release_year, "release_year", {}, false, none, "the chip's release year"},
      {FieldId::export_year, "export_year", {}, false, none, "the year of the export (from --date)"},
      {FieldId::datacenter, "datacenter", {}, true, none, "designed or marketed for use in datacenters"},
      {FieldId::has_hbm, "has_hbm", {}, true, none, "the package contains high-bandwidth memory"},
      {FieldId::is_hbm_item, "is_hbm_item", {}, true, none, "the item is an HBM stack or packaged HBM (3A090.c)"},
  }};
  return kFields;
}

const FieldInfo& field_info(FieldId id) { return field_catalogue()[static_cast<size_t>(id)]; }

std::optional<FieldId> find_field(std::string_view name) {
  for (const auto& f : field_catalogue()) {
    if (f.name == name) return f.id;
    for (auto a : f.aliases) {
      if (a == name) return f.id;
    }
  }
  return std::nullopt;
}

}  // namespace exctl::sema
