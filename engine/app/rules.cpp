#include "engine/app/rules.hpp"

#include <fstream>

#include <fmt/format.h>

#include "engine/syntax/format.hpp"
#include "engine/syntax/parser.hpp"

namespace exctl::app {

std::optional<size_t> lint_rules(Session& session, const std::vector<std::string>& files) {
  session.rule_files.insert(session.rule_files.end(), files.begin(), files.end());
  auto book = session.load_rules();
  if (!book || session.sink.has_errors()) return std::nullopt;
  size_t mine = 0;
  for (const auto& r : book->regimes) {
    for (const auto& f : files)
      mine += r.span.has_file() && r.span.file->path() == f;
  }
  return mine;
}

std::vector<FormattedFile> format_rules(Session& session, const std::vector<std::string>& files,
                                        FormatMode mode) {
  std::vector<FormattedFile> out;
  for (const auto& path : files) {
    auto source = read_rule_file(path, session.sink);
    if (!source) continue;
    DiagnosticSink parse_sink;
    if (!syntax::parse(source, parse_sink)) {  // never reformat what does not parse
      session.sink.merge(parse_sink);
      continue;
    }
    FormattedFile f{path, syntax::format(source->text()), false};
    f.changed = f.text != source->text();
    if (mode == FormatMode::write && f.changed) {
      std::ofstream file(path, std::ios::binary);
      file << f.text;
      if (!file) session.sink.error("E0110", fmt::format("cannot write '{}'", path));
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace exctl::app
