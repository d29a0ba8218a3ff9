#include "engine/report/regime_report.hpp"

#include <cctype>

#include <fmt/format.h>

#include "engine/eval/values.hpp"

namespace exctl::report {
namespace {

std::string source_text(const Span& s) {
  if (!s.has_file()) return "";
  std::string text = s.file->text().substr(s.begin, s.end - s.begin);
  std::string out;
  bool space = false;
  for (char c : text) {  // one line: runs of blanks become one space
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
    } else {
      if (space && !out.empty()) out += ' ';
      space = false;
      out += c;
    }
  }
  return out;
}

std::string where(const Span& s) {
  if (!s.has_file()) return "";
  return fmt::format("{}:{}", s.file->path(), s.file->position(s.begin).line);
}

}  // namespace

namespace {

// Whom the instrument binds when not every exporter: its addressees, or the class it names.
std::string binds(const sema::Regime& r) {
  if (!r.informed.empty()) return fmt::format("{}", fmt::join(r.informed, ", "));
  return r.applies_to;
}

}  // namespace

Table regime_table(const std::vector<sema::Regime>& regimes) {
  Table t({{"id", "ID"},
           {"status", "Status"},
           {"effective", "Effective"},
           {"compliance", "Compliance"},
           {"ends", "Ends"},
           {"extends", "Extends"},
           {"binds", "Binds"},
           {"title", "Title"},
           {"citation", "Citation", false, false}});
  for (const auto& r : regimes) {
    auto cell = [](const std::string& s) {
      return Cell{s.empty() ? "-" : s,
                  s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s)};
    };
    t.add_row({cell(r.id), cell(std::string(sema::status_name(r.status))),
               cell(sema::date_text(r.effective)), cell(sema::date_text(r.compliance)),
               cell(sema::date_text(r.ends)), cell(r.parent), cell(binds(r)), cell(r.title),
               cell(r.citation)});
  }
  return t;
}

nlohmann::ordered_json regime_json(const sema::Regime& regime) {
  const sema::Regime* r = &regime;
  nlohmann::ordered_json j;
  j["id"] = r->id;
  j["title"] = r->title;
  j["citation"] = r->citation;
  j["status"] = sema::status_name(r->status);
  j["effective"] = sema::date_text(r->effective);
  j["compliance"] = sema::date_text(r->compliance);
  j["ends"] = sema::date_text(r->ends);
  j["extends"] = r->parent;
  j["supersedes"] = r->supersedes;
  j["applies_to"] = r->applies_to;
  j["informed"] = r->informed;
  j["notes"] = r->notes;
  auto params = nlohmann::ordered_json::array();
  for (const auto& p : r->params) {
    params.push_back(
        {{"name", p.name}, {"value", p.value.exact_text()}, {"unit", sema::dim_name(p.dim)}});
  }
  j["params"] = params;
  auto clauses = nlohmann::ordered_json::array();
  for (const auto& c : r->controls) {
    clauses.push_back({{"kind", "control"},
                       {"id", c.paragraph},
                       {"text", source_text(c.span)},
                       {"cite", c.cite},
                       {"source", where(c.span)}});
  }
  for (const auto& x : r->exclusions) {
    clauses.push_back({{"kind", "exclude"},
                       {"id", x.note},
                       {"text", source_text(x.span)},
                       {"cite", x.cite},
                       {"source", where(x.span)}});
  }
  for (const auto& l : r->licences) {
    clauses.push_back({{"kind", "licence"},
                       {"id", ""},
                       {"text", source_text(l.span)},
                       {"cite", l.cite},
                       {"source", where(l.span)}});
  }
  for (const auto& x : r->exceptions) {
    clauses.push_back({{"kind", "exception"},
                       {"id", x.name},
                       {"text", source_text(x.span)},
                       {"cite", x.cite},
                       {"source", where(x.span)}});
  }
  j["clauses"] = clauses;
  return j;
}

std::string regime_text(const sema::Regime& regime) {
  const sema::Regime* r = &regime;
  std::string out = fmt::format("{}: {}\n", r->id, r->title);
  out += fmt::format("  citation    {}\n", r->citation);
  std::string window = r->effective ? fmt::format("effective {}", sema::date_text(r->effective))
                                    : "no effective date";
  if (r->compliance) window += fmt::format(", compliance due {}", sema::date_text(r->compliance));
  if (r->ends) window += fmt::format(", ends {}", sema::date_text(r->ends));
  out += fmt::format("  status      {} ({})\n", sema::status_name(r->status), window);
  if (!r->parent.empty()) out += fmt::format("  extends     {}\n", r->parent);
  if (!r->supersedes.empty()) out += fmt::format("  supersedes  {}\n", r->supersedes);
  if (!r->applies_to.empty()) out += fmt::format("  applies to  {}\n", r->applies_to);
  if (!r->informed.empty())
    out += fmt::format("  informed    {} (binds these exporters only)\n",
                       fmt::join(r->informed, ", "));
  for (const auto& n : r->notes)
    out += fmt::format("  note        {}\n", n);
  if (!r->params.empty()) {
    out += "\nParameters\n";
    for (const auto& p : r->params) {
      out += fmt::format("  {:<16} = {}\n", p.name, eval::format_value(p.value, p.dim));
    }
  }
  auto section = [&](const std::string& title, const auto& items, auto describe) {
    if (items.empty()) return;
    out += "\n" + title + "\n";
    for (const auto& item : items)
      out += describe(item);
  };
  auto inherited = [&](const std::string& from) {
    return from == r->id ? "" : fmt::format(" (from {})", from);
  };
  section("Controls", r->controls, [&](const sema::Control& c) {
    return fmt::format("  {}{}\n    {}\n    cite: {}  [{}]\n", c.paragraph, inherited(c.defined_in),
                       source_text(c.span), c.cite.empty() ? "-" : c.cite, where(c.span));
  });
  section("Exclusions", r->exclusions, [&](const sema::Exclusion& x) {
    return fmt::format("  {}{}\n    {}\n    cite: {}  [{}]\n", x.note, inherited(x.defined_in),
                       source_text(x.span), x.cite.empty() ? "-" : x.cite, where(x.span));
  });
  section("End items", r->propagations, [&](const sema::Propagation& p) {
    return fmt::format("  {} <- {}\n", p.item, fmt::join(p.sources, ", "));
  });
  section("Licence requirements", r->licences, [&](const sema::LicenceRule& l) {
    return fmt::format("  {}{}\n    cite: {}  [{}]\n", source_text(l.span), inherited(l.defined_in),
                       l.cite.empty() ? "-" : l.cite, where(l.span));
  });
  section("Licence exceptions", r->exceptions, [&](const sema::LicenceException& x) {
    return fmt::format("  {}{}\n    cite: {}  [{}]\n", source_text(x.span), inherited(x.defined_in),
                       x.cite.empty() ? "-" : x.cite, where(x.span));
  });
  section("Flags", r->flags, [&](const sema::Flag& f) {
    return fmt::format("  {}  [{}]\n", f.message, where(f.span));
  });
  return out;
}

}  // namespace exctl::report
