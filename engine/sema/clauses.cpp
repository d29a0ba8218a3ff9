// Clauses: each item of a regime's text into the regime it extends (overrides, drops).
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "engine/sema/builder.hpp"

namespace exctl::sema::detail {

using namespace syntax;

void Builder::add_items(const syntax::Regime& ast, const SourcePtr& file, DiagnosticSink& sink,
                        bool own, int level) {
  file_ = file;
  level_ = level;
  sink_ = &sink;
  owner_ = ast.id.text;
  own_ = own;
  own_paragraphs_.clear();
  for (const auto& item : ast.items)
    boost::apply_visitor([&](const auto& x) { this->item(x); }, item);
  fold();
}

void Builder::item(const Meta& m) {
  if (!own_) return;  // metadata is not inherited
  Span where = span(m);
  if (m.key == "title")
    out_.title = m.value;
  else if (m.key == "citation")
    out_.citation = m.value;
  else if (m.key == "note")
    out_.notes.push_back(m.value);
  else if (m.key == "applies_to")
    out_.applies_to = m.value;
  else if (m.key == "informed")
    out_.informed.push_back(m.value);
  else if (m.key == "supersedes")
    out_.supersedes = m.value;
  else if (m.key == "status") {
    if (auto s = status_from_name(m.value))
      out_.status = *s, status_seen_ = true;
    else
      error("E0411", fmt::format("unknown status '{}'", m.value), where,
            {"status is one of in_force, superseded, rescinded, draft, reported, proposed"});
  } else if (m.key == "effective" || m.key == "ends" || m.key == "compliance") {
    auto d = parse_date(m.value);
    if (!d)
      error("E0410", fmt::format("'{}' is not a valid date", m.value), where);
    else
      (m.key == "effective" ? out_.effective : m.key == "ends" ? out_.ends : out_.compliance) = *d;
  }
}

void Builder::item(const syntax::Param& p) {
  poisoned_ = false;
  int existing = out_.find_param(p.name.text);
  bool overrides = existing >= 0 && !(own_ && !inherited_param(existing));
  overriding_ = overrides ? existing : -1;
  int root = compile(p.value);
  overriding_ = -1;
  const Node& n = out_.nodes[root];
  // Its value as it stands, for what is checked before the chain is folded (E0407's note).
  Rational value = current_value(out_, root).value_or(Rational(0));
  if (!is_constant(out_, root)) {
    if (!poisoned_)
      error("E0415",
            fmt::format("parameter '{}' must be a constant (numbers, units and other parameters)",
                        p.name.text),
            span(p.value));
    // Known by name from here on, so that its uses do not each report it again; a regime
    // with errors is never evaluated, so the placeholder value is never read.
    if (existing < 0) define_param({p.name.text, 0, n.dim, span(p), root});
    return;
  }
  if (existing >= 0) {
    Param& old = out_.params[existing];
    if (!overrides) {
      error("E0416", fmt::format("parameter '{}' is defined twice", p.name.text), span(p.name));
      return;
    }
    if (!(old.dim == n.dim)) {
      error("E0405",
            fmt::format("parameter '{}' overrides a value in {} with one in {}", p.name.text,
                        dim_name(old.dim).empty() ? "no unit" : dim_name(old.dim),
                        dim_name(n.dim).empty() ? "no unit" : dim_name(n.dim)),
            span(p.value));
      return;
    }
    // The expression is replaced; the chain's fold gives it, and what derives from it, a
    // value.
    old.root = root;
    old.value = value;
    old.span = span(p);
    param_level_[existing] = level_;
    if (own_) own_params_.insert(existing);
    return;
  }
  define_param({p.name.text, value, n.dim, span(p), root});
}

void Builder::define_param(Param p) {
  out_.params.push_back(std::move(p));
  param_level_.push_back(level_);
  if (own_) own_params_.insert(static_cast<int>(out_.params.size()) - 1);
}

bool Builder::inherited_param(int index) const {
  return !own_params_.count(index);
}

void Builder::item(const syntax::Metric& m) {
  poisoned_ = false;
  int root = compile(m.value);
  const Node& n = out_.nodes[root];
  sema::Metric metric{m.name.text, root, n.dim, n.is_bool, span(m)};
  for (auto& existing : out_.metrics) {
    if (existing.name == m.name.text) {
      existing = metric;  // a child regime redefines the metric
      return;
    }
  }
  if (find_field(m.name.text)) {
    error("E0416", fmt::format("metric '{}' has the name of a chip field", m.name.text),
          span(m.name));
    return;
  }
  out_.metrics.push_back(metric);
}

void Builder::item(const syntax::Control& c) {
  if (own_ && !own_paragraphs_.insert("control " + c.paragraph).second) {
    error("E0409", fmt::format("paragraph '{}' is defined twice in this regime", c.paragraph),
          span(c));
    return;
  }
  sema::Control control{c.paragraph, condition(c.condition), c.cite, owner_, span(c)};
  for (auto& existing : out_.controls) {
    if (existing.paragraph == c.paragraph) {
      existing = control;  // override of an inherited paragraph
      return;
    }
  }
  out_.controls.push_back(control);
}

bool Builder::known_paragraph(const std::string& p) const {
  return std::any_of(out_.controls.begin(), out_.controls.end(),
                     [&](const auto& c) { return c.paragraph == p; });
}

bool Builder::check_targets(const std::vector<std::string>& targets, const Span& where) {
  bool ok = true;
  for (const auto& t : targets) {
    if (t != "*" && !known_paragraph(t)) {
      error("E0413", fmt::format("'{}' is not a paragraph this regime controls", t), where);
      ok = false;
    }
  }
  return ok;
}

void Builder::item(const syntax::Exclude& e) {
  if (own_ && !own_paragraphs_.insert("exclude " + e.note).second) {
    error("E0409", fmt::format("exclusion '{}' is defined twice in this regime", e.note), span(e));
    return;
  }
  check_targets(e.targets, span(e));
  Exclusion x{e.note, e.targets, condition(e.condition), e.cite, owner_, span(e)};
  for (auto& existing : out_.exclusions) {
    if (existing.note == e.note) {
      existing = x;
      return;
    }
  }
  out_.exclusions.push_back(x);
}

void Builder::item(const syntax::Propagate& p) {
  check_targets(p.sources, span(p));
  out_.propagations.push_back({p.item, p.sources});
}

Destinations Builder::destinations(const std::vector<Name>& names,
                                   const std::vector<Name>& except) {
  Destinations d;
  for (const auto& n : names) {
    d.names.push_back(n.text);
    if (n.text == "worldwide") {
      d.worldwide = true;
      continue;
    }
    if (auto members = groups_.expand(n.text))
      d.countries.insert(*members);
    else
      unknown_group(n);
  }
  for (const auto& n : except) {
    d.except_names.push_back(n.text);
    if (auto members = groups_.expand(n.text))
      d.except_countries.insert(*members);
    else
      unknown_group(n);
  }
  return d;
}

void Builder::unknown_group(const Name& n) {
  std::vector<std::string> names;
  for (const auto& [name, g] : groups_.groups())
    names.push_back(name);
  error("E0412", fmt::format("unknown country group '{}'", n.text), span(n),
        {fmt::format("groups: {}; 'worldwide'; or an ISO 3166 country code",
                     fmt::join(names, ", "))});
}

std::vector<std::string> Builder::strip_any(const std::vector<std::string>& targets) {
  if (targets.size() == 1 && targets[0] == "*") return {};
  return targets;
}

void Builder::item(const syntax::Licence& l) {
  check_targets(l.targets, span(l));
  LicenceRule rule;
  rule.targets = strip_any(l.targets);
  rule.headquarters = l.headquarters;
  rule.where = destinations(l.groups, l.except_groups);
  rule.shipped_to = destinations(l.shipped_to, {});
  if (!l.policy.empty()) {
    if (auto p = policy_from_name(l.policy))
      rule.policy = *p;
    else
      error("E0411", fmt::format("unknown review policy '{}'", l.policy), span(l),
            {"policy is one of presumption_of_denial, case_by_case, presumption_of_approval"});
  }
  if (!l.since.empty()) {
    if (auto d = parse_date(l.since))
      rule.since = *d;
    else
      error("E0410", fmt::format("'{}' is not a valid date", l.since), span(l));
  }
  if (l.condition) rule.condition = condition(*l.condition);
  rule.cite = l.cite;
  rule.defined_in = owner_;
  rule.level = level_;
  rule.span = span(l);
  out_.licences.push_back(std::move(rule));
}

void Builder::item(const syntax::Exception& e) {
  check_targets(e.targets, span(e));
  LicenceException x;
  x.name = e.name.text;
  x.targets = strip_any(e.targets);
  x.where = destinations(e.where.groups, e.where.except_groups);
  if (const auto& h = e.where.headquarters) {
    x.hq_test = h->outside         ? HqTest::outside
                : h->join == "or"  ? HqTest::either
                : h->join == "and" ? HqTest::both
                                   : HqTest::only;
    if (h->outside && h->join == "or") {
      error("E0426", "'or headquarters outside' is not a test: write 'and headquarters outside'",
            span(e));
    }
    x.headquarters = destinations(h->groups, h->except_groups);
  }
  if (e.condition) x.condition = condition(*e.condition);
  if (e.limit) {
    poisoned_ = false;
    int root = compile(*e.limit);
    x.limit_root = root;
    x.limit = current_value(out_, root);  // folded with the chain's parameters by fold()
    x.limit_dim = out_.nodes[root].dim;
    if (!is_constant(out_, root))
      error("E0415", "an exception's limit must be a constant", span(*e.limit));
  }
  x.per = e.per;
  if (!e.since.empty()) {
    if (auto d = parse_date(e.since))
      x.since = *d;
    else
      error("E0410", fmt::format("'{}' is not a valid date", e.since), span(e));
  }
  if (!e.until.empty()) {
    if (auto d = parse_date(e.until))
      x.until = *d;
    else
      error("E0410", fmt::format("'{}' is not a valid date", e.until), span(e));
  }
  x.cite = e.cite;
  x.defined_in = owner_;
  x.span = span(e);
  out_.exceptions.push_back(std::move(x));
}

void Builder::item(const syntax::Flag& f) {
  out_.flags.push_back({f.message, condition(f.condition), span(f)});
}

void Builder::item(const syntax::Drop& d) {
  auto it = std::find_if(out_.controls.begin(), out_.controls.end(),
                         [&](const auto& c) { return c.paragraph == d.paragraph; });
  if (it == out_.controls.end()) {
    error("E0413",
          fmt::format("cannot drop '{}': no inherited paragraph has that name", d.paragraph),
          span(d));
    return;
  }
  out_.controls.erase(it);
  // Removes the paragraph from a target list; true when that emptied a list that named
  // paragraphs (an empty list means "any", so such a clause goes too).
  auto remove_target = [&](std::vector<std::string>& targets) {
    bool had = !targets.empty();
    targets.erase(std::remove(targets.begin(), targets.end(), d.paragraph), targets.end());
    return had && targets.empty();
  };
  std::erase_if(out_.exclusions, [&](auto& x) { return remove_target(x.targets); });
  std::erase_if(out_.licences, [&](auto& l) { return remove_target(l.targets); });
  std::erase_if(out_.exceptions, [&](auto& x) { return remove_target(x.targets); });
  std::erase_if(out_.propagations, [&](auto& p) { return remove_target(p.sources); });
}

}  // namespace exctl::sema::detail
