// `extends` and `classified ... under`: the regimes of the rule files in order, each
// chain resolved (unknown parents, cycles) and each regime built once, on demand, after
// the regimes it consults.
#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "engine/sema/builder.hpp"
#include "engine/sema/check.hpp"

namespace exctl::sema {
namespace {

using namespace syntax;
using detail::Builder;
using detail::RegimeResolver;

struct RegimeSource {
  const syntax::Regime* ast;
  SourcePtr file;
};

// ---- references between regimes ---------------------------------------------------------

// Every `classified ... under` written in one regime's own clauses.
class ReferenceCollector {
 public:
  std::vector<const Classified*> found;

  void items(const syntax::Regime& r) {
    for (const auto& item : r.items)
      boost::apply_visitor([&](const auto& x) { this->item(x); }, item);
  }

 private:
  void item(const Meta&) {}
  void item(const syntax::Param& p) { expr(p.value); }
  void item(const syntax::Metric& m) { expr(m.value); }
  void item(const syntax::Control& c) { expr(c.condition); }
  void item(const syntax::Exclude& e) { expr(e.condition); }
  void item(const syntax::Propagate&) {}
  void item(const syntax::Licence& l) {
    if (l.condition) expr(*l.condition);
  }
  void item(const syntax::Exception& e) {
    if (e.condition) expr(*e.condition);
    if (e.limit) expr(*e.limit);
  }
  void item(const syntax::Flag& f) { expr(f.condition); }
  void item(const syntax::Drop&) {}

  void expr(const Expr& e) {
    operand(e.first);
    for (const auto& op : e.rest)
      operand(op.operand);
  }
  void operand(const Operand& op) {
    boost::apply_visitor([&](const auto& x) { this->visit(x); }, op);
  }
  void visit(const Number&) {}
  void visit(const BoolLiteral&) {}
  void visit(const Name&) {}
  void visit(const Classified& c) { found.push_back(&c); }
  void visit(const x3::forward_ast<Not>& n) { operand(n.get().operand); }
  void visit(const x3::forward_ast<Expr>& e) { expr(e.get()); }
};

// Checks regimes on demand, each once: a regime consulted through `classified ... under`
// is checked before the regime that consults it.
class Checker : public RegimeResolver {
 public:
  Checker(const CountryGroups& groups, DiagnosticSink& sink) : groups_(groups), sink_(sink) {}

  void add(const std::vector<ParsedFile>& files) {
    for (const auto& f : files) {
      for (const auto& r : f.ast.regimes) {
        auto [it, inserted] = by_id_.emplace(r.id.text, RegimeSource{&r, f.source});
        if (!inserted) {
          auto first = it->second.file->position(it->second.ast->id.begin);
          sink_.report(
              {Severity::error,
               "E0403",
               fmt::format("regime '{}' is defined twice", r.id.text),
               Span{f.source, r.id.begin, r.id.end},
               {fmt::format("first defined at {}:{}", it->second.file->path(), first.line)}});
          continue;
        }
        order_.push_back(r.id.text);
      }
    }
  }

  // A regime that consults itself, directly, through others or through a regime that
  // extends it, cannot be evaluated: E0419 at each reference that closes such a cycle.
  void find_cycles() {
    std::map<std::string, std::vector<std::pair<std::string, std::string>>>
        edges;  // id -> (next, how)
    std::map<std::string, std::vector<const Classified*>> refs;
    for (const auto& id : order_) {
      const RegimeSource& src = by_id_.at(id);
      if (src.ast->parent) edges[id].push_back({src.ast->parent->text, "extends"});
      ReferenceCollector collect;
      collect.items(*src.ast);
      refs[id] = collect.found;
      for (const auto* c : collect.found)
        edges[id].push_back({c->regime.text, "consults"});
    }
    for (const auto& id : order_) {
      const RegimeSource& src = by_id_.at(id);
      for (const auto* c : refs[id]) {
        if (!by_id_.count(c->regime.text)) continue;
        // Breadth-first from the regime consulted back to this one.
        std::map<std::string, std::pair<std::string, std::string>>
            came_from;  // node -> (previous, how)
        std::vector<std::string> queue = {c->regime.text};
        came_from[c->regime.text] = {id, "consults"};
        bool found = c->regime.text == id;
        for (size_t i = 0; i < queue.size() && !found; ++i) {
          for (const auto& [next, how] : edges[queue[i]]) {
            if (came_from.count(next)) continue;
            came_from[next] = {queue[i], how};
            if (next == id) {
              found = true;
              break;
            }
            queue.push_back(next);
          }
        }
        if (!found) continue;
        std::vector<std::string> path = {id}, notes;
        for (std::string at = id;;) {
          const auto& [previous, how] = came_from.at(at);
          notes.push_back(fmt::format("'{}' {} '{}'", previous, how, at));
          path.push_back(previous);
          if (previous == id) break;
          at = previous;
        }
        std::reverse(path.begin(), path.end());
        std::reverse(notes.begin(), notes.end());
        path.back() = id;
        sink_.report({Severity::error, "E0419",
                      fmt::format("regime '{}' consults itself: {}", id, fmt::join(path, " -> ")),
                      Span{src.file, c->regime.begin, std::max(c->regime.end, c->regime.begin + 1)},
                      notes});
        cyclic_.insert(id);
      }
    }
  }

  std::vector<Regime> run() {
    std::vector<Regime> out;
    for (const auto& id : order_) {
      if (auto r = resolve(id)) out.push_back(*r);
    }
    return out;
  }

  bool exists(const std::string& id) const override { return by_id_.count(id) > 0; }
  std::vector<std::string> ids() const override { return order_; }

  std::shared_ptr<const Regime> resolve(const std::string& id) override {
    if (auto it = built_.find(id); it != built_.end()) return it->second;
    if (!by_id_.count(id) || in_progress_.count(id))
      return nullptr;  // a cycle, reported by find_cycles
    in_progress_.insert(id);
    auto r = build(id);
    in_progress_.erase(id);
    built_[id] = r;
    return r;
  }

 private:
  std::shared_ptr<const Regime> build(const std::string& id) {
    const RegimeSource& src = by_id_.at(id);
    // The ancestry, root first; an unknown or circular parent is an error here.
    std::vector<const RegimeSource*> chain = {&src};
    while (chain.back()->ast->parent) {
      const Name& parent = *chain.back()->ast->parent;
      auto it = by_id_.find(parent.text);
      Span where{chain.back()->file, parent.begin, parent.end};
      if (it == by_id_.end()) {
        if (chain.size() == 1)
          sink_.error("E0401",
                      fmt::format("regime '{}' extends unknown regime '{}'", id, parent.text),
                      where);
        return nullptr;
      }
      if (std::find(chain.begin(), chain.end(), &it->second) != chain.end()) {
        if (&it->second == &src) {  // the cycle runs through this regime: report it here
          std::vector<std::string> path;
          for (const auto* r : chain)
            path.push_back(r->ast->id.text);
          path.push_back(id);
          Span own{src.file, src.ast->parent->begin, src.ast->parent->end};
          sink_.error("E0402",
                      fmt::format("regime '{}' extends itself: {}", id, fmt::join(path, " -> ")),
                      own);
        }
        return nullptr;
      }
      chain.push_back(&it->second);
    }
    std::reverse(chain.begin(), chain.end());

    auto regime = std::make_shared<Regime>();
    regime->id = id;
    regime->span = Span{src.file, src.ast->id.begin, src.ast->id.end};
    regime->embargoes = embargo_rules(groups_);
    if (src.ast->parent) regime->parent = src.ast->parent->text;
    Builder builder(*regime, groups_, *this);
    DiagnosticSink own, inherited;
    for (size_t level = 0; level < chain.size(); ++level) {
      const RegimeSource* r = chain[level];
      bool is_own = r == &src;
      builder.add_items(*r->ast, r->file, is_own ? own : inherited, is_own,
                        static_cast<int>(level));
    }
    if (!builder.status_seen()) {
      own.report({Severity::error,
                  "E0414",
                  fmt::format("regime '{}' has no status", id),
                  regime->span,
                  {"add e.g. 'status in_force' or 'status draft'"}});
    }
    if (regime->compliance && regime->compliance < regime->effective) {
      own.report(
          {Severity::error,
           "E0425",
           fmt::format("regime '{}' has a compliance date ({}) before its effective date ({})", id,
                       date_text(regime->compliance), date_text(regime->effective)),
           regime->span,
           {"a compliance date is when enforcement of an effective rule begins"}});
    }
    bool ok =
        !own.has_errors() && !inherited.has_errors() && !builder.broken() && !cyclic_.count(id);
    sink_.merge(own);  // an ancestor's own errors are reported when the ancestor is checked
    if (!ok) return nullptr;
    return regime;
  }

  const CountryGroups& groups_;
  DiagnosticSink& sink_;
  std::map<std::string, RegimeSource> by_id_;
  std::vector<std::string> order_;
  std::set<std::string> cyclic_, in_progress_;
  std::map<std::string, std::shared_ptr<const Regime>> built_;
};

}  // namespace

std::vector<Regime> check(const std::vector<ParsedFile>& files, const CountryGroups& groups,
                          DiagnosticSink& sink) {
  Checker checker(groups, sink);
  checker.add(files);
  checker.find_cycles();
  return checker.run();
}

}  // namespace exctl::sema
