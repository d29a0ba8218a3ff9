// The request handlers of `exctl serve`, apart from HTTP: the first line is the method and
// the path ("POST /api/evaluate"), the rest the body. Whatever comes in, the answer is a
// status the API documents, never a crash and never a 500 (an internal fault is a defect);
// a refusal is diagnostic JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_input.hpp"
#include "serve/api.hpp"

namespace {

const exctl::serve::Api& api() {
  static const std::unique_ptr<exctl::serve::Api> loaded = [] {
    ::unsetenv("EXCTL_DB");  // the built-in database, whatever the environment says
    exctl::DiagnosticSink sink;
    auto a = exctl::serve::Api::load({}, sink);
    exctl::fuzz::require(a != nullptr);
    return a;
  }();
  return *loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace exctl;
  if (size > serve::kMaxBodyBytes) return 0;  // the server refuses a longer body unread
  std::string text = fuzz::text_of(data, size);
  auto line_end = text.find('\n');
  std::string line = text.substr(0, line_end);
  std::string body = line_end == std::string::npos ? "" : text.substr(line_end + 1);
  auto blank = line.find(' ');
  if (blank == std::string::npos) return 0;
  auto response = api().handle(line.substr(0, blank), line.substr(blank + 1), body);
  fuzz::require(response.status == 200 || response.status == 400 || response.status == 404 ||
                response.status == 405);
  if (response.status != 200) {
    auto refusal = nlohmann::json::parse(response.body, nullptr, false);
    fuzz::require(refusal.is_object() && refusal.contains("diagnostics") &&
                  !refusal["diagnostics"].empty());
  }
  return 0;
}
