// The parsed tree of a rule file, as the grammar produces it: Fusion-adapted structs with
// byte-offset spans. Names are not resolved and units not checked here (that is sema's
// job); evaluation never sees this tree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

namespace exctl::syntax {

namespace x3 = boost::spirit::x3;

// Byte offsets [begin, end) into the source text, filled in by the parser.
struct Located {
  uint32_t begin = 0;
  uint32_t end = 0;
};

struct Number : Located {
  std::string digits;  // as written: "4800", "1.4", "30e9"; a date: "2026-01-15"
  std::string unit;    // as written: "TB/s", "mm2"; empty when none; kDateUnit for a date
};
inline constexpr const char* kDateUnit = "date";

struct Name : Located {
  std::string text;
};

struct BoolLiteral : Located {
  bool value = false;
};

// `classified "3A090.a", "3A090.c" under us-2024-12`: another regime's classification.
struct Classified : Located {
  std::vector<Name> paragraphs;  // the quoted paragraph ids, with their spans
  Name regime;
};

struct Expr;
struct Not;

struct Operand : x3::variant<Number, BoolLiteral, Name, Classified, x3::forward_ast<Not>,
                             x3::forward_ast<Expr>> {
  using base_type::base_type;
  using base_type::operator=;
};

// A prefix operator: `not C`, or `confirmed C` (true only when C is known to be true:
// for presumptions that hold unless a fact is established).
struct Not : Located {
  std::string op;
  Operand operand;
};

// One binary operator and its right operand; a chain of them at one precedence level.
struct Operation : Located {
  std::string op;  // or, and, >=, >, <=, <, ==, !=, +, -, *, /
  Operand operand;
};

struct Expr : Located {
  Operand first;
  std::vector<Operation> rest;
};

// title "..." | citation "..." | effective DATE | ends DATE | status NAME | supersedes ID | note
// "..." | applies_to "..." | informed "EXPORTER"
struct Meta : Located {
  std::string key;
  std::string value;
};

struct Param : Located {
  Name name;
  Expr value;
};

struct Metric : Located {
  Name name;
  Expr value;
};

struct Control : Located {
  std::string paragraph;  // "3A090.a"
  Expr condition;
  std::string cite;
};

struct Exclude : Located {
  std::string note;                  // "Note 2"
  std::vector<std::string> targets;  // paragraphs it excludes
  Expr condition;
  std::string cite;
};

// End-item propagation: `propagate "4A090.a" from "3A090.a"`.
struct Propagate : Located {
  std::string item;
  std::vector<std::string> sources;
};

struct Licence : Located {
  std::vector<std::string> targets;  // paragraphs; {"*"} for any
  bool headquarters = false;         // `to headquarters in ...`
  std::vector<Name> groups;
  std::vector<Name> except_groups;
  std::vector<Name> shipped_to;  // headquarters rules: only for exports to these
  std::string policy;            // presumption_of_denial | case_by_case | presumption_of_approval
  std::string since;             // the date this requirement starts, when later than the regime's
  boost::optional<Expr> condition;
  std::string cite;
};

// The buyer's headquarters in an exception: `or headquarters in D5, MO` (the destination
// or the headquarters), `and headquarters in TIER1` (both), `and headquarters outside D5, MO`
// (the destination, for a buyer not headquartered there), or `to headquarters in ...`
// alone (join empty).
struct HeadquartersTest {
  std::string join;      // "or", "and", or "" (headquarters only)
  bool outside = false;  // `and headquarters outside ...`: the buyer is not headquartered there
  std::vector<Name> groups;
  std::vector<Name> except_groups;
};

// Where an exception may be used: `to GROUPS [except GROUPS] [or|and headquarters in ...]`
// or `to headquarters in GROUPS [except GROUPS]`.
struct ExceptionWhere {
  std::vector<Name> groups;  // empty = wherever a licence is required
  std::vector<Name> except_groups;
  boost::optional<HeadquartersTest> headquarters;
};

struct Exception : Located {
  Name name;  // NAC, ACA, HBM, LPP, AIA
  std::vector<std::string> targets;
  ExceptionWhere where;
  boost::optional<Expr> condition;
  boost::optional<Expr> limit;  // a quantity cap, e.g. 26900000 (TPP)
  std::string per;              // what the cap is counted per
  std::string since;            // the date the exception became available
  std::string until;            // the date it stopped being available
  std::string cite;
};

// `flag "..." when ...`: a warning printed with the decision (e.g. a gap in the text).
struct Flag : Located {
  std::string message;
  Expr condition;
};

// `drop "3A090.x"`: a child regime removes an inherited clause.
struct Drop : Located {
  std::string paragraph;
};

struct Item : x3::variant<Meta, Param, Metric, Control, Exclude, Propagate, Licence, Exception,
                          Flag, Drop> {
  using base_type::base_type;
  using base_type::operator=;
};

struct Regime : Located {
  Name id;
  boost::optional<Name> parent;
  std::vector<Item> items;
};

struct RuleFile {
  std::vector<Regime> regimes;
};

}  // namespace exctl::syntax
