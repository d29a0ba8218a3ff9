// Country groups (EAR Supplement No. 1 to part 740 and the lists the rules name), read
// from rules/country_groups.toml: data, versioned, not code. Memberships may be dated
// (Cambodia left D:5 on 2025-11-07), so a group is asked about a country on a date.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.hpp"
#include "engine/sema/date.hpp"

namespace exctl::sema {

// The rules are US export controls. A shipment that stays inside the United States is no
// export, reexport or in-country transfer (15 CFR 734.13-734.16), so no licence rule reaches
// it, whoever the buyer is.
inline constexpr std::string_view kControllingCountry = "US";

// A membership that holds on some dates only: a member on [from, until); a bound of 0
// is open (a member since before the rules begin, or still a member).
struct DatedMember {
  std::string country;  // ISO 3166-1 alpha-2, or an ISO 3166-2 region ("UA-43")
  DateKey from = 0, until = 0;
  std::string source;
  bool on(DateKey date) const { return date_in_window(date, from, until); }
};

// Countries, some of them members on some dates only.
struct CountrySet {
  // Members on every date: sorted, each once. A flat vector, not a std::set: a regime's
  // licence rules and exceptions hold dozens of these, copied with every draft.
  std::vector<std::string> always;
  std::vector<DatedMember> dated;  // members on some dates

  void add(const std::string& cc);
  bool always_has(std::string_view cc) const {
    return std::binary_search(always.begin(), always.end(), cc);
  }

  // Whether `cc` is a member on `date`; a date of 0 (none asked) ignores the windows. A
  // region ("UA-43") is a member where it is listed and wherever its country is.
  bool contains(const std::string& cc, DateKey date) const;
  bool empty() const { return always.empty() && dated.empty(); }
  void insert(const CountrySet& other);
};

// What an embargo (15 CFR part 746) reaches: every item subject to the EAR (Cuba, North
// Korea, Syria), or every item on the Commerce Control List (Russia, Belarus, Iran). Either
// way it bars the advanced-computing licence exceptions (NAC, ACA, HBM, AIA, LPP).
struct Embargo {
  enum class Scope { ear, ccl };
  Scope scope = Scope::ccl;
  std::string cite;
  // How applications are reviewed: "presumption_of_denial" unless the file says otherwise
  // (Syria from September 2025: case by case).
  std::string policy = "presumption_of_denial";
};

struct CountryGroup {
  std::string name;   // "D5"
  std::string title;  // "Country Group D:5 (...)"
  std::string as_of;
  std::string source;
  CountrySet members;
  std::optional<Embargo> embargo;  // a group that is an embargo's destinations

  bool contains(const std::string& cc, DateKey date) const { return members.contains(cc, date); }
};

class CountryGroups {
 public:
  // Reads the groups file; reports E0420 problems and returns nullopt when unusable.
  static std::optional<CountryGroups> load(const SourcePtr& file, DiagnosticSink& sink);

  const CountryGroup* find(const std::string& name) const;
  // A group name, or an ISO code standing for itself ("CN"); nullopt for neither.
  std::optional<CountrySet> expand(const std::string& name) const;
  // Whether `cc` is in the group (or is the country) `name` on `date`.
  bool in_group(const std::string& name, const std::string& cc, DateKey date) const;
  std::string country_name(const std::string& code) const;
  bool is_country(const std::string& code) const { return names_.count(code) > 0; }
  const std::string& version() const { return version_; }
  const std::map<std::string, std::string>& names() const { return names_; }
  const std::map<std::string, CountryGroup>& groups() const { return groups_; }
  // The groups that are embargoes, by name.
  std::vector<const CountryGroup*> embargoes() const;

 private:
  std::map<std::string, CountryGroup> groups_;
  std::map<std::string, std::string> names_;
  std::string version_;
};

}  // namespace exctl::sema
