#include "engine/sema/rulebook.hpp"

#include "engine/syntax/parser.hpp"

namespace exctl::sema {

const Regime* Rulebook::find(const std::string& id) const {
  for (const auto& r : regimes) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::optional<Rulebook> load_rulebook(const std::vector<SourcePtr>& rule_files,
                                      const SourcePtr& groups_file, DiagnosticSink& sink) {
  auto groups = CountryGroups::load(groups_file, sink);
  if (!groups) return std::nullopt;
  Rulebook book;
  book.groups = std::move(*groups);
  std::vector<ParsedFile> parsed;
  for (const auto& file : rule_files) {
    book.sources.push_back(file);
    if (auto ast = syntax::parse(file, sink)) parsed.push_back({file, std::move(*ast)});
  }
  book.regimes = check(parsed, book.groups, sink);
  book.embargo_layer.id = "part-746";
  book.embargo_layer.title = "Part 746 embargoes (no advanced-computing regime in force)";
  book.embargo_layer.status = Status::in_force;
  book.embargo_layer.effective = 19000101;
  book.embargo_layer.embargoes = embargo_rules(book.groups);
  return book;
}

}  // namespace exctl::sema
