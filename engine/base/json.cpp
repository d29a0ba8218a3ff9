#include "engine/base/json.hpp"

#include "engine/base/text.hpp"

namespace exctl {

void append_json_string(std::string& out, std::string_view text) {
  if (!valid_utf8(text)) {
    out += dump_json(nlohmann::json(std::string(text)));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  size_t run = 0;  // the start of the bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(text, run, text.size() - run);
  out += '"';
}

void JsonObjectText::member_text(std::string_view key, std::string_view json) {
  if (out_.size() > 1) out_ += ',';
  append_json_string(out_, key);
  out_ += ':';
  out_ += json;
}

std::string JsonObjectText::finish() && {
  out_ += '}';
  return std::move(out_);
}

}  // namespace exctl
