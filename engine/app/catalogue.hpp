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
  bool read_header(const std::string& line, uint32_t line_no);

  std::string path_;
  std::ifstream in_;
  DiagnosticSink* sink_;
  bool jsonl_ = false;
  bool stopped_ = false;
  uint32_t line_no_ = 0;
  std::vector<std::string> header_;                      // CSV: the field of each column
  std::vector<std::pair<size_t, size_t>> header_spans_;  // and where its name is
  // Reused from line to line.
  std::vector<CsvCell> row_;
  std::vector<CatalogueCell> cells_;
};

}  // namespace exctl::app
