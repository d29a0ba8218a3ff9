#include "engine/base/diagnostic.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace exctl {

std::string_view severity_name(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
  }
  return "error";
}

void DiagnosticSink::report(Diagnostic d) { diagnostics_.push_back(std::move(d)); }

void DiagnosticSink::error(std::string code, std::string message, Span span) {
  report({Severity::error, std::move(code), std::move(message), std::move(span), {}});
}

void DiagnosticSink::warning(std::string code, std::string message, Span span) {
  report({Severity::warning, std::move(code), std::move(message), std::move(span), {}});
}

bool DiagnosticSink::has_errors() const { return error_count() > 0; }

size_t DiagnosticSink::error_count() const {
  return static_cast<size_t>(std::count_if(diagnostics_.begin(), diagnostics_.end(),
                                           [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

void DiagnosticSink::merge(const DiagnosticSink& other) {
  diagnostics_.insert(diagnostics_.end(), other.diagnostics_.begin(), other.diagnostics_.end());
}

namespace {
// By file, then line and column (not the byte offset: a streamed catalogue reports each
// row in a source of its own, which knows its line in the file).
auto sort_key(const Diagnostic& d) {
  SourceFile::Position pos{0, 0};
  if (d.span.has_file()) pos = d.span.file->position(d.span.begin);
  return std::make_tuple(d.span.has_file() ? d.span.file->path() : std::string(), pos.line,
                         pos.column, d.code, d.message);
}
}  // namespace

std::vector<Diagnostic> DiagnosticSink::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  std::stable_sort(out.begin(), out.end(),
                   [](const Diagnostic& a, const Diagnostic& b) { return sort_key(a) < sort_key(b); });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Diagnostic& a, const Diagnostic& b) { return sort_key(a) == sort_key(b); }),
            out.end());
  return out;
}

std::string render_text(const Diagnostic& d) {
  std::string out;
  if (d.span.has_file()) {
    auto pos = d.span.file->position(d.span.begin);
    out += fmt::format("{}:{}:{}: ", d.span.file->path(), pos.line, pos.column);
  }
  out += fmt::format("{}[{}]: {}\n", severity_name(d.severity), d.code, d.message);
  if (d.span.has_file() && d.quote_source) {
    auto pos = d.span.file->position(d.span.begin);
    std::string_view line = d.span.file->line_text(pos.line);
    std::string gutter = fmt::format("{}", pos.line);
    // The caret runs to the span's end, or the end of the line, whichever comes first.
    auto end_pos = d.span.file->position(std::max(d.span.end, d.span.begin + 1));
    size_t last_col = end_pos.line == pos.line ? end_pos.column : line.size() + 1;
    size_t width = last_col > pos.column ? last_col - pos.column : 1;
    // A long line is quoted as a window that starts a little before the caret.
    constexpr size_t kWindow = 120, kLeadIn = 40;
    size_t from = 0, to = line.size();
    if (line.size() > kWindow) {
      from = std::min(pos.column - 1 > kLeadIn ? pos.column - 1 - kLeadIn : 0, line.size());
      to = std::min(line.size(), from + kWindow);
      width = std::min(width, std::max<size_t>(1, to > pos.column - 1 ? to - (pos.column - 1) : 1));
    }
    std::string shown = fmt::format("{}{}{}", from > 0 ? "..." : "", line.substr(from, to - from),
                                    to < line.size() ? "..." : "");
    std::string pad(from > 0 ? 3 : 0, ' ');
    for (size_t i = from; i + 1 < pos.column && i < line.size(); ++i) pad += line[i] == '\t' ? '\t' : ' ';
    out += fmt::format(" {} | {}\n", gutter, shown);
    out += fmt::format(" {} | {}{}\n", std::string(gutter.size(), ' '), pad, std::string(width, '^'));
  }
  for (const auto& note : d.notes) out += fmt::format("  note: {}\n", note);
  return out;
}

std::string render_text(const DiagnosticSink& sink) {
  std::string out;
  for (const auto& d : sink.sorted()) out += render_text(d);
  return out;
}

nlohmann::ordered_json to_json(const Diagnostic& d) {
  nlohmann::ordered_json j;
  j["severity"] = severity_name(d.severity);
  j["code"] = d.code;
  j["message"] = d.message;
  if (d.span.has_file()) {
    auto begin = d.span.file->position(d.span.begin);
    auto end = d.span.file->position(std::max(d.span.end, d.span.begin));
    j["file"] = d.span.file->path();
    j["line"] = begin.line;
    j["column"] = begin.column;
    j["end_line"] = end.line;
    j["end_column"] = end.column;
  } else {
    j["file"] = nullptr;
  }
  j["notes"] = d.notes;
  return j;
}

nlohmann::ordered_json to_json(const DiagnosticSink& sink) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& d : sink.sorted()) arr.push_back(to_json(d));
  return arr;
}

}  // namespace exctl
