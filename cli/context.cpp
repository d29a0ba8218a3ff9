#include "cli/context.hpp"

#include <iostream>

#include <fmt/format.h>

#include "engine/base/json.hpp"

namespace exctl::cli {

bool Context::prepare() {
  if (auto f = report::parse_format(format_name)) {
    format = *f;
  } else {
    session.sink.error(
        "E0106", fmt::format("unknown format '{}'; expected text, json, csv or md", format_name));
  }
  session.prepare();
  return !session.sink.has_errors();
}

int Context::finish() {
  const DiagnosticSink& sink = session.sink;
  if (!sink.empty()) {
    if (format == report::Format::json)
      std::cerr << dump_json(to_json(sink), 2) << "\n";
    else
      std::cerr << render_text(sink);
  }
  return sink.has_errors() ? kExitBadInput : kExitOk;
}

int Context::finish(bool found) {
  int code = finish();
  return code == kExitOk && found ? kExitFound : code;
}

}  // namespace exctl::cli
