// JSON text for output. nlohmann's dump() throws on a string that is not valid UTF-8 (a
// chip name, a file name or a database cell given as raw bytes), which would end the run
// as an internal error. Every dump in exctl goes through dump_json, which writes each
// invalid byte as U+FFFD instead (tests/no_raw_json_dump.sh keeps it that way).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace exctl {

// `indent` as for nlohmann's dump(): -1 for one line, else spaces per level.
inline std::string dump_json(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}
inline std::string dump_json(const nlohmann::ordered_json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace exctl
