#include "chipdb/envelope.hpp"

#include <set>

#include <fmt/format.h>

#include "engine/base/toml_reader.hpp"

namespace exctl::chipdb {
namespace {

constexpr TomlFileKind kEnvelopeKind{"E0701", "E0702", "E0703", "E0704", "E0705", "E0706"};
const std::set<std::string_view> kTopLevel = {"year", "notes"};

Provenance read_provenance(TableReader& r) {
  Provenance p;
  p.present = true;
  p.source = r.string("source", true, "where the values come from").value_or("");
  if (auto c = r.string("confidence", true)) {
    if (auto conf = confidence_from_name(*c))
      p.confidence = *conf;
    else
      r.file().error(
          "E0706",
          fmt::format("'{}' must be high, medium or low, found '{}'", r.path("confidence"), *c),
          r.span(*r.take("confidence")));
  }
  p.notes = r.string("notes").value_or("");
  if (p.source.empty() && r.has("source"))
    r.file().error("E0706", fmt::format("'{}' is empty: give the source", r.path("source")),
                   r.span(*r.take("source")));
  return p;
}

// A required number above zero (a zero reticle or bandwidth is no envelope).
Rational positive(TableReader& r, std::string_view key) {
  auto v = r.number(key);
  if (!v) {
    if (!r.has(key)) r.missing(key);
    return Rational(0);
  }
  if (*v == Rational(0))
    r.file().error("E0705", fmt::format("'{}' must be above zero", r.path(key)),
                   r.span(*r.take(key)));
  return *v;
}

}  // namespace

std::optional<Envelope> parse_envelope(const SourcePtr& source, DiagnosticSink& sink) {
  TomlFile file(source, sink, kEnvelopeKind);
  const toml::table* root = file.parse();
  if (!root) return std::nullopt;
  Envelope e;
  e.origin_file = source->path();
  TableReader top = file.reader(*root, &kTopLevel);
  e.year = top.integer("year", 1990, 2100, true).value_or(0);
  e.notes = top.string("notes").value_or("");

  if (const toml::table* t = top.table("die")) {
    TableReader r = top.child(*t, "die");
    e.reticle_mm2 = positive(r, "reticle_mm2");
    e.max_dies = r.integer("max_dies", 1, 64, true).value_or(1);
    e.transistors_million_per_mm2 = positive(r, "transistors_million_per_mm2");
    e.die = read_provenance(r);
    r.finish();
  } else if (!top.has("die")) {
    top.missing("die");
  }

  const toml::array* nodes = top.tables("node");
  if (!nodes && !top.has("node")) top.missing("node");
  for (size_t i = 0; nodes && i < nodes->size(); ++i) {
    const toml::table* t = (*nodes)[i].as_table();
    if (!t) continue;
    TableReader r = top.child(*t, fmt::format("node[{}]", i));
    EnvelopeNode n;
    n.name = r.string("name", true).value_or("");
    n.fp16_tflops_per_mm2 = positive(r, "fp16_tflops_per_mm2");
    n.fp8_ratio = r.number("fp8_ratio").value_or(Rational(0));
    n.fp4_ratio = r.number("fp4_ratio").value_or(Rational(0));
    if (n.fp4_ratio > Rational(0) && n.fp4_ratio < n.fp8_ratio)
      r.file().error("E0706",
                     fmt::format("'{}' is below '{}': FP4 runs at least as fast as FP8",
                                 r.path("fp4_ratio"), r.path("fp8_ratio")),
                     r.span(*r.take("fp4_ratio")));
    n.provenance = read_provenance(r);
    r.finish();
    e.nodes.push_back(std::move(n));
  }

  const toml::array* memories = top.tables("memory");
  if (!memories && !top.has("memory")) top.missing("memory");
  for (size_t i = 0; memories && i < memories->size(); ++i) {
    const toml::table* t = (*memories)[i].as_table();
    if (!t) continue;
    TableReader r = top.child(*t, fmt::format("memory[{}]", i));
    EnvelopeMemory m;
    m.name = r.string("name", true).value_or("");
    std::string kind = r.string("kind", true).value_or("hbm");
    if (kind != "hbm" && kind != "gddr")
      r.file().error("E0706",
                     fmt::format("'{}' must be hbm or gddr, found '{}'", r.path("kind"), kind),
                     r.span(*r.take("kind")));
    m.hbm = kind != "gddr";
    if (m.hbm) {
      m.stack_bandwidth_gbps = positive(r, "stack_bandwidth_gbps");
      m.stack_capacity_gb = positive(r, "stack_capacity_gb");
      m.min_stacks = r.integer("min_stacks", 1, 64).value_or(1);
      m.max_stacks = r.integer("max_stacks", 1, 64, true).value_or(1);
      if (m.max_stacks < m.min_stacks)
        r.file().error("E0706",
                       fmt::format("'{}' is {}, below 'min_stacks' {}", r.path("max_stacks"),
                                   m.max_stacks, m.min_stacks),
                       r.span(*r.take("max_stacks")));
    } else {
      m.bandwidth_gbps = positive(r, "bandwidth_gbps");
      m.capacity_gb = positive(r, "capacity_gb");
    }
    m.provenance = read_provenance(r);
    r.finish();
    e.memories.push_back(std::move(m));
  }

  if (const toml::table* t = top.table("interconnect")) {
    TableReader r = top.child(*t, "interconnect");
    e.chip_to_chip_gbps = r.number("chip_to_chip_gbps").value_or(Rational(0));
    if (!r.has("chip_to_chip_gbps")) r.missing("chip_to_chip_gbps");
    e.host_link_gbps = positive(r, "host_link_gbps");
    e.interconnect = read_provenance(r);
    r.finish();
  } else if (!top.has("interconnect")) {
    top.missing("interconnect");
  }

  if (const toml::table* t = top.table("power")) {
    TableReader r = top.child(*t, "power");
    e.tdp_w = positive(r, "tdp_w");
    e.power = read_provenance(r);
    r.finish();
  } else if (!top.has("power")) {
    top.missing("power");
  }
  if (nodes && e.nodes.empty())
    file.error("E0702", "an envelope needs at least one [[node]]", top.span(*top.take("node")));
  if (memories && e.memories.empty())
    file.error("E0702", "an envelope needs at least one [[memory]]", top.span(*top.take("memory")));
  top.finish();
  if (file.errors() > 0) return std::nullopt;
  return e;
}

}  // namespace exctl::chipdb
