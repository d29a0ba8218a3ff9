// --specs catalogues for `exctl check`: a CSV file with a header of field names, or JSON
// lines, streamed. Each line is read and checked before the next; a line with an error gets
// an E0116 at its line and column and no entry, and reading goes on with the next line (a
// bad CSV header stops the catalogue, since every row depends on it). A line's source text
// is kept only when it has an error.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/eval/values.hpp"

namespace exctl::app {

// One line of a catalogue without errors.
struct CatalogueEntry {
  std::string id, name;  // as given; empty when the line has none
  eval::FieldValues values;
  uint32_t line = 0;
};

struct CsvCell;
struct CatalogueCell;

class CatalogueReader {
 public:
  CatalogueReader(CatalogueReader&&) noexcept;
  ~CatalogueReader();

  // nullopt, with E0116, when `path` cannot be read. A name ending in .jsonl is JSON lines.
  static std::optional<CatalogueReader> open(const std::string& path, DiagnosticSink& sink);
  // The next line without errors into `out`; false at the end.
  bool next(CatalogueEntry& out);

 private:
  CatalogueReader(const std::string& path, std::ifstream in, DiagnosticSink& sink);
  void reset(CatalogueEntry& out) const;
  // The next line, valid until the next call; false at the end.
  bool read_line(std::string_view& line);

  std::string path_;
  std::ifstream in_;
  DiagnosticSink* sink_;
  bool jsonl_ = false;
  bool stopped_ = false;
  uint32_t line_no_ = 0;
  // CSV: each column's name as the header spells it, and what it holds: a field's id, or
  // one of these.
  static constexpr int kIdColumn = -1, kNameColumn = -2, kUnknownColumn = -3;
  std::vector<std::string> header_;
  std::vector<int> column_;
  // Reused from line to line.
  std::string line_;    // a JSON line, for the parser
  std::string buffer_;  // read ahead; the next line starts at start_
  size_t start_ = 0;
  std::vector<CsvCell> row_;
  std::vector<CatalogueCell> cells_;
};

}  // namespace exctl::app
