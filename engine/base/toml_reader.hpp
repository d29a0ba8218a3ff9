// The one strict TOML reader of exctl, for chip specs, model configs, country groups and
// decision tables. Every problem is a diagnostic with file:line:col under the codes of its
// file kind; values are taken with value_exact (toml++'s value<T>() converts silently);
// numbers are kept exact as written; keys a reader has not taken are reported as unknown.
//
// toml++ is compiled once, in toml_reader.cpp (target exctl_toml): without exceptions,
// floats read with std::from_chars, no formatters. Those definitions are PUBLIC on the
// target, so every file that includes this header sees one configuration; include toml++
// through this header only, and link exctl_toml.
//
// How the reader of decision tables (engine/app/decision_tables.cpp) uses it:
//
//   constexpr auto kDecisionTable =
//       TomlFileKind::one_code("E0117", "", TomlFileKind::Wording::decision_tables);
//   TomlFile file(source, sink, kDecisionTable);
//   const toml::table* root = file.parse();  // "toml syntax error: ..." as E0117
//   if (!root) continue;
//   TableReader top = file.reader(*root);
//   top.only({"regime", "case"}, "a decision table");  // "unknown key 'x' in a decision
//                                                      // table (known: regime, case)"
//   auto regime = top.string("regime", false, "a regime id");
//   const toml::array* cases = top.tables("case");    // [[case]]
//   for (const toml::node& node : cases ? *cases : toml::array{}) {
//     TableReader c = top.child(*node.as_table(), "");  // keys named without a prefix
//     size_t errors_before = file.errors();
//     c.only({"name", "chip", "spec", ...}, "a [[case]]");
//     auto name = c.string("name", false, "the case's name");
//     auto date = c.date("date");                   // a TOML date or "YYYY-MM-DD"
//     auto paragraphs = c.strings("paragraphs");    // nullopt: not given (or reported)
//     auto flagged = c.boolean("flagged");
//     if (const toml::table* spec = c.table("spec"))
//       for (auto&& [k, v] : *spec)                 // a float as written, never a double
//         if (v.is_floating_point()) set_field(values, k.str(), file.text(v));
//     if (...) file.error("E0117", "a case takes 'chip' or 'spec', not both", file.span(n));
//     if (file.errors() != errors_before) continue;  // a malformed case is not run
//   }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "engine/base/date.hpp"
#include "engine/base/diagnostic.hpp"
#include "engine/base/rational.hpp"
#include "engine/base/source.hpp"

namespace exctl {

// One kind of TOML file: the codes its problems are reported under, and their wording.
struct TomlFileKind {
  std::string_view syntax;   // the text is not TOML
  std::string_view missing;  // a required key is absent
  std::string_view unknown;  // a key the kind does not have
  std::string_view type;     // a value of another type
  std::string_view range;    // a number out of range, or one exctl cannot hold exactly
  std::string_view invalid;  // a value of the right type that is not allowed (empty, no date)
  // Before "toml syntax error: ..." ("country groups: ").
  std::string_view syntax_prefix = "";
  enum class Wording {
    // Chip specs and model configs: "found integer"; a syntax error as toml++ describes it,
    // lowercased, without its period, with a hint at an unclosed string, at the position
    // toml++ gives; an array item of the wrong type as "'key[2]' must be a string".
    chip_files,
    // Country groups and decision tables: "found an integer"; a syntax error as toml++
    // describes it, one byte wide; "(write [\"...\"] even for one)" for a string where an
    // array of strings belongs, an array with a wrong item as "'key' must be an array of
    // strings, found an integer in it" (and no value).
    decision_tables,
  } wording = Wording::chip_files;

  // A kind that reports every problem under one code (country groups, decision tables).
  static constexpr TomlFileKind one_code(std::string_view code, std::string_view syntax_prefix,
                                         Wording wording) {
    return {code, code, code, code, code, code, syntax_prefix, wording};
  }
};

// The codes of chip specs and model configs (docs/diagnostics.md, E02xx).
inline constexpr TomlFileKind kChipFileKind{"E0201", "E0202", "E0204", "E0205", "E0206", "E0207"};

// The type of a node for a message: "integer", "array of tables", or with an article
// ("an integer", "an array") in the decision-table wording.
std::string_view toml_type_name(const toml::node& node,
                                TomlFileKind::Wording wording = TomlFileKind::Wording::chip_files);

class TableReader;

// One TOML file being read: its text, the parsed tree, and where its problems go.
class TomlFile {
 public:
  // `kind` must outlive the file (the kinds are constants).
  TomlFile(SourcePtr source, DiagnosticSink& sink, const TomlFileKind& kind)
      : source_(std::move(source)), sink_(sink), kind_(kind) {}
  TomlFile(const TomlFile&) = delete;
  TomlFile& operator=(const TomlFile&) = delete;

  // Parses the whole text; on a syntax error reports kind.syntax and returns nullptr. The
  // tree lives as long as this object.
  const toml::table* parse();
  // A reader of the root table (or any other); `top_level` lists the keys that belong
  // before the first [table], for a hint when one turns up inside a table; it must outlive
  // the reader and its children.
  TableReader reader(const toml::table& table,
                     const std::set<std::string_view>* top_level = nullptr);

  const SourcePtr& source() const { return source_; }
  DiagnosticSink& sink() const { return sink_; }
  const TomlFileKind& kind() const { return kind_; }

  // Where a node (or a key: toml::key has source() too) is written, at least one byte.
  Span span(const toml::source_region& region) const;
  Span span(const toml::node& node) const { return span(node.source()); }
  // A value as written in the file, without trailing blanks: a float's decimal digits
  // before toml++ rounded them to a double.
  std::string_view text(const toml::node& node) const;
  std::string_view type_name(const toml::node& node) const {
    return toml_type_name(node, kind_.wording);
  }

  // Reports a problem, counting the errors.
  void error(std::string_view code, std::string message, Span where,
             std::vector<std::string> notes = {});
  void report(Diagnostic d);
  // The errors reported through this file (and its readers) so far.
  size_t errors() const { return errors_; }

 private:
  SourcePtr source_;
  DiagnosticSink& sink_;
  const TomlFileKind& kind_;
  toml::table root_;
  size_t errors_ = 0;
};

// Reads the keys of one TOML table, remembering which were taken so that the rest can be
// reported as unknown (finish(), or only() for a fixed list). Cheap to make: one per table.
class TableReader {
 public:
  TableReader(TomlFile& file, const toml::table& table, std::string prefix,
              const std::set<std::string_view>* top_level = nullptr)
      : file_(file), table_(table), prefix_(std::move(prefix)), top_level_(top_level) {}

  // The key as messages name it: "compute.unit[0].name".
  std::string path(std::string_view key) const;
  bool has(std::string_view key) const { return table_.get(key) != nullptr; }
  // Marks `key` as known (present or not) and returns its node. The reader keeps a view of
  // `key`: pass text that outlives it (literals, static tables).
  const toml::node* take(std::string_view key);

  void type_error(const std::string& key, const toml::node& node, std::string_view expected);
  void missing(std::string_view key);
  // The first line of the table (its [header]); the file's start for the root table.
  Span table_span() const;
  Span span(const toml::node& node) const { return file_.span(node); }
  const toml::table& table() const { return table_; }

  // Typed values. Absent: nullopt (and kind.missing when `required`); of another type:
  // kind.type, nullopt. `what` says what the key holds, in the type error: "'regime' must
  // be a string (a regime id), found an integer".
  std::optional<std::string> string(std::string_view key, bool required = false,
                                    std::string_view what = "");
  std::optional<bool> boolean(std::string_view key);
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max,
                                 bool required = false);
  // A spec value: a finite, non-negative number, integer or float, kept exact as written:
  // at most kMaxNumber, in steps of at most kMaxDecimalPlaces decimal places.
  std::optional<Rational> number(std::string_view key);
  static constexpr int64_t kMaxNumber = 1'000'000'000;
  static constexpr int kMaxDecimalPlaces = 4;
  static constexpr int64_t kDecimalUnit = 10'000;  // 10^kMaxDecimalPlaces
  // An array of strings; nullopt when absent. In the chip-file wording a wrong item is
  // reported and left out; in the decision-table wording it makes the whole nullopt.
  std::optional<std::vector<std::string>> strings(std::string_view key);
  // A TOML date (2025-06-30) or a string "YYYY-MM-DD", as yyyymmdd.
  std::optional<DateKey> date(std::string_view key);
  const toml::table* table(std::string_view key);
  const toml::array* tables(std::string_view key);  // [[key]]

  // Reports every key not taken as kind.unknown, with the nearest taken key as a hint.
  void finish();
  // Reports every key of the table not in `known`, listing them: "unknown key 'x' in a
  // [[case]] (known: name, regime, ...)". For tables read without finish().
  void only(std::initializer_list<std::string_view> known, std::string_view where);
  // The keys not taken, for a reader that words the report itself.
  std::vector<const toml::key*> unknown_keys() const;

  TomlFile& file() const { return file_; }
  DiagnosticSink& sink() const { return file_.sink(); }
  TableReader child(const toml::table& table, std::string prefix) const {
    return TableReader(file_, table, std::move(prefix), top_level_);
  }

 private:
  TomlFile& file_;
  const toml::table& table_;
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

inline TableReader TomlFile::reader(const toml::table& table,
                                    const std::set<std::string_view>* top_level) {
  return TableReader(*this, table, "", top_level);
}

}  // namespace exctl
