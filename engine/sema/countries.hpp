// Country groups (EAR Supplement No. 1 to part 740 and the lists the rules name), read
// from rules/country_groups.toml: data, versioned, not code.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/diagnostic.hpp"

namespace exctl::sema {

struct CountryGroup {
  std::string name;   // "D5"
  std::string title;  // "Country Group D:5 (...)"
  std::string as_of;
  std::string source;
  std::set<std::string> members;  // ISO 3166-1 alpha-2
};

class CountryGroups {
 public:
  // Reads the groups file; reports E0420 problems and returns nullopt when unusable.
  static std::optional<CountryGroups> load(const SourcePtr& file, DiagnosticSink& sink);

  const CountryGroup* find(const std::string& name) const;
  // A group name, or an ISO code standing for itself ("CN").
  std::optional<std::set<std::string>> expand(const std::string& name) const;
  std::string country_name(const std::string& code) const;
  bool is_country(const std::string& code) const { return names_.count(code) > 0; }
  const std::string& version() const { return version_; }
  const std::map<std::string, CountryGroup>& groups() const { return groups_; }

 private:
  std::map<std::string, CountryGroup> groups_;
  std::map<std::string, std::string> names_;
  std::string version_;
};

}  // namespace exctl::sema
