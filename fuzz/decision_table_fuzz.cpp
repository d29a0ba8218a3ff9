// Decision-table files (`exctl test`, rules/*.cases.toml), run against the shipped rules
// and the built-in database.
#include <cstddef>
#include <cstdint>
#include <cstdio>

#include "engine/app/decision_tables.hpp"
#include "fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace exctl;
  std::string path = fuzz::write_temp_file(fuzz::text_of(data, size), ".cases.toml");
  app::Session session;
  if (session.prepare()) app::run_decision_tables(session, {path});
  std::remove(path.c_str());
  return 0;
}
