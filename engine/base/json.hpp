// JSON text for output. nlohmann's dump() throws on a string that is not valid UTF-8 (a
// chip name, a file name or a database cell given as raw bytes), which would end the run
// as an internal error. Every dump in exctl goes through dump_json, which writes each
// invalid byte as U+FFFD instead (tests/no_raw_json_dump.sh keeps it that way).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace exctl {

// `indent` as for nlohmann's dump(): -1 for one line, else spaces per level.
inline std::string dump_json(const nlohmann::json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}
inline std::string dump_json(const nlohmann::ordered_json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// Appends the JSON string literal of `text`, byte for byte what dump_json writes for it.
// Valid UTF-8 is copied in runs between the bytes JSON escapes (dump() decodes every byte:
// a tenth of a chart response's time); other text goes through dump_json.
void append_json_string(std::string& out, std::string_view text);

// A JSON object written member by member, each value given as its JSON text, so that a
// response can carry large texts (SVG charts, cached records) without rebuilding them as
// nlohmann values. Keys are written in the order given, as ordered_json does.
class JsonObjectText {
 public:
  void member_text(std::string_view key, std::string_view json);
  void member(std::string_view key, const nlohmann::ordered_json& value) {
    member_text(key, dump_json(value));
  }
  std::string finish() &&;

 private:
  std::string out_ = "{";
};

}  // namespace exctl
