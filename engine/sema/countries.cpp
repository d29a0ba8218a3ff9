#include "engine/sema/countries.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "engine/base/toml_reader.hpp"

namespace exctl::sema {

bool CountrySet::contains(const std::string& cc, DateKey date) const {
  auto has = [&](std::string_view code) {
    if (always_has(code)) return true;
    return std::any_of(dated.begin(), dated.end(),
                       [&](const DatedMember& m) { return m.country == code && m.on(date); });
  };
  if (has(cc)) return true;
  // A region ("UA-43", Crimea) is in every group its country is in.
  size_t dash = cc.find('-');
  return dash != std::string::npos && has(std::string_view(cc).substr(0, dash));
}

void CountrySet::add(const std::string& cc) {
  auto at = std::lower_bound(always.begin(), always.end(), cc);
  if (at == always.end() || *at != cc) always.insert(at, cc);
}

void CountrySet::insert(const CountrySet& other) {
  std::vector<std::string> merged;
  merged.reserve(always.size() + other.always.size());
  std::set_union(always.begin(), always.end(), other.always.begin(), other.always.end(),
                 std::back_inserter(merged));
  always = std::move(merged);
  dated.insert(dated.end(), other.dated.begin(), other.dated.end());
}

namespace {

// Every problem of the file is E0420; the groups and their members are read leniently (a
// key of another type reads as empty), the dated memberships strictly.
constexpr auto kCountryGroupsKind =
    TomlFileKind::one_code("E0420", "country groups: ", TomlFileKind::Wording::decision_tables);

// One `[[groups.X.dated]]` entry: a membership on [from, until), with its source.
std::optional<DatedMember> dated_member(const toml::table& t, const CountryGroup& g,
                                        const std::map<std::string, std::string>& names,
                                        TomlFile& file) {
  bool ok = true;
  auto fail = [&](const toml::node& at, const std::string& message) {
    file.error("E0420", fmt::format("country group {}: {}", g.name, message), file.span(at));
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
  else if (g.members.always_has(m.country))
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

std::optional<CountryGroups> CountryGroups::load(const SourcePtr& source, DiagnosticSink& sink) {
  TomlFile file(source, sink, kCountryGroupsKind);
  const toml::table* parsed = file.parse();
  if (!parsed) return std::nullopt;
  const toml::table& root = *parsed;
  CountryGroups out;
  out.version_ = root["version"].value_or(std::string());
  if (auto* names = root["names"].as_table()) {
    for (auto&& [code, name] : *names)
      out.names_[std::string(code.str())] = name.value_or(std::string());
  }
  auto* groups = root["groups"].as_table();
  if (!groups) {
    sink.error("E0420", "country groups file has no [groups] table", Span{source, 0, 0});
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
    if (const toml::node* e = t->get("embargo")) {
      std::string scope = e->value_or(std::string());
      if (scope != "ear" && scope != "ccl") {
        file.error("E0420",
                   fmt::format("country group {}: 'embargo' is \"ear\" (every item subject to the "
                               "EAR) or \"ccl\" (every item on the CCL), not '{}'",
                               g.name, scope),
                   file.span(*e));
      } else {
        g.embargo = Embargo{scope == "ear" ? Embargo::Scope::ear : Embargo::Scope::ccl,
                            (*t)["embargo_cite"].value_or(std::string())};
        if (const toml::node* p = t->get("embargo_policy")) {
          std::string policy = p->value_or(std::string());
          if (policy != "presumption_of_denial" && policy != "case_by_case" &&
              policy != "presumption_of_approval")
            file.error("E0420",
                       fmt::format("country group {}: 'embargo_policy' is presumption_of_denial, "
                                   "case_by_case or presumption_of_approval, not '{}'",
                                   g.name, policy),
                       file.span(*p));
          else
            g.embargo->policy = policy;
        }
      }
    }
    if (auto* members = (*t)["members"].as_array()) {
      for (const auto& m : *members) {
        std::string code = m.value_or(std::string());
        if (!out.names_.count(code)) {
          // Under the quoted code: the code and its quotes.
          Span at = file.span(m);
          at.end = at.begin + static_cast<uint32_t>(code.size() + 2);
          file.error("E0420", fmt::format("country group {}: '{}' is not in [names]", g.name, code),
                     at);
        }
        g.members.add(code);
      }
    }
    if (const toml::node* dated = t->get("dated")) {
      const toml::array* entries = dated->as_array();
      if (!entries || !entries->is_array_of_tables()) {
        file.error("E0420",
                   fmt::format("country group {}: 'dated' must be [[groups.{}.dated]] tables",
                               g.name, g.name),
                   file.span(*dated));
      } else {
        for (const auto& entry : *entries) {
          if (auto m = dated_member(*entry.as_table(), g, out.names_, file))
            g.members.dated.push_back(*m);
        }
      }
    }
    out.groups_[g.name] = std::move(g);
  }
  return out;
}

std::vector<const CountryGroup*> CountryGroups::embargoes() const {
  std::vector<const CountryGroup*> out;
  for (const auto& [name, g] : groups_)
    if (g.embargo) out.push_back(&g);
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
