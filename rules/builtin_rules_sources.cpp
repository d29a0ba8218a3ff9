#include <memory>
#include <string>

#include "rules/builtin_rules.hpp"

namespace exctl::rules {
namespace {

bool is_groups_file(const EmbeddedFile& f) {
  return f.path.ends_with(".toml");
}

SourcePtr source_of(const EmbeddedFile& f) {
  return std::make_shared<SourceFile>(std::string(f.path), std::string(f.text));
}

}  // namespace

std::vector<SourcePtr> builtin_rule_sources() {
  std::vector<SourcePtr> out;
  for (const auto& f : kBuiltinRuleFiles) {
    if (!is_groups_file(f)) out.push_back(source_of(f));
  }
  return out;
}

SourcePtr builtin_country_groups() {
  for (const auto& f : kBuiltinRuleFiles) {
    if (is_groups_file(f)) return source_of(f);
  }
  return nullptr;
}

}  // namespace exctl::rules
