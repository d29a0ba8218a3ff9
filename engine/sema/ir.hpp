// The checked rule IR: names resolved, units checked, constants exact. Evaluation works on
// this only. Expressions are nodes in a per-regime pool, referred to by index.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/rational.hpp"
#include "engine/base/source.hpp"
#include "engine/base/truth.hpp"
#include "engine/metrics/units.hpp"
#include "engine/sema/countries.hpp"
#include "engine/sema/date.hpp"
#include "engine/sema/fields.hpp"

namespace exctl::sema {

enum class Status { in_force, superseded, rescinded, draft, reported, proposed };
std::string_view status_name(Status s);
std::optional<Status> status_from_name(std::string_view s);

enum class Policy { none, presumption_of_denial, case_by_case, presumption_of_approval };
std::string_view policy_name(Policy p);
std::optional<Policy> policy_from_name(std::string_view s);

enum class CmpOp { ge, gt, le, lt, eq, ne };
std::string_view cmp_text(CmpOp op);

struct Node {
  enum class Kind {
    number,
    boolean,
    field,
    param,
    metric,
    not_,
    confirmed,
    and_,
    or_,
    cmp,
    add,
    sub,
    mul,
    div,
    classified  // another regime's classification: ref is an index into Regime::references
  };
  Kind kind = Kind::number;
  Rational number;       // number: the value in canonical units
  bool boolean = false;  // boolean literal
  int ref = -1;          // field id, param, metric or reference index
  CmpOp cmp = CmpOp::ge;
  int lhs = -1, rhs = -1;
  Dim dim;
  bool is_bool = false;
  Span span;
};

// The exact meaning of the operators, shared by sema's constant folding and by both
// evaluators. `arithmetic` takes add, sub, mul or div and gives nullopt on a zero divisor
// (an unknown value, not an error); beyond 64-bit exactness it throws std::overflow_error.
std::optional<Rational> arithmetic(Node::Kind op, const Rational& a, const Rational& b);
bool compare(CmpOp op, const Rational& a, const Rational& b);

// A parameter is its expression: a child's override replaces `root`, and `value` is folded
// once the whole `extends` chain is built, so parameters derived from it follow.
struct Param {
  std::string name;
  Rational value;  // canonical units: `root` folded with the regime's final parameters
  Dim dim;
  Span span;
  int root = -1;  // the checked expression in Regime::nodes; -1: `value` as it stands
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

// Where a clause reaches: country groups (whose memberships may be dated) less others.
struct Destinations {
  bool worldwide = false;          // `to worldwide`
  std::vector<std::string> names;  // as written: D1, D4, MO
  CountrySet countries;
  std::vector<std::string> except_names;
  CountrySet except_countries;

  // Whether `cc` is in these destinations on `date` (group membership on that date; a
  // date of 0 ignores dated memberships' windows).
  bool contains(const std::string& cc, DateKey date) const {
    return (worldwide || countries.contains(cc, date)) && !except_countries.contains(cc, date);
  }
  bool empty() const { return !worldwide && countries.empty(); }
  std::string text() const;  // "D1, D4, D5, MO except A5, A6"
};

struct LicenceRule {
  std::vector<std::string> targets;  // empty = any controlled paragraph
  bool headquarters = false;         // applies to the buyer's headquarters, not the destination
  Destinations where;
  Destinations shipped_to;  // headquarters rules: only for exports there (empty: any)
  Policy policy = Policy::none;
  DateKey since = 0;
  int condition = -1;
  std::string cite;
  std::string defined_in;
  int level = 0;  // depth in the extends chain: a child's rule outranks its parent's
  Span span;

  // Whether the rule reaches an export to `to` for a buyer headquartered in `hq` (either
  // may be empty: not asked) on `date`, before its paragraphs and condition are looked at:
  // the destination (or headquarters), `shipped to` and `since`.
  bool reaches(const std::string& to, const std::string& hq, DateKey date) const;
};

struct Flag {
  std::string message;
  int condition = -1;
  Span span;
};

// How an exception's destination and the buyer's headquarters combine.
enum class HqTest {
  none,     // `to GROUPS`: the destination only
  either,   // `to GROUPS or headquarters in GROUPS`: the destination, or the headquarters
  both,     // `to GROUPS and headquarters in GROUPS`: the destination, and the headquarters
  only,     // `to headquarters in GROUPS`: the headquarters only
  outside,  // `to GROUPS and headquarters outside GROUPS`: the destination, for a buyer
            // not headquartered there
};

struct LicenceException {
  std::string name;
  std::vector<std::string> targets;  // empty = any
  Destinations where;                // empty = wherever a licence is required
  HqTest hq_test = HqTest::none;
  Destinations headquarters;  // where the buyer must be headquartered (hq_test != none)
  int condition = -1;
  std::optional<Rational> limit;  // folded from limit_root, with the regime's parameters
  Dim limit_dim;
  int limit_root = -1;  // the limit's checked expression; -1: none
  std::string per;
  DateKey since = 0, until = 0;  // available on [since, until)
  std::string cite;
  std::string defined_in;
  Span span;

  // Whether the exception reaches an export to `to` for a buyer headquartered in `hq`
  // (either may be empty: not asked) on `date`, before its paragraphs and condition are
  // looked at: its dates, destination and headquarters test. Unknown when it needs the
  // headquarters and none was given (`and headquarters in`, `to headquarters in`): such an
  // exception cannot be confirmed. `or headquarters in` without one rests on the destination.
  Truth reaches(const std::string& to, const std::string& hq, DateKey date) const;
};

// An embargo as a regime applies it: its destinations on each date, what it reaches, its
// citation. Every regime carries the embargoes of the country groups file (part 746 binds
// every export, whatever the rule that classifies the item).
struct EmbargoRule {
  std::string name;  // the group: "EMBARGO_RU_BY"
  std::string title;
  Embargo::Scope scope = Embargo::Scope::ccl;
  std::string cite;
  CountrySet where;
  Policy policy = Policy::presumption_of_denial;
};

// The groups file's embargoes, as every regime applies them.
std::vector<EmbargoRule> embargo_rules(const CountryGroups& groups);

struct Regime;

// `classified "3A090.c" under us-2024-12`: true when the named regime classifies the chip
// in any of the paragraphs (its control, less its exclusions), on the same chip values.
struct Reference {
  std::string regime;
  std::vector<std::string> paragraphs;
  std::shared_ptr<const Regime> target;  // the checked regime consulted
  Span span;
};

struct Regime {
  std::string id, title, citation, parent, supersedes;
  std::string applies_to;  // set when the regime binds only some exporters (e.g. foundries)
  // An is-informed letter's addressees: the instrument binds these exporters only.
  std::vector<std::string> informed;
  std::vector<std::string> notes;
  DateKey effective = 0, ends = 0;
  // When compliance became due, where it came after the effective date: until then the
  // rule is in force but not yet enforced, and `current` applies what it superseded.
  DateKey compliance = 0;
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
  std::vector<Reference> references;   // regimes consulted by `classified ... under`
  std::vector<EmbargoRule> embargoes;  // from the country groups file

  // In force on `date`: an instrument with legal effect (not a draft, proposal) whose
  // window [effective, ends) contains the date.
  bool in_force_on(DateKey date) const;
  // Whether the regime binds `exporter`: every exporter, unless it names those informed.
  bool binds(std::string_view exporter) const;
  int find_param(const std::string& name) const;
  const Control* find_control(const std::string& paragraph) const;
  // Whether an exclusion aims at `paragraph` (an exclusion without targets aims at all).
  static bool aims_at(const Exclusion& x, const std::string& paragraph);
  // Every chip field a clause reads, with those of the regimes it consults.
  std::set<FieldId> fields_used() const;
};

}  // namespace exctl::sema
