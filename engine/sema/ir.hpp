// The checked rule IR: names resolved, units checked, constants exact. Evaluation works on
// this only. Expressions are nodes in a per-regime pool, referred to by index.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/base/rational.hpp"
#include "engine/base/source.hpp"
#include "engine/sema/countries.hpp"
#include "engine/sema/fields.hpp"
#include "engine/sema/units.hpp"

namespace exctl::sema {

enum class Status { in_force, superseded, rescinded, draft, reported, proposed };
std::string_view status_name(Status s);
std::optional<Status> status_from_name(std::string_view s);

enum class Policy { none, presumption_of_denial, case_by_case, presumption_of_approval };
std::string_view policy_name(Policy p);
std::optional<Policy> policy_from_name(std::string_view s);

// A calendar date as yyyymmdd, so that dates compare as integers. 0 = none.
using DateKey = int;
std::optional<DateKey> parse_date(std::string_view text);  // "2023-11-17"
std::string date_text(DateKey d);

enum class CmpOp { ge, gt, le, lt, eq, ne };
std::string_view cmp_text(CmpOp op);

struct Node {
  enum class Kind { number, boolean, field, param, metric, not_, confirmed, and_, or_, cmp, add, sub, mul, div };
  Kind kind = Kind::number;
  Rational number;       // number: the value in canonical units
  bool boolean = false;  // boolean literal
  int ref = -1;          // field id, param index or metric index
  CmpOp cmp = CmpOp::ge;
  int lhs = -1, rhs = -1;
  Dim dim;
  bool is_bool = false;
  Span span;
};

struct Param {
  std::string name;
  Rational value;  // canonical units
  Dim dim;
  Span span;
};

struct Metric {
  std::string name;
  int root = -1;
  Dim dim;
  bool is_bool = false;
  Span span;
};

struct Control {
  std::string paragraph;
  int condition = -1;
  std::string cite;
  std::string defined_in;  // the regime whose text this clause comes from
  Span span;
};

struct Exclusion {
  std::string note;
  std::vector<std::string> targets;
  int condition = -1;
  std::string cite;
  std::string defined_in;
  Span span;
};

struct Propagation {
  std::string item;
  std::vector<std::string> sources;
};

struct Destinations {
  bool worldwide = false;          // `to worldwide`
  std::vector<std::string> names;  // as written: D1, D4, MO
  std::set<std::string> countries;
  std::vector<std::string> except_names;
  std::set<std::string> except_countries;
  bool contains(const std::string& cc) const {
    return (worldwide || countries.count(cc)) && !except_countries.count(cc);
  }
  bool empty() const { return !worldwide && countries.empty(); }
};

struct LicenceRule {
  std::vector<std::string> targets;  // empty = any controlled paragraph
  bool headquarters = false;         // applies to the buyer's headquarters, not the destination
  Destinations where;
  Destinations shipped_to;           // headquarters rules: only for exports there (empty: any)
  Policy policy = Policy::none;
  DateKey since = 0;
  int condition = -1;
  std::string cite;
  std::string defined_in;
  int level = 0;  // depth in the extends chain: a child's rule outranks its parent's
  Span span;
};

struct Flag {
  std::string message;
  int condition = -1;
  Span span;
};

struct LicenceException {
  std::string name;
  std::vector<std::string> targets;  // empty = any
  Destinations where;                // empty = wherever a licence is required
  int condition = -1;
  std::optional<Rational> limit;
  Dim limit_dim;
  std::string per;
  DateKey since = 0, until = 0;  // available on [since, until)
  std::string cite;
  std::string defined_in;
  Span span;
};

struct Regime {
  std::string id, title, citation, parent, supersedes;
  std::string applies_to;  // set when the regime binds only some exporters (e.g. foundries)
  std::vector<std::string> notes;
  DateKey effective = 0, ends = 0;
  Status status = Status::draft;
  Span span;

  std::vector<Node> nodes;
  std::vector<Param> params;
  std::vector<Metric> metrics;
  std::vector<Control> controls;
  std::vector<Exclusion> exclusions;
  std::vector<Propagation> propagations;
  std::vector<LicenceRule> licences;
  std::vector<LicenceException> exceptions;
  std::vector<Flag> flags;

  // In force on `date`: an instrument with legal effect (not a draft, proposal) whose
  // window [effective, ends) contains the date.
  bool in_force_on(DateKey date) const;
  int find_param(const std::string& name) const;
};

}  // namespace exctl::sema
