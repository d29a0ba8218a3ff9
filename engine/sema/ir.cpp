#include "engine/sema/ir.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "engine/base/text.hpp"

namespace exctl::sema {
namespace {
constexpr std::array<std::string_view, 6> kStatus = {"in_force", "superseded", "rescinded",
                                                     "draft",    "reported",   "proposed"};
constexpr std::array<std::string_view, 4> kPolicy = {"none", "presumption_of_denial",
                                                     "case_by_case", "presumption_of_approval"};
constexpr std::array<std::string_view, 6> kCmp = {">=", ">", "<=", "<", "==", "!="};
}  // namespace

std::string_view status_name(Status s) {
  return kStatus[static_cast<size_t>(s)];
}
std::optional<Status> status_from_name(std::string_view s) {
  for (size_t i = 0; i < kStatus.size(); ++i) {
    if (kStatus[i] == s) return static_cast<Status>(i);
  }
  return std::nullopt;
}

std::string_view policy_name(Policy p) {
  return kPolicy[static_cast<size_t>(p)];
}
std::optional<Policy> policy_from_name(std::string_view s) {
  for (size_t i = 1; i < kPolicy.size(); ++i) {
    if (kPolicy[i] == s) return static_cast<Policy>(i);
  }
  return std::nullopt;
}

std::string_view cmp_text(CmpOp op) {
  return kCmp[static_cast<size_t>(op)];
}

std::optional<Rational> arithmetic(Node::Kind op, const Rational& a, const Rational& b) {
  switch (op) {
    case Node::Kind::add:
      return a + b;
    case Node::Kind::sub:
      return a - b;
    case Node::Kind::mul:
      return a * b;
    default:
      return b == 0 ? std::nullopt : std::optional<Rational>(a / b);
  }
}

bool compare(CmpOp op, const Rational& a, const Rational& b) {
  switch (op) {
    case CmpOp::ge:
      return a >= b;
    case CmpOp::gt:
      return a > b;
    case CmpOp::le:
      return a <= b;
    case CmpOp::lt:
      return a < b;
    case CmpOp::eq:
      return a == b;
    case CmpOp::ne:
      return a != b;
  }
  return false;
}

bool Regime::in_force_on(DateKey date) const {
  if (status == Status::draft || status == Status::proposed) return false;
  if (effective == 0 || date < effective) return false;
  return ends == 0 || date < ends;
}

std::vector<EmbargoRule> embargo_rules(const CountryGroups& groups) {
  std::vector<EmbargoRule> out;
  for (const CountryGroup* g : groups.embargoes())
    out.push_back({g->name, g->title, g->embargo->scope, g->embargo->cite, g->members,
                   policy_from_name(g->embargo->policy).value_or(Policy::presumption_of_denial)});
  return out;
}

bool Regime::binds(std::string_view exporter) const {
  if (informed.empty()) return true;
  std::string who = squash_name(exporter);
  return !who.empty() && std::any_of(informed.begin(), informed.end(),
                                     [&](const std::string& e) { return squash_name(e) == who; });
}

int Regime::find_param(const std::string& name) const {
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const Control* Regime::find_control(const std::string& paragraph) const {
  auto it = std::find_if(controls.begin(), controls.end(),
                         [&](const Control& c) { return c.paragraph == paragraph; });
  return it == controls.end() ? nullptr : &*it;
}

bool Regime::aims_at(const Exclusion& x, const std::string& paragraph) {
  return x.targets.empty() ||
         std::find(x.targets.begin(), x.targets.end(), paragraph) != x.targets.end();
}

namespace {

void paragraph_fields(const Regime& r, const std::string& paragraph, std::set<FieldId>& out);

// The fields an expression reads, through metrics and the regimes it consults.
void expression_fields(const Regime& r, int index, std::set<FieldId>& out) {
  if (index < 0) return;
  const Node& n = r.nodes[static_cast<size_t>(index)];
  switch (n.kind) {
    case Node::Kind::field:
      out.insert(static_cast<FieldId>(n.ref));
      return;
    case Node::Kind::metric:
      expression_fields(r, r.metrics[static_cast<size_t>(n.ref)].root, out);
      return;
    case Node::Kind::classified: {
      const Reference& ref = r.references[static_cast<size_t>(n.ref)];
      if (!ref.target) return;
      for (const auto& p : ref.paragraphs)
        paragraph_fields(*ref.target, p, out);
      return;
    }
    default:
      expression_fields(r, n.lhs, out);
      expression_fields(r, n.rhs, out);
  }
}

// The fields a paragraph's truth reads: its control and the exclusions aimed at it.
void paragraph_fields(const Regime& r, const std::string& paragraph, std::set<FieldId>& out) {
  if (const Control* c = r.find_control(paragraph)) expression_fields(r, c->condition, out);
  for (const auto& x : r.exclusions) {
    if (Regime::aims_at(x, paragraph)) expression_fields(r, x.condition, out);
  }
}

}  // namespace

std::set<FieldId> Regime::fields_used() const {
  std::set<FieldId> out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    if (n.kind == Node::Kind::field || n.kind == Node::Kind::classified) {
      expression_fields(*this, static_cast<int>(i), out);
    }
  }
  return out;
}

std::string Destinations::text() const {
  std::string out = fmt::format("{}", fmt::join(names, ", "));
  if (!except_names.empty()) out += fmt::format(" except {}", fmt::join(except_names, ", "));
  return out;
}

bool LicenceRule::reaches(const std::string& to, const std::string& hq, DateKey date) const {
  const std::string& who = headquarters ? hq : to;
  if (who.empty() || !where.contains(who, date)) return false;
  if (!shipped_to.empty() && (to.empty() || !shipped_to.contains(to, date))) return false;
  return !(since && date && date < since);
}

Truth LicenceException::reaches(const std::string& to, const std::string& hq, DateKey date) const {
  if (since && date && date < since) return Truth::no;
  if (until && date && date >= until) return Truth::no;
  // An exception without destinations is available wherever a licence is required.
  Truth destination =
      where.empty() ? Truth::yes : truth_of(!to.empty() && where.contains(to, date));
  Truth headquartered = hq.empty() ? Truth::unknown : truth_of(headquarters.contains(hq, date));
  switch (hq_test) {
    case HqTest::none:
      return destination;
    case HqTest::either:
      return hq.empty() ? destination : truth_or(destination, headquartered);
    case HqTest::both:
      return truth_and(destination, headquartered);
    case HqTest::only:
      return headquartered;
    case HqTest::outside:
      return truth_and(destination, truth_not(headquartered));
  }
  return destination;
}

}  // namespace exctl::sema
