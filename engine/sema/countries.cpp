#include "engine/sema/countries.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace exctl::sema {

bool CountrySet::contains(const std::string& cc, DateKey date) const {
  if (always.count(cc)) return true;
  return std::any_of(dated.begin(), dated.end(),
                     [&](const DatedMember& m) { return m.country == cc && m.on(date); });
}

void CountrySet::insert(const CountrySet& other) {
  always.insert(other.always.begin(), other.always.end());
  dated.insert(dated.end(), other.dated.begin(), other.dated.end());
}

namespace {

Span span_of(const SourcePtr& file, const toml::source_region& r) {
  uint32_t begin = file->offset(r.begin.line, r.begin.column);
  uint32_t end = file->offset(r.end.line, r.end.column);
  return Span{file, begin, std::max(end, begin + 1)};
}

// One `[[groups.X.dated]]` entry: a membership on [from, until), with its source.
std::optional<DatedMember> dated_member(const toml::table& t, const CountryGroup& g,
                                        const std::map<std::string, std::string>& names,
                                        const SourcePtr& file, DiagnosticSink& sink) {
  bool ok = true;
  auto fail = [&](const toml::node& at, const std::string& message) {
    sink.error("E0420", fmt::format("country group {}: {}", g.name, message),
               span_of(file, at.source()));
    ok = false;
  };
  for (auto&& [key, value] : t) {
    std::string k(key.str());
    if (k != "country" && k != "from" && k != "until" && k != "source" && k != "notes") {
      fail(value,
           fmt::format(
               "unknown key '{}' in a dated membership (country, from, until, source, notes)", k));
    } else if (!value.is_string()) {
      fail(value, fmt::format("'{}' must be a string", k));
    }
  }
  if (!ok) return std::nullopt;
  DatedMember m;
  m.country = t["country"].value_or(std::string());
  m.source = t["source"].value_or(std::string());
  if (m.country.empty())
    fail(t, "a dated membership needs a 'country'");
  else if (!names.count(m.country))
    fail(*t.get("country"), fmt::format("'{}' is not in [names]", m.country));
  else if (g.members.always.count(m.country))
    fail(*t.get("country"),
         fmt::format("'{}' is in 'members' and also dated: list it in one place", m.country));
  if (m.source.empty()) fail(t, "a dated membership needs a 'source'");
  for (const char* key : {"from", "until"}) {
    const toml::node* n = t.get(key);
    if (!n) continue;
    auto d = parse_date(n->value_or(std::string()));
    if (!d)
      fail(*n, fmt::format("'{}' is not a date like 2025-11-07", n->value_or(std::string())));
    else
      (std::string_view(key) == "from" ? m.from : m.until) = *d;
  }
  if (!t.get("from") && !t.get("until"))
    fail(t, "a dated membership needs 'from', 'until' or both");
  if (m.from && m.until && m.from >= m.until)
    fail(*t.get("until"), "'until' must be later than 'from'");
  if (!ok) return std::nullopt;
  return m;
}

}  // namespace

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
        g.members.always.insert(code);
      }
    }
    if (const toml::node* dated = t->get("dated")) {
      const toml::array* entries = dated->as_array();
      if (!entries || !entries->is_array_of_tables()) {
        sink.error("E0420",
                   fmt::format("country group {}: 'dated' must be [[groups.{}.dated]] tables",
                               g.name, g.name),
                   span_of(file, dated->source()));
      } else {
        for (const auto& entry : *entries) {
          if (auto m = dated_member(*entry.as_table(), g, out.names_, file, sink))
            g.members.dated.push_back(*m);
        }
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

std::optional<CountrySet> CountryGroups::expand(const std::string& name) const {
  if (auto* g = find(name)) return g->members;
  if (names_.count(name)) return CountrySet{{name}, {}};
  return std::nullopt;
}

bool CountryGroups::in_group(const std::string& name, const std::string& cc, DateKey date) const {
  auto set = expand(name);
  return set && set->contains(cc, date);
}

std::string CountryGroups::country_name(const std::string& code) const {
  auto it = names_.find(code);
  return it == names_.end() ? code : it->second;
}

}  // namespace exctl::sema
