// The model config TOML loader (chipdb/models/*.toml).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "chipdb/model_toml.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace exctl;
  auto file = std::make_shared<SourceFile>("fuzz.toml", fuzz::text_of(data, size));
  DiagnosticSink sink;
  if (auto model = chipdb::parse_model_config(file, sink))
    chipdb::check_model_set(std::vector<roofline::Model>{*model}, sink);
  return 0;
}
