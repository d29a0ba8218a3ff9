#include "engine/app/catalogue.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/base/text.hpp"
#include "engine/sema/fields.hpp"

namespace exctl::app {

// One value of a catalogue line and where it is: the key (a CSV header cell or a JSON key)
// and the value's text; `kind`: what JSON gave (a CSV cell is a string, or null when empty).
struct CatalogueCell {
  std::string key, text;
  size_t key_begin = 0, key_end = 0, begin = 0, end = 0;
  enum Kind { string, number, boolean, null, nested } kind = string;
};

struct CsvCell {
  std::string_view text;  // into the line, or into `unquoted` for a quoted cell
  std::string unquoted;
  bool quoted = false;
  size_t begin = 0, end = 0;
};

namespace {

// Written by some editors at the start of a file; not part of the first column's name.
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A line of a catalogue, for diagnostics: its SourceFile is made on the first error.
class CatalogueLine {
 public:
  CatalogueLine(const std::string& path, std::string_view text, uint32_t line_no,
                DiagnosticSink& sink)
      : path_(path), text_(text), line_no_(line_no), sink_(sink) {}
  void error(const std::string& message, size_t begin, size_t end) {
    if (!file_) file_ = std::make_shared<SourceFile>(path_, std::string(text_), line_no_);
    auto b = static_cast<uint32_t>(std::min(begin, text_.size()));
    auto e = static_cast<uint32_t>(std::min(std::max(end, begin + 1), text_.size() + 1));
    sink_.error("E0116", message, Span{file_, b, e});
    ++errors_;
  }
  int errors() const { return errors_; }

 private:
  const std::string& path_;
  std::string_view text_;
  uint32_t line_no_;
  DiagnosticSink& sink_;
  SourcePtr file_;
  int errors_ = 0;
};

// RFC 4180 cells: a cell is quoted as a whole ("a, b" with "" for a quote) or not at all.
// The first `count` cells of `out` are the line's; cells past them are kept for their
// storage, so a catalogue's rows are split without allocating. False, with an error on
// `where`, when the line is malformed.
bool split_csv_line(std::string_view line, std::vector<CsvCell>& out, size_t& count,
                    CatalogueLine& where) {
  count = 0;
  size_t n = line.size();
  while (n > 0 && line[n - 1] == '\r')
    --n;
  line = line.substr(0, n);
  size_t i = 0;
  while (true) {
    if (count == out.size()) out.emplace_back();
    CsvCell& cell = out[count++];
    cell.begin = i;
    cell.quoted = false;
    if (i < n && line[i] == '"') {
      size_t open = i++;
      bool closed = false;
      cell.quoted = true;
      cell.unquoted.clear();
      while (i < n) {
        size_t quote = line.find('"', i);
        if (quote == std::string_view::npos) break;
        cell.unquoted.append(line.substr(i, quote - i));
        if (quote + 1 < n && line[quote + 1] == '"') {
          cell.unquoted += '"';
          i = quote + 2;
        } else {
          closed = true;
          i = quote + 1;
          break;
        }
      }
      if (!closed) {
        where.error("unterminated quoted cell: no closing '\"' on this line", open, n);
        return false;
      }
      if (i < n && line[i] != ',') {
        where.error(
            "text after the closing '\"' of a quoted cell (expected ',' or the end of the line)", i,
            i + 1);
        return false;
      }
    } else {
      size_t stop = i;  // find_first_of would search its set once per character
      while (stop < n && line[stop] != ',' && line[stop] != '"')
        ++stop;
      if (stop < n && line[stop] == '"') {
        where.error(
            "a '\"' inside an unquoted cell (quote the whole cell and double the quotes inside "
            "it)",
            stop, stop + 1);
        return false;
      }
      cell.text = line.substr(i, stop - i);
      i = stop;
    }
    cell.end = i;
    if (i >= n) break;
    ++i;  // the comma
  }
  // Only now: a cell added above may have moved the others' storage.
  for (size_t c = 0; c < count; ++c) {
    if (out[c].quoted) out[c].text = out[c].unquoted;
  }
  return true;
}

// A flat JSON object through nlohmann's SAX interface, which hands numbers over as their
// source text, so a decimal is taken exactly (or refused), never rounded through double.
class FlatObject : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<CatalogueCell> members;
  std::string not_object;  // what the line holds instead of an object
  std::string error;       // a syntax error, with `error_begin..error_end`
  size_t error_begin = 0, error_end = 0;

  bool null() override { return scalar(CatalogueCell::null, "null", "null"); }
  bool boolean(bool v) override {
    return scalar(CatalogueCell::boolean, v ? "true" : "false", "a boolean");
  }
  bool number_integer(number_integer_t v) override {
    return scalar(CatalogueCell::number, std::to_string(v), "a number");
  }
  bool number_unsigned(number_unsigned_t v) override {
    return scalar(CatalogueCell::number, std::to_string(v), "a number");
  }
  bool number_float(number_float_t, const string_t& text) override {
    return scalar(CatalogueCell::number, text, "a number");
  }
  bool string(string_t& v) override { return scalar(CatalogueCell::string, v, "a string"); }
  bool binary(binary_t&) override { return scalar(CatalogueCell::nested, "", "binary data"); }
  bool start_object(std::size_t) override { return open("an object"); }
  bool start_array(std::size_t) override { return open("an array"); }
  bool end_object() override { return --depth_, true; }
  bool end_array() override { return --depth_, true; }
  bool key(string_t& k) override {
    if (depth_ == 1) members.push_back({k, "", 0, 0, 0, 0, CatalogueCell::null});
    return true;
  }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& e) override {
    error_end = position;
    error_begin = position >= last_token.size() ? position - last_token.size() : 0;
    if (e.id == 406 && depth_ == 1 && !members.empty()) {  // a number out of double's range
      error = fmt::format("field '{}': {} cannot be held exactly; it is not rounded",
                          members.back().key, last_token);
      return false;
    }
    std::string what = e.what();
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    if (what.rfind("parse error at line", 0) == 0) {
      if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
    }
    error = fmt::format("not valid JSON: {}", what);
    return false;
  }

 private:
  int depth_ = 0;
  bool scalar(CatalogueCell::Kind kind, const std::string& text, const char* name) {
    if (depth_ == 0) {
      not_object = name;
    } else if (depth_ == 1 && !members.empty()) {
      members.back().kind = kind;
      members.back().text = text;
    }
    return true;
  }
  bool open(const char* name) {
    if (depth_ == 0 && std::string(name) != "an object") not_object = name;
    if (depth_ == 1 && !members.empty())
      members.back().kind = CatalogueCell::nested, members.back().text = name;
    ++depth_;
    return true;
  }
};

// Where each member of a flat JSON object is: the key's and the value's first token. A
// lexical scan only; the SAX parse above says whether the line is valid.
void locate_members(const std::string& line, std::vector<CatalogueCell>& members) {
  size_t i = 0, member = 0;
  int depth = 0;
  bool expect_key = false, expect_value = false;
  auto token_end = [&](size_t b) {
    if (line[b] == '"') {
      size_t e = b + 1;
      while (e < line.size() && line[e] != '"')
        e += line[e] == '\\' ? 2 : 1;
      return std::min(e + 1, line.size());
    }
    if (line[b] == '{' || line[b] == '[') return b + 1;
    size_t e = b;
    while (e < line.size() && !std::isspace(static_cast<unsigned char>(line[e])) &&
           std::string_view(",:{}[]").find(line[e]) == std::string_view::npos)
      ++e;
    return std::max(e, b + 1);
  };
  while (i < line.size() && member < members.size()) {
    char c = line[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (depth == 1 && expect_value) {
      members[member].begin = i;
      members[member].end = token_end(i);
      expect_value = false;
      ++member;
      if (c != '{' && c != '[') {
        i = members[member - 1].end;
        continue;
      }
    }
    if (c == '{' || c == '[') {
      ++depth;
      if (depth == 1) expect_key = true;
      ++i;
    } else if (c == '}' || c == ']') {
      --depth;
      ++i;
    } else if (c == ',') {
      if (depth == 1) expect_key = true;
      ++i;
    } else if (c == ':') {
      if (depth == 1) expect_value = true;
      ++i;
    } else {
      size_t e = token_end(i);
      if (depth == 1 && expect_key && c == '"') {
        members[member].key_begin = i;
        members[member].key_end = e;
        expect_key = false;
      }
      i = e;
    }
  }
}

// The cells of one JSONL line; false (with an error) when it is not a flat JSON object.
bool read_json_line(const std::string& line, std::vector<CatalogueCell>& cells,
                    CatalogueLine& where) {
  FlatObject obj;
  bool ok = nlohmann::json::sax_parse(line, &obj);
  if (!ok || !obj.error.empty()) {
    where.error(obj.error.empty() ? "not valid JSON" : obj.error, obj.error_begin,
                std::max(obj.error_end, obj.error_begin + 1));
    return false;
  }
  if (!obj.not_object.empty()) {
    where.error(fmt::format("a catalogue line must be a JSON object, found {}", obj.not_object), 0,
                line.size());
    return false;
  }
  locate_members(line, obj.members);
  cells = std::move(obj.members);
  return true;
}

// The values of one catalogue line into `s`; each problem is reported on `where`.
void take_cells(const std::vector<CatalogueCell>& cells, CatalogueEntry& s, CatalogueLine& where) {
  // A key given twice (also as a field and its alias): the cells are few, so a scan.
  std::vector<std::pair<std::string_view, size_t>> seen;  // canonical key, its column
  for (const auto& c : cells) {
    std::string_view canonical = c.key;
    if (auto f = sema::find_field(c.key)) canonical = sema::field_info(*f).name;
    auto first =
        std::find_if(seen.begin(), seen.end(), [&](const auto& k) { return k.first == canonical; });
    if (first == seen.end()) {
      seen.emplace_back(canonical, c.key_begin + 1);
    } else {
      where.error(fmt::format("'{}' is given twice on this line (first at column {})", c.key,
                              first->second),
                  c.key_begin, c.key_end);
      continue;
    }
    if (c.kind == CatalogueCell::nested) {
      where.error(
          fmt::format("'{}' takes a number, a string or a boolean, found {}", c.key, c.text),
          c.begin, c.end);
      continue;
    }
    if (c.kind == CatalogueCell::null) continue;  // unknown
    if (c.key == "id" || c.key == "name") {
      if (c.kind != CatalogueCell::string) {
        where.error(fmt::format("'{}' must be a string", c.key), c.begin, c.end);
        continue;
      }
      (c.key == "id" ? s.id : s.name) = c.text;
      continue;
    }
    if (!sema::find_field(c.key)) {
      where.error(fmt::format("unknown field '{}'", c.key), c.key_begin, c.key_end);
      continue;
    }
    std::string problem = eval::set_field(s.values, c.key, c.text);
    if (!problem.empty()) where.error(problem, c.begin, c.end);
  }
}

}  // namespace

std::optional<CatalogueReader> CatalogueReader::open(const std::string& path,
                                                     DiagnosticSink& sink) {
  std::ifstream in(path);
  if (!in || std::filesystem::is_directory(path)) {
    sink.error("E0116", fmt::format("cannot read '{}'{}", path, in ? ": it is a directory" : ""));
    return std::nullopt;
  }
  return CatalogueReader(path, std::move(in), sink);
}

CatalogueReader::CatalogueReader(CatalogueReader&&) noexcept = default;
CatalogueReader::~CatalogueReader() = default;

CatalogueReader::CatalogueReader(const std::string& path, std::ifstream in, DiagnosticSink& sink)
    : path_(path), in_(std::move(in)), sink_(&sink) {
  jsonl_ = path.size() > 6 && path.substr(path.size() - 6) == ".jsonl";
}

bool CatalogueReader::next(CatalogueEntry& out) {
  std::string_view line;
  std::vector<CsvCell> header_cells;
  size_t count = 0;
  while (!stopped_ && read_line(line)) {
    ++line_no_;
    if (line_no_ == 1 && line.substr(0, kUtf8Bom.size()) == kUtf8Bom)
      line.remove_prefix(kUtf8Bom.size());
    if (trim(line).empty()) continue;
    CatalogueLine where(path_, line, line_no_, *sink_);
    if (!valid_utf8(line)) {  // a line that is not text cannot name a chip or give a value
      where.error("not valid UTF-8", 0, line.size());
      continue;
    }
    // A control character (a NUL, say) is no part of a name or a value; JSON rejects them
    // unescaped itself.
    if (!jsonl_) {
      auto bad = std::find_if(line.begin(), line.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r';
      });
      if (bad != line.end()) {
        auto at = static_cast<size_t>(bad - line.begin());
        where.error(fmt::format("a control character (U+{:04X}) in the line",
                                static_cast<unsigned>(static_cast<unsigned char>(*bad))),
                    at, at + 1);
        continue;
      }
    }
    if (jsonl_) {
      cells_.clear();
      line_.assign(line);
      if (!read_json_line(line_, cells_, where)) continue;
      reset(out);
      take_cells(cells_, out, where);
      if (where.errors()) continue;  // no entry for a line with an error
      return true;
    }
    if (header_.empty()) {
      // The header names each column once: id, name or a field. Every row depends on it,
      // so a bad header stops the catalogue.
      if (!split_csv_line(line, header_cells, count, where)) {
        stopped_ = true;
        break;
      }
      header_cells.resize(count);
      std::map<std::string, size_t> seen;
      for (const auto& h : header_cells) {
        std::string name(trim(h.text));
        std::string canonical = name;
        int column = kUnknownColumn;
        if (auto f = sema::find_field(name)) {
          canonical = std::string(sema::field_info(*f).name);
          column = static_cast<int>(*f);
        } else if (name == "id" || name == "name") {
          column = name == "id" ? kIdColumn : kNameColumn;
        } else {
          where.error(name.empty()
                          ? std::string("an empty column name in the header")
                          : fmt::format("the header names no field '{}' (id, name or a field of "
                                        "docs/rule-language.md)",
                                        name),
                      h.begin, h.end);
        }
        if (auto [it, fresh] = seen.emplace(canonical, h.begin + 1); !fresh && !name.empty())
          where.error(
              fmt::format("the header names '{}' twice (first at column {})", name, it->second),
              h.begin, h.end);
        header_.push_back(name);
        column_.push_back(column);
      }
      if (where.errors()) stopped_ = true;
      continue;
    }
    if (!split_csv_line(line, row_, count, where)) continue;
    if (count > header_.size()) {
      where.error(fmt::format("{} cells, but the header names {} columns", count, header_.size()),
                  row_[header_.size()].begin, line.size());
      continue;
    }
    if (count < header_.size()) {
      where.error(fmt::format("{} cells, but the header names {} columns (no '{}')", count,
                              header_.size(), header_[count]),
                  line.size(), line.size() + 1);
      continue;
    }
    reset(out);
    // The header has named every column once, so a row is its cells in order.
    for (size_t i = 0; i < count; ++i) {
      const CsvCell& cell = row_[i];
      if (trim(cell.text).empty()) continue;  // an empty cell: unknown
      if (column_[i] == kIdColumn || column_[i] == kNameColumn) {
        (column_[i] == kIdColumn ? out.id : out.name).assign(cell.text);
        continue;
      }
      auto field = static_cast<sema::FieldId>(column_[i]);
      std::string problem = eval::set_field(out.values, field, header_[i], cell.text);
      if (!problem.empty()) where.error(problem, cell.begin, cell.end);
    }
    if (where.errors()) continue;
    return true;
  }
  return false;
}

bool CatalogueReader::read_line(std::string_view& line) {
  // Large reads and one search per line: std::getline on a stream costs more than the
  // decision of the line.
  constexpr size_t kChunk = size_t{1} << 18;
  while (true) {
    const char* begin = buffer_.data() + start_;
    if (const void* nl = std::memchr(begin, '\n', buffer_.size() - start_)) {
      size_t length = static_cast<const char*>(nl) - begin;
      line = std::string_view(begin, length);
      start_ += length + 1;
      return true;
    }
    if (!in_) {  // the last line, without its newline
      if (start_ == buffer_.size()) return false;
      line = std::string_view(begin, buffer_.size() - start_);
      start_ = buffer_.size();
      return true;
    }
    buffer_.erase(0, start_);
    start_ = 0;
    size_t kept = buffer_.size();
    buffer_.resize(kept + kChunk);
    in_.read(buffer_.data() + kept, static_cast<std::streamsize>(kChunk));
    buffer_.resize(kept + static_cast<size_t>(in_.gcount()));
  }
}

void CatalogueReader::reset(CatalogueEntry& out) const {
  // Cleared, not replaced: the strings keep their storage from line to line.
  out.id.clear();
  out.name.clear();
  out.values = eval::FieldValues{};
  out.line = line_no_;
}

}  // namespace exctl::app
