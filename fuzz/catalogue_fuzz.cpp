// The --specs catalogue readers of `exctl check`, CSV or JSON lines by the file name's
// suffix (EXCTL_CATALOGUE_SUFFIX: fuzz_catalogue_csv and fuzz_catalogue_jsonl).
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "engine/app/catalogue.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace exctl;
  std::string path = fuzz::write_temp_file(fuzz::text_of(data, size), EXCTL_CATALOGUE_SUFFIX);
  DiagnosticSink sink;
  if (auto reader = app::CatalogueReader::open(path, sink)) {
    app::CatalogueEntry entry;
    while (reader->next(entry)) {
    }
  }
  std::remove(path.c_str());
  return 0;
}
