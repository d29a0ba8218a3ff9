// `exctl serve`: the HTTP server (cpp-httplib) in front of the API and the embedded page.
// Every request's Host (and Origin, when sent) must name the address served, so a page
// elsewhere cannot reach it through DNS rebinding; nothing is read from or written to disk.
#pragma once

#include <iosfwd>
#include <string>

#include "serve/api.hpp"

namespace exctl::serve {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (the URL printed says which)
  ApiOptions api;
};

// Whether `host` is a loopback address: 127.0.0.0/8, ::1 or localhost.
bool is_loopback(const std::string& host);

// Serves until SIGINT or SIGTERM. Prints the URL (and, off loopback, a warning) to `out`.
// Returns 0 after a clean stop, 2 (with diagnostics in `sink`) when it cannot start: E0908
// (the address cannot be bound), the API's load errors.
int run(const ServeOptions& options, DiagnosticSink& sink, std::ostream& out);

}  // namespace exctl::serve
