// The JSON API of `exctl serve` (docs/serve.md), apart from HTTP: a request's method, path
// and body in, a status, content type and body out. The rules and chips are loaded once;
// every request evaluates a draft of one regime (the parameters as the sliders set them)
// through the same app calls, and returns the same records, as the CLI's --format json.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/app/session.hpp"

namespace exctl::serve {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

// Limits on what one request may ask for (E0901, E0903): the server refuses more.
inline constexpr size_t kMaxBodyBytes = 64 * 1024;
inline constexpr int kMaxJsonDepth = 8;

struct ApiOptions {
  std::string db_path;
  std::vector<std::string> rule_files;  // drafts loaded beside the shipped regimes
  std::vector<std::string> interpret;
};

class Api {
 public:
  // nullptr, with diagnostics in `sink`, when the rules or the database cannot be loaded.
  static std::unique_ptr<Api> load(const ApiOptions& options, DiagnosticSink& sink);

  // Thread-safe: every request works on its own session over the shared, read-only caches.
  // Never throws: an error is a 4xx with the diagnostics as JSON, an internal fault a 500.
  Response handle(const std::string& method, const std::string& path,
                  const std::string& body) const;

 private:
  Api() = default;
  ApiOptions options_;
  std::shared_ptr<const sema::Rulebook> book_;
  std::shared_ptr<const std::vector<Chip>> chips_;
  // The breakpoints of the parameter being moved do not depend on its own value: found once
  // per setting of the others while a slider moves. Bounded: cleared when full.
  static constexpr size_t kMaxCachedBreakpoints = 256;
  mutable std::mutex breakpoints_mutex_;
  mutable std::map<std::string, std::string> breakpoints_;  // key -> JSON text
};

// Diagnostics as the body of a refused request: {"version": 1, "diagnostics": [...]}.
Response refusal(int status, const std::string& code, const std::string& message);

}  // namespace exctl::serve
