// The chip facts a rule may name: the rule language's view of the field catalogue
// (engine/metrics/fields.hpp), under the names sema and eval use. eval fills in their
// values from a chip record (or a synthetic spec); sema only needs the catalogue.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "engine/metrics/fields.hpp"
#include "engine/metrics/units.hpp"

namespace exctl::sema {

using exctl::Dim;
using exctl::dim_name;
using exctl::FieldId;
using exctl::kFieldCount;
using exctl::Unit;
using exctl::unit_from_text;
using FieldInfo = exctl::ChipField;

inline const std::array<FieldInfo, kFieldCount>& field_catalogue() {
  return chip_fields();
}
inline const FieldInfo& field_info(FieldId id) {
  return chip_field(id);
}
// A field by its name or an alias.
inline std::optional<FieldId> find_field(std::string_view name) {
  return find_chip_field(name);
}

}  // namespace exctl::sema
