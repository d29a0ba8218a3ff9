#include "engine/sema/countries.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace exctl::sema {

std::optional<CountryGroups> CountryGroups::load(const SourcePtr& file, DiagnosticSink& sink) {
  toml::table root;
  try {
    root = toml::parse(file->text(), file->path());
  } catch (const toml::parse_error& e) {
    uint32_t at = file->offset(e.source().begin.line, e.source().begin.column);
    sink.error("E0420", fmt::format("country groups: toml syntax error: {}", e.description()), Span{file, at, at + 1});
    return std::nullopt;
  }
  CountryGroups out;
  out.version_ = root["version"].value_or(std::string());
  if (auto* names = root["names"].as_table()) {
    for (auto&& [code, name] : *names) out.names_[std::string(code.str())] = name.value_or(std::string());
  }
  auto* groups = root["groups"].as_table();
  if (!groups) {
    sink.error("E0420", "country groups file has no [groups] table", Span{file, 0, 0});
    return std::nullopt;
  }
  for (auto&& [key, node] : *groups) {
    auto* t = node.as_table();
    if (!t) continue;
    CountryGroup g;
    g.name = std::string(key.str());
    g.title = (*t)["title"].value_or(std::string());
    g.as_of = (*t)["as_of"].value_or(std::string());
    g.source = (*t)["source"].value_or(std::string());
    if (auto* members = (*t)["members"].as_array()) {
      for (const auto& m : *members) {
        std::string code = m.value_or(std::string());
        if (!out.names_.count(code)) {
          uint32_t at = file->offset(m.source().begin.line, m.source().begin.column);
          sink.error("E0420", fmt::format("country group {}: '{}' is not in [names]", g.name, code),
                     Span{file, at, at + static_cast<uint32_t>(code.size() + 2)});
        }
        g.members.insert(code);
      }
    }
    out.groups_[g.name] = std::move(g);
  }
  return out;
}

const CountryGroup* CountryGroups::find(const std::string& name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &it->second;
}

std::optional<std::set<std::string>> CountryGroups::expand(const std::string& name) const {
  if (auto* g = find(name)) return g->members;
  if (names_.count(name)) return std::set<std::string>{name};
  return std::nullopt;
}

std::string CountryGroups::country_name(const std::string& code) const {
  auto it = names_.find(code);
  return it == names_.end() ? code : it->second;
}

}  // namespace exctl::sema
