// One diagnostic type for the whole tool: rule files, chip files and the command line.
// Diagnostics are collected in a sink, never thrown; several are reported per run.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/base/source.hpp"

namespace exctl {

enum class Severity { error, warning, note };

struct Diagnostic {
  Severity severity = Severity::error;
  std::string code;     // stable, e.g. "E0204"; listed in docs/diagnostics.md
  std::string message;  // lowercase, one line, no trailing period
  Span span;
  std::vector<std::string> notes;
  // False when the span names a file but no token in it (a key that is missing
  // from the whole file): the header is printed without a source line and caret.
  bool quote_source = true;
};

class DiagnosticSink {
 public:
  void report(Diagnostic d);
  void error(std::string code, std::string message, Span span = {});
  void warning(std::string code, std::string message, Span span = {});

  bool has_errors() const;
  size_t error_count() const;
  bool empty() const { return diagnostics_.empty(); }
  // Sorted by file and position, duplicates removed.
  std::vector<Diagnostic> sorted() const;
  void merge(const DiagnosticSink& other);

 private:
  std::vector<Diagnostic> diagnostics_;
};

// `file:line:col: error[E0204]: message`, then the source line and a caret under the span.
std::string render_text(const Diagnostic& d);
std::string render_text(const DiagnosticSink& sink);
nlohmann::ordered_json to_json(const Diagnostic& d);
nlohmann::ordered_json to_json(const DiagnosticSink& sink);
std::string_view severity_name(Severity s);

}  // namespace exctl
