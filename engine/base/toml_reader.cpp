// toml++'s implementation is compiled here, once, in the configuration the target makes
// PUBLIC (engine/base/CMakeLists.txt).
#define TOML_IMPLEMENTATION
#include "engine/base/toml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "engine/base/text.hpp"

namespace exctl {

namespace {

bool decision_wording(const TomlFileKind& kind) {
  return kind.wording == TomlFileKind::Wording::decision_tables;
}

}  // namespace

std::string_view toml_type_name(const toml::node& node, TomlFileKind::Wording wording) {
  bool article = wording == TomlFileKind::Wording::decision_tables;
  switch (node.type()) {
    case toml::node_type::string:
      return article ? "a string" : "string";
    case toml::node_type::integer:
      return article ? "an integer" : "integer";
    case toml::node_type::floating_point:
      return article ? "a float" : "float";
    case toml::node_type::boolean:
      return article ? "a boolean" : "boolean";
    case toml::node_type::table:
      return article ? "a table" : "table";
    case toml::node_type::array:
      if (article) return "an array";
      return node.is_array_of_tables() ? "array of tables" : "array";
    case toml::node_type::date:
      return article ? "a date" : "date";
    case toml::node_type::time:
      return article ? "a time" : "time";
    case toml::node_type::date_time:
      return article ? "a date-time" : "date-time";
    default:
      return article ? "nothing" : "value";
  }
}

namespace {

// Where TOML text has a non-ASCII byte outside a string and a comment, or npos. TOML allows
// them nowhere else, and toml++ 3.3.0 reaches __builtin_unreachable() on some of them
// (is_non_ascii_horizontal_whitespace): undefined behaviour, so they never reach it.
size_t bare_non_ascii(std::string_view t) {
  size_t n = t.size();
  auto at = [&](size_t k, std::string_view s) { return t.substr(k, s.size()) == s; };
  size_t i = at(0, "\xEF\xBB\xBF") ? 3 : 0;  // a byte-order mark, which toml++ reads
  // Past the closing `quote` (one or three characters) of a string opened before i; or where
  // toml++ would test a non-ASCII character inside it for whitespace: after a backslash, and
  // after a line-ending backslash of a multi-line basic string (`"""a\` then a new line).
  auto close = [&](std::string_view quote, bool escapes) -> size_t {
    while (i < n) {
      if (escapes && t[i] == '\\') {
        size_t k = i + 1;
        if (quote.size() == 3)
          while (k < n && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r' || t[k] == '\n'))
            ++k;
        if (k < n && static_cast<unsigned char>(t[k]) >= 0x80) return k;
        i += 2;
      } else if (at(i, quote)) {
        i += quote.size();
        // A multi-line string may end in one or two quotes of its own: """a"""""
        for (int extra = 0; quote.size() == 3 && extra < 2 && i < n && t[i] == quote[0]; ++extra)
          ++i;
        return std::string_view::npos;
      } else if (quote.size() == 1 && t[i] == '\n') {
        return std::string_view::npos;  // unterminated: toml++ reports it
      } else {
        ++i;
      }
    }
    return std::string_view::npos;
  };
  // A quote opens a string only where TOML has a key or a value; elsewhere (`0"é"`, `0e."é"`,
  // `0="é"`) toml++ reads on through it as one bare value, testing each character, so what
  // follows is no string. Where the scan stands: expecting a key, inside or after a bare or
  // quoted key, expecting a value, or anywhere else (in or after a value, or an error).
  enum class At { key, key_token, value, other } where = At::key;
  std::vector<char> nest;  // '[' an array, '{' an inline table, innermost last
  while (i < n) {
    char c = t[i];
    if (static_cast<unsigned char>(c) >= 0x80) return i;
    if (c == '#') {
      while (i < n && t[i] != '\n')
        ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      if (where != At::key && where != At::value) {
        where = At::other;
        ++i;
        continue;
      }
      std::string_view quote = c == '"' ? "\"\"\"" : "'''";
      if (!at(i, quote)) quote = quote.substr(0, 1);
      i += quote.size();
      if (size_t bad = close(quote, c == '"'); bad != std::string_view::npos) return bad;
      where = where == At::key ? At::key_token : At::other;
      continue;
    }
    char inner = nest.empty() ? 0 : nest.back();
    switch (c) {
      case ' ':
      case '\t':
      case '\r':
        break;
      case '\n':
        if (inner != '[') where = At::key;  // a multi-line array goes on
        break;
      case '=':
        where = where == At::key_token ? At::value : At::other;
        break;
      case '.':
        where = where == At::key_token ? At::key : At::other;
        break;
      case '[':
        if (where == At::value)
          nest.push_back('[');
        else if (where != At::key || !nest.empty())  // else a table header: `[a."b"]`, `[[t]]`
          where = At::other;
        break;
      case '{':
        if (where == At::value) nest.push_back('{');
        where = where == At::value ? At::key : At::other;
        break;
      case ']':
      case '}':
        if (inner == (c == ']' ? '[' : '{')) nest.pop_back();
        where = At::other;
        break;
      case ',':
        where = inner == '[' ? At::value : inner == '{' ? At::key : At::other;
        break;
      default:  // part of a bare key, or of a bare value (a number, a date, true)
        where = where == At::key || where == At::key_token ? At::key_token : At::other;
    }
    ++i;
  }
  return std::string_view::npos;
}

}  // namespace

const toml::table* TomlFile::parse() {
  if (size_t at = bare_non_ascii(source_->text()); at != std::string_view::npos) {
    size_t end = at + 1;
    while (end < source_->text().size() &&
           (static_cast<unsigned char>(source_->text()[end]) & 0xC0) == 0x80)
      ++end;
    report({Severity::error,
            std::string(kind_.syntax),
            fmt::format("{}toml syntax error: a non-ASCII character outside a string or a comment, "
                        "or right after a backslash (TOML allows them only inside quotes, not "
                        "escaped, and after #)",
                        kind_.syntax_prefix),
            {source_, static_cast<uint32_t>(at), static_cast<uint32_t>(end)},
            {}});
    return nullptr;
  }
  // No source path for toml++: every node would hold a reference-counted copy of it, and
  // spans are made from our own SourceFile, which knows the path.
  toml::parse_result result = toml::parse(std::string_view(source_->text()));
  if (result) {
    root_ = std::move(result).table();
    return &root_;
  }
  const toml::parse_error& e = result.error();
  std::string message(e.description());
  Diagnostic d{Severity::error, std::string(kind_.syntax), "", {}, {}};
  if (decision_wording(kind_)) {
    d.span = span(e.source());
  } else {
    if (!message.empty())
      message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    while (!message.empty() && (message.back() == '.' || message.back() == ' '))
      message.pop_back();
    if (message.find("control characters") != std::string::npos)
      d.notes.push_back("a string on this line may be missing its closing quote");
    uint32_t begin = source_->offset(e.source().begin.line, e.source().begin.column);
    uint32_t end = source_->offset(e.source().end.line, e.source().end.column);
    d.span = {source_, begin, std::max(end, begin)};
  }
  d.message = fmt::format("{}toml syntax error: {}", kind_.syntax_prefix, message);
  report(std::move(d));
  return nullptr;
}

Span TomlFile::span(const toml::source_region& region) const {
  uint32_t begin = source_->offset(region.begin.line, region.begin.column);
  uint32_t end = source_->offset(region.end.line, region.end.column);
  return {source_, begin, std::max(end, begin + 1)};
}

std::string_view TomlFile::text(const toml::node& node) const {
  uint32_t begin = source_->offset(node.source().begin.line, node.source().begin.column);
  uint32_t end = source_->offset(node.source().end.line, node.source().end.column);
  std::string_view t =
      std::string_view(source_->text()).substr(begin, end > begin ? end - begin : 0);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back())))
    t.remove_suffix(1);
  return t;
}

void TomlFile::error(std::string_view code, std::string message, Span where,
                     std::vector<std::string> notes) {
  report(
      {Severity::error, std::string(code), std::move(message), std::move(where), std::move(notes)});
}

void TomlFile::report(Diagnostic d) {
  if (d.severity == Severity::error) ++errors_;
  sink_.report(std::move(d));
}

// ---- TableReader ------------------------------------------------------------------------

std::string TableReader::path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

bool TableReader::known(std::string_view key) const {
  auto end = known_inline_.begin() + static_cast<std::ptrdiff_t>(known_count_);
  return std::find(known_inline_.begin(), end, key) != end ||
         std::find(known_more_.begin(), known_more_.end(), key) != known_more_.end();
}

const toml::node* TableReader::take(std::string_view key) {
  // A key taken twice may sit twice in the inline array (finish() does not mind): looking
  // for it first cost more than the slots, as most takes are a key's first.
  if (known_count_ < kInlineKeys)
    known_inline_[known_count_++] = key;
  else if (!known(key))
    known_more_.push_back(key);
  return table_.get(key);
}

void TableReader::type_error(const std::string& key, const toml::node& node,
                             std::string_view expected) {
  file_.error(file_.kind().type,
              fmt::format("'{}' must be {}, found {}", path(key), expected, file_.type_name(node)),
              span(node));
}

void TableReader::missing(std::string_view key) {
  Diagnostic d{Severity::error,
               std::string(file_.kind().missing),
               fmt::format("missing required key '{}'", path(key)),
               table_span(),
               {}};
  d.quote_source = !prefix_.empty();
  file_.report(std::move(d));
}

Span TableReader::table_span() const {
  const SourcePtr& source = file_.source();
  auto region = table_.source();
  if (prefix_.empty() || region.begin.line == 0) return {source, 0, 0};
  uint32_t begin = source->offset(region.begin.line, region.begin.column);
  auto line = source->line_text(region.begin.line);
  return {source, begin, begin + static_cast<uint32_t>(line.size() - (region.begin.column - 1))};
}

std::optional<std::string> TableReader::string(std::string_view key, bool required,
                                               std::string_view what) {
  const toml::node* node = take(key);
  if (!node) {
    if (required) missing(key);
    return std::nullopt;
  }
  if (auto v = node->value_exact<std::string>()) {
    if (required && v->empty()) {
      file_.error(file_.kind().invalid, fmt::format("'{}' must not be empty", path(key)),
                  span(*node));
      return std::nullopt;
    }
    return v;
  }
  type_error(std::string(key), *node,
             what.empty() ? std::string("a string") : fmt::format("a string ({})", what));
  return std::nullopt;
}

std::optional<bool> TableReader::boolean(std::string_view key) {
  const toml::node* node = take(key);
  if (!node) return std::nullopt;
  if (auto v = node->value_exact<bool>()) return v;
  type_error(std::string(key), *node, "true or false");
  return std::nullopt;
}

std::optional<int64_t> TableReader::integer(std::string_view key, int64_t min, int64_t max,
                                            bool required) {
  const toml::node* node = take(key);
  if (!node) {
    if (required) missing(key);
    return std::nullopt;
  }
  auto v = node->value_exact<int64_t>();
  if (!v) {
    type_error(std::string(key), *node, "an integer");
    return std::nullopt;
  }
  if (*v < min || *v > max) {
    file_.error(file_.kind().range,
                fmt::format("'{}' is {}, outside {}..{}", path(key), *v, min, max), span(*node));
    return std::nullopt;
  }
  return v;
}

std::optional<Rational> TableReader::number(std::string_view key) {
  const toml::node* node = take(key);
  if (!node) return std::nullopt;
  std::string_view range = file_.kind().range;
  std::optional<Rational> value;
  if (auto i = node->value_exact<int64_t>()) {
    value = Rational(*i);
  } else if (auto d = node->value_exact<double>()) {
    if (!std::isfinite(*d)) {
      file_.error(range, fmt::format("'{}' must be a finite number", path(key)), span(*node));
      return std::nullopt;
    }
    // The decimal as written, not the double toml++ made of it: 299.99999999999999999 is
    // not 300.
    std::string_view literal = file_.text(*node);
    value = Rational::parse(literal);
    if (!value) {
      file_.error(range,
                  fmt::format("'{}' is {}, which exctl cannot hold exactly (spec values go up "
                              "to 1,000,000,000 in steps of 0.0001)",
                              path(key), literal),
                  span(*node));
      return std::nullopt;
    }
  } else {
    type_error(std::string(key), *node, "a number");
    return std::nullopt;
  }
  if (value->is_negative()) {
    file_.error(range,
                fmt::format("'{}' must not be negative, found {}", path(key), value->exact_text()),
                span(*node));
    return std::nullopt;
  }
  // Bounds that keep every metric computed from spec values (TPP, densities) within exact
  // arithmetic's 64-bit numerators and denominators.
  static_assert(kMaxNumber == 1'000'000'000, "the message below spells it out");
  if (*value > Rational(kMaxNumber)) {
    file_.error(range,
                fmt::format("'{}' is {}, more than the largest spec value, 1,000,000,000",
                            path(key), value->exact_text()),
                span(*node));
    return std::nullopt;
  }
  if (kDecimalUnit % value->den() != 0) {
    file_.error(range,
                fmt::format("'{}' has more than {} decimal places, found {}", path(key),
                            kMaxDecimalPlaces, value->exact_text()),
                span(*node));
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> TableReader::strings(std::string_view key) {
  const toml::node* node = take(key);
  if (!node) return std::nullopt;
  bool decision = decision_wording(file_.kind());
  const toml::array* arr = node->as_array();
  if (!arr) {
    type_error(
        std::string(key), *node,
        decision ? "an array of strings (write [\"...\"] even for one)" : "an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& item = *arr->get(i);
    if (auto s = item.value_exact<std::string>()) {
      out.push_back(*s);
    } else if (decision) {
      file_.error(file_.kind().type,
                  fmt::format("'{}' must be an array of strings, found {} in it", path(key),
                              file_.type_name(item)),
                  span(item));
      ok = false;
    } else {
      type_error(fmt::format("{}[{}]", key, i), item, "a string");
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<DateKey> TableReader::date(std::string_view key) {
  const toml::node* node = take(key);
  if (!node) return std::nullopt;
  if (auto d = node->value_exact<toml::date>())
    return static_cast<DateKey>(d->year * 10000 + d->month * 100 + d->day);
  bool decision = decision_wording(file_.kind());
  auto s = node->value_exact<std::string>();
  if (!s) {
    type_error(std::string(key), *node, decision ? "a string (YYYY-MM-DD)" : "a date (YYYY-MM-DD)");
    return std::nullopt;
  }
  if (auto d = parse_date(*s)) return d;
  file_.error(file_.kind().invalid,
              decision
                  ? fmt::format("'{}' must be a date like \"2025-06-30\", not '{}'", path(key), *s)
                  : fmt::format("'{}' must be a date like 2025-06-30, found '{}'", path(key), *s),
              span(*node));
  return std::nullopt;
}

const toml::table* TableReader::table(std::string_view key) {
  const toml::node* node = take(key);
  if (!node) return nullptr;
  if (auto t = node->as_table()) return t;
  type_error(std::string(key), *node, "a table");
  return nullptr;
}

const toml::array* TableReader::tables(std::string_view key) {
  const toml::node* node = take(key);
  if (!node) return nullptr;
  if (node->is_array_of_tables()) return node->as_array();
  type_error(std::string(key), *node, "an array of tables");
  return nullptr;
}

std::vector<const toml::key*> TableReader::unknown_keys() const {
  std::vector<const toml::key*> out;
  for (auto&& [key, node] : table_) {
    if (!known(key.str())) out.push_back(&key);
  }
  return out;
}

void TableReader::finish() {
  for (auto&& [key, node] : table_) {
    if (known(key.str())) continue;
    std::string best;
    size_t best_distance = 3;
    // The nearest known key; among equally near ones the first in sorted order, as the
    // hint has always named.
    // A named copy: clang 14 cannot capture a structured binding in a lambda.
    std::string_view name = key.str();
    auto consider = [&](std::string_view k) {
      size_t dist = edit_distance(name, k);
      if (dist < best_distance || (dist == best_distance && !best.empty() && k < best)) {
        best_distance = dist;
        best = k;
      }
    };
    for (size_t i = 0; i < known_count_; ++i)
      consider(known_inline_[i]);
    for (std::string_view k : known_more_)
      consider(k);
    std::vector<std::string> notes;
    if (!best.empty()) notes.push_back(fmt::format("did you mean '{}'?", path(best)));
    if (!prefix_.empty() && top_level_ && top_level_->count(key.str())) {
      notes.push_back(fmt::format(
          "'{}' is a top-level key: top-level keys come before the first [table]", key.str()));
    }
    file_.error(file_.kind().unknown, fmt::format("unknown key '{}'", path(key.str())),
                file_.span(key.source()), std::move(notes));
  }
}

void TableReader::only(std::initializer_list<std::string_view> known, std::string_view where) {
  for (auto&& [key, node] : table_) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    file_.error(
        file_.kind().unknown,
        fmt::format("unknown key '{}' in {} (known: {})", key.str(), where, fmt::join(known, ", ")),
        file_.span(key.source()));
  }
}

}  // namespace exctl
