// The chip spec TOML loader (docs/chip-spec.md): any bytes give a record or diagnostics;
// a record read writes back to a spec that reads again.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "chipdb/spec_toml.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace exctl;
  auto file = std::make_shared<SourceFile>("fuzz.toml", fuzz::text_of(data, size));
  DiagnosticSink sink;
  auto chip = chipdb::parse_chip_spec(file, sink);
  if (!chip) return 0;
  chipdb::check_chip_set(std::vector<Chip>{*chip}, sink);
  DiagnosticSink again;
  auto written = std::make_shared<SourceFile>("written.toml", chipdb::write_chip_spec(*chip));
  fuzz::require(chipdb::parse_chip_spec(written, again).has_value());
  return 0;
}
