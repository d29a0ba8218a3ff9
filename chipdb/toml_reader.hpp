// Reading TOML files (chip specs, model configs) into records with diagnostics: every
// problem is reported with file:line:col, unknown keys are rejected with a hint, and
// values are taken with value_exact (toml++'s value<T>() converts silently). Internal to
// chipdb; the E02xx codes it reports are listed in docs/diagnostics.md.
//
// chipdb compiles toml++ header-only, without exceptions and with std::from_chars for
// floats (chipdb/CMakeLists.txt); include this header only from chipdb's own sources.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "engine/base/diagnostic.hpp"
#include "engine/base/rational.hpp"
#include "engine/base/text.hpp"

namespace exctl::chipdb {

Span span_of(const SourcePtr& file, const toml::source_region& region);
std::string_view type_name(const toml::node& node);

// Parses a whole file; on a syntax error reports E0201 and returns nullopt.
std::optional<toml::table> parse_toml(const SourcePtr& file, DiagnosticSink& sink);

// Reads a file into a SourceFile; on failure reports `code` ("cannot read <noun> 'path': why").
SourcePtr read_source(const std::string& path, std::string_view noun, std::string_view code,
                      DiagnosticSink& sink);

// The *.toml files of the given files and directories, each directory's sorted; a
// directory without any is reported as `code`.
std::vector<std::string> toml_files(const std::vector<std::string>& paths, std::string_view noun,
                                    std::string_view code, DiagnosticSink& sink);

// Reads the keys of one TOML table, remembering which were consumed so that the rest
// can be reported as unknown.
class TableReader {
 public:
  // `top_level` lists the keys that belong before the first [table], for a hint when one
  // turns up inside a table; it must outlive the reader and its children.
  TableReader(const toml::table& table, const SourcePtr& file, DiagnosticSink& sink,
              std::string prefix, const std::set<std::string_view>* top_level = nullptr)
      : table_(table),
        file_(file),
        sink_(sink),
        prefix_(std::move(prefix)),
        top_level_(top_level) {}

  std::string path(std::string_view key) const;
  bool has(std::string_view key) const { return table_.get(key) != nullptr; }
  // Marks `key` as known (present or not) and returns its node. The reader keeps a view of
  // `key`: pass text that outlives it (the readers pass literals and static tables).
  const toml::node* take(std::string_view key);

  void type_error(const std::string& key, const toml::node& node, std::string_view expected);
  void missing(std::string_view key);
  // The first line of the table (its [header]); the file's start for the root table.
  Span table_span() const;
  Span span(const toml::node& node) const { return span_of(file_, node.source()); }

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<bool> boolean(std::string_view key);
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max,
                                 bool required = false);
  // A finite, non-negative number, integer or float, kept exact as written: at most
  // kMaxNumber, in steps of at most kMaxDecimalPlaces decimal places.
  std::optional<Rational> number(std::string_view key);
  static constexpr int64_t kMaxNumber = 1'000'000'000;
  static constexpr int kMaxDecimalPlaces = 4;
  static constexpr int64_t kDecimalUnit = 10'000;  // 10^kMaxDecimalPlaces
  std::vector<std::string> strings(std::string_view key);
  const toml::table* table(std::string_view key);
  const toml::array* tables(std::string_view key);

  // Reports every key not consumed, with the nearest known key as a hint.
  void finish();

  DiagnosticSink& sink() { return sink_; }
  TableReader child(const toml::table& table, std::string prefix) const {
    return TableReader(table, file_, sink_, std::move(prefix), top_level_);
  }

 private:
  const toml::table& table_;
  const SourcePtr& file_;
  DiagnosticSink& sink_;
  std::string prefix_;
  const std::set<std::string_view>* top_level_;
  // The keys taken. A table has a dozen or two: an array searched in order beats a
  // node-based set, and needs no allocation up to kInlineKeys.
  static constexpr size_t kInlineKeys = 32;
  std::array<std::string_view, kInlineKeys> known_inline_;
  size_t known_count_ = 0;
  std::vector<std::string_view> known_more_;
  bool known(std::string_view key) const;
};

// Lowercase letters, digits and single hyphens (and dots when `allow_dots`: "llama-3.1-8b").
bool valid_slug(std::string_view id, bool allow_dots = false);

}  // namespace exctl::chipdb
