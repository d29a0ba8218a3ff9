#include "chipdb/toml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace exctl::chipdb {

namespace fs = std::filesystem;

Span span_of(const SourcePtr& file, const toml::source_region& region) {
  uint32_t begin = file->offset(region.begin.line, region.begin.column);
  uint32_t end = file->offset(region.end.line, region.end.column);
  return {file, begin, std::max(end, begin)};
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return node.is_array_of_tables() ? "array of tables" : "array";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "value";
  }
}

std::optional<toml::table> parse_toml(const SourcePtr& file, DiagnosticSink& sink) {
  // No source path for toml++: every node would hold a reference-counted copy of it, and
  // spans are made from our own SourceFile (span_of), which knows the path.
  toml::parse_result result = toml::parse(std::string_view(file->text()));
  if (result) return std::move(result).table();
  const toml::parse_error& e = result.error();
  std::string message(e.description());
  if (!message.empty())
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  while (!message.empty() && (message.back() == '.' || message.back() == ' '))
    message.pop_back();
  Diagnostic d{
      Severity::error, "E0201", "toml syntax error: " + message, span_of(file, e.source()), {}};
  if (message.find("control characters") != std::string::npos) {
    d.notes.push_back("a string on this line may be missing its closing quote");
  }
  sink.report(std::move(d));
  return std::nullopt;
}

SourcePtr read_source(const std::string& path, std::string_view noun, std::string_view code,
                      DiagnosticSink& sink) {
  // One open, one fstat and (for a regular file) one read of the size fstat gives: specs
  // are small and many, so the system calls are most of the cost.
  auto fail = [&](std::string_view why) {
    sink.error(std::string(code), fmt::format("cannot read {} '{}': {}", noun, path, why));
    return nullptr;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    return fail(err == ENOENT || err == ENOTDIR ? "no such file" : std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fail(std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return fail("it is a directory");
  }
  // A regular file is read in one call of its size; anything else (a pipe, /proc) until EOF.
  bool regular = S_ISREG(st.st_mode);
  std::string text(regular ? static_cast<size_t>(st.st_size) : size_t{4096}, '\0');
  size_t have = 0;
  for (;;) {
    if (have == text.size()) {
      if (regular) break;
      text.resize(text.size() * 2);
    }
    ssize_t n = ::read(fd, text.data() + have, text.size() - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return fail(std::strerror(err));
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(have);
  return std::make_shared<SourceFile>(path, std::move(text));
}

std::vector<std::string> toml_files(const std::vector<std::string>& paths, std::string_view noun,
                                    std::string_view code, DiagnosticSink& sink) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        if (entry.is_regular_file() && entry.path().extension() == ".toml")
          found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty())
        sink.error(std::string(code), fmt::format("directory '{}' holds no .toml {}s", path, noun));
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);
    }
  }
  return files;
}

std::string TableReader::path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

bool TableReader::known(std::string_view key) const {
  auto end = known_inline_.begin() + static_cast<std::ptrdiff_t>(known_count_);
  return std::find(known_inline_.begin(), end, key) != end ||
         std::find(known_more_.begin(), known_more_.end(), key) != known_more_.end();
}

const toml::node* TableReader::take(std::string_view key) {
  if (!known(key)) {
    if (known_count_ < kInlineKeys)
      known_inline_[known_count_++] = key;
    else
      known_more_.push_back(key);
  }
  return table_.get(key);
}

void TableReader::type_error(const std::string& key, const toml::node& node,
                             std::string_view expected) {
  sink_.error("E0205",
              fmt::format("'{}' must be {}, found {}", path(key), expected, type_name(node)),
              span_of(file_, node.source()));
}

void TableReader::missing(std::string_view key) {
  Diagnostic d{Severity::error,
               "E0202",
               fmt::format("missing required key '{}'", path(key)),
               table_span(),
               {}};
  d.quote_source = !prefix_.empty();
  sink_.report(std::move(d));
}

Span TableReader::table_span() const {
  auto region = table_.source();
  if (prefix_.empty() || region.begin.line == 0) return {file_, 0, 0};
  uint32_t begin = file_->offset(region.begin.line, region.begin.column);
  auto line = file_->line_text(region.begin.line);
  return {file_, begin, begin + static_cast<uint32_t>(line.size() - (region.begin.column - 1))};
}

std::optional<std::string> TableReader::string(std::string_view key, bool required) {
  const toml::node* node = take(key);
  if (!node) {
    if (required) missing(key);
    return std::nullopt;
  }
  if (auto v = node->value_exact<std::string>()) {
    if (required && v->empty()) {
      sink_.error("E0207", fmt::format("'{}' must not be empty", path(key)), span(*node));
      return std::nullopt;
    }
    return v;
  }
  type_error(std::string(key), *node, "a string");
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
    sink_.error("E0206", fmt::format("'{}' is {}, outside {}..{}", path(key), *v, min, max),
                span(*node));
    return std::nullopt;
  }
  return v;
}

std::optional<Rational> TableReader::number(std::string_view key) {
  const toml::node* node = take(key);
  if (!node) return std::nullopt;
  std::optional<Rational> value;
  if (auto i = node->value_exact<int64_t>()) {
    value = Rational(*i);
  } else if (auto d = node->value_exact<double>()) {
    if (!std::isfinite(*d)) {
      sink_.error("E0206", fmt::format("'{}' must be a finite number", path(key)), span(*node));
      return std::nullopt;
    }
    // The decimal as written, not the double toml++ made of it: 299.99999999999999999 is
    // not 300.
    Span where = span(*node);
    std::string_view literal =
        std::string_view(file_->text()).substr(where.begin, where.end - where.begin);
    value = Rational::parse(literal);
    if (!value) {
      sink_.error("E0206",
                  fmt::format("'{}' is {}, which exctl cannot hold exactly (spec values go up "
                              "to 1,000,000,000 in steps of 0.0001)",
                              path(key), literal),
                  where);
      return std::nullopt;
    }
  } else {
    type_error(std::string(key), *node, "a number");
    return std::nullopt;
  }
  if (value->is_negative()) {
    sink_.error("E0206",
                fmt::format("'{}' must not be negative, found {}", path(key), value->exact_text()),
                span(*node));
    return std::nullopt;
  }
  // Bounds that keep every metric computed from spec values (TPP, densities) within exact
  // arithmetic's 64-bit numerators and denominators.
  static_assert(kMaxNumber == 1'000'000'000, "the message below spells it out");
  if (*value > Rational(kMaxNumber)) {
    sink_.error("E0206",
                fmt::format("'{}' is {}, more than the largest spec value, 1,000,000,000",
                            path(key), value->exact_text()),
                span(*node));
    return std::nullopt;
  }
  if (kDecimalUnit % value->den() != 0) {
    sink_.error("E0206",
                fmt::format("'{}' has more than {} decimal places, found {}", path(key),
                            kMaxDecimalPlaces, value->exact_text()),
                span(*node));
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> TableReader::strings(std::string_view key) {
  const toml::node* node = take(key);
  std::vector<std::string> out;
  if (!node) return out;
  const toml::array* arr = node->as_array();
  if (!arr) {
    type_error(std::string(key), *node, "an array of strings");
    return out;
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& item = *arr->get(i);
    if (auto s = item.value_exact<std::string>())
      out.push_back(*s);
    else
      type_error(fmt::format("{}[{}]", key, i), item, "a string");
  }
  return out;
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

void TableReader::finish() {
  for (auto&& [key, node] : table_) {
    if (known(key.str())) continue;
    Diagnostic d{Severity::error,
                 "E0204",
                 fmt::format("unknown key '{}'", path(key.str())),
                 span_of(file_, key.source()),
                 {}};
    std::string best;
    size_t best_distance = 3;
    // The nearest known key; among equally near ones the first in sorted order, as the
    // hint has always named.
    auto consider = [&](std::string_view k) {
      size_t dist = edit_distance(key.str(), k);
      if (dist < best_distance || (dist == best_distance && !best.empty() && k < best)) {
        best_distance = dist;
        best = k;
      }
    };
    for (size_t i = 0; i < known_count_; ++i)
      consider(known_inline_[i]);
    for (std::string_view k : known_more_)
      consider(k);
    if (!best.empty()) d.notes.push_back(fmt::format("did you mean '{}'?", path(best)));
    if (!prefix_.empty() && top_level_ && top_level_->count(key.str())) {
      d.notes.push_back(fmt::format(
          "'{}' is a top-level key: top-level keys come before the first [table]", key.str()));
    }
    sink_.report(std::move(d));
  }
}

bool valid_slug(std::string_view id, bool allow_dots) {
  if (id.empty() || id.front() == '-' || id.back() == '-') return false;
  char prev = 0;
  for (char c : id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || (allow_dots && c == '.');
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

}  // namespace exctl::chipdb
