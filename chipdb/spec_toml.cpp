#include "chipdb/spec_toml.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "engine/base/date.hpp"
#include "engine/base/files.hpp"
#include "engine/base/text.hpp"
#include "engine/base/toml_reader.hpp"

namespace exctl::chipdb {
namespace {

namespace fs = std::filesystem;

// An array of strings, empty when the key is absent (or was reported).
std::vector<std::string> list(TableReader& r, std::string_view key) {
  return r.strings(key).value_or(std::vector<std::string>());
}

// ---- ranges: `<key>_range = { low = .., high = .., source = ".." }` beside a value ----

constexpr std::string_view kRangeSuffix = "_range";

bool is_range_key(std::string_view key) {
  return key.size() >= kRangeSuffix.size() &&
         key.substr(key.size() - kRangeSuffix.size()) == kRangeSuffix;
}

// Reads the range of the value `key` (already read as `value`), if the table has one. The
// bounds are read as the value is (exact, finite, not negative, within the spec limits;
// above zero when `positive`); the range must hold the value. Reports and returns nullopt
// on any problem.
std::optional<ValueRange> read_range(TableReader& r, std::string_view key,
                                     const std::optional<Rational>& value, bool positive = false) {
  const std::string name = std::string(key) + std::string(kRangeSuffix);
  auto it = r.table().find(name);
  if (it == r.table().end()) return std::nullopt;
  // The key's text lives in the TOML tree, which outlives the reader.
  const toml::node* node = r.take(it->first.str());
  Span key_span = r.file().span(it->first.source());
  const std::string path = r.path(name);
  const toml::table* table = node->as_table();
  if (!table) {
    r.type_error(name, *node, "an inline table { low = .., high = .., source = \"..\" }");
    return std::nullopt;
  }
  TableReader rr = r.child(*table, path);
  size_t errors = r.file().errors();
  std::optional<Rational> low = rr.number("low"), high = rr.number("high");
  for (std::string_view bound : {"low", "high"})
    if (!rr.has(bound)) rr.missing(bound);
  auto source = rr.string("source", true);
  rr.finish();
  if (positive) {
    if (low && *low == 0) {
      r.file().error("E0206", fmt::format("'{}' must be positive", rr.path("low")),
                     rr.span(*rr.take("low")));
      low.reset();
    }
  }
  if (!value) {
    // A value that was given but could not be read is reported already.
    if (!r.has(key)) {
      r.file().error(
          "E0212", fmt::format("'{}' has no value beside it: '{}' is not given", path, r.path(key)),
          key_span, {"a range goes beside the value it qualifies, in the same table"});
    }
    return std::nullopt;
  }
  if (r.file().errors() != errors || !low || !high || !source) return std::nullopt;
  if (*low > *high) {
    r.file().error("E0213",
                   fmt::format("'{}' is reversed: low {} is above high {}", path, low->exact_text(),
                               high->exact_text()),
                   r.span(*node));
    return std::nullopt;
  }
  if (*value < *low || *value > *high) {
    r.file().error(
        "E0214",
        fmt::format("'{}' does not contain the value: '{}' is {}, outside {} to {}", path,
                    r.path(key), value->exact_text(), low->exact_text(), high->exact_text()),
        r.span(*node), {"a range holds its value: low <= value <= high"});
    return std::nullopt;
  }
  return ValueRange{*low, *high, *source, r.span(*node)};
}

// Reports every `*_range` key of the table that no value of it can take (`rangeable` lists
// those that can, each already read with read_range), and marks it known so that it is not
// reported again as an unknown key.
void reject_stray_ranges(TableReader& r, const std::vector<std::string_view>& rangeable) {
  for (auto&& [k, node] : r.table()) {
    std::string_view name = k.str();
    if (!is_range_key(name)) continue;
    std::string_view base = name.substr(0, name.size() - kRangeSuffix.size());
    if (std::find(rangeable.begin(), rangeable.end(), base) != rangeable.end()) continue;
    r.take(name);
    std::vector<std::string> notes;
    std::string best;
    size_t best_distance = 3;
    for (std::string_view candidate : rangeable) {
      size_t d = edit_distance(base, candidate);
      if (d < best_distance) {
        best_distance = d;
        best = std::string(candidate);
      }
    }
    if (!best.empty()) notes.push_back(fmt::format("did you mean '{}_range'?", r.path(best)));
    notes.push_back(rangeable.empty() ? std::string("no value of this table takes a range")
                                      : fmt::format("the values of this table that take one: {}",
                                                    fmt::join(rangeable, ", ")));
    r.file().error("E0211", fmt::format("'{}': '{}' cannot take a range", r.path(name), base),
                   r.file().span(k.source()), std::move(notes));
  }
}

// Top-level keys, for the hint when one turns up inside a [table].
const std::set<std::string_view> kTopLevel = {"id",   "vendor",     "name",         "aliases",
                                              "year", "datacenter", "us_available", "origin",
                                              "kind", "status"};

// Reads source/confidence/estimated/notes of a group; `keys` are the group's value keys,
// which `estimated` may name.
Provenance read_provenance(TableReader& r, const std::vector<std::string_view>& keys) {
  Provenance p;
  p.present = true;
  p.source = r.string("source", true).value_or("");
  if (auto c = r.string("confidence", true)) {
    if (auto conf = confidence_from_name(*c))
      p.confidence = *conf;
    else
      r.sink().error(
          "E0207",
          fmt::format("'{}' must be high, medium or low, found '{}'", r.path("confidence"), *c),
          r.span(*r.take("confidence")));
  }
  p.notes = r.string("notes").value_or("");
  p.estimated = list(r, "estimated");
  for (const auto& key : p.estimated) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      r.sink().error("E0207",
                     fmt::format("'{}' names '{}', which is not a value of this table",
                                 r.path("estimated"), key),
                     r.span(*r.take("estimated")));
    }
  }
  return p;
}

std::vector<std::string_view> precision_keys() {
  std::vector<std::string_view> keys;
  for (Precision p : kAllPrecisions)
    keys.push_back(precision_key(p));
  return keys;
}

// Reads the precision keys and `sparse` of one processing unit; true if any figure given.
bool read_unit(TableReader& r, ProcessingUnit& unit) {
  bool any = false;
  for (Precision p : kAllPrecisions) {
    auto i = static_cast<size_t>(p);
    if (auto v = r.number(precision_key(p))) {
      unit.peak[i] = *v;
      any = true;
    }
    unit.peak_range[i] = read_range(r, precision_key(p), unit.peak[i]);
  }
  reject_stray_ranges(r, precision_keys());
  for (const auto& key : list(r, "sparse")) {
    auto p = precision_from_key(key);
    Span where = r.span(*r.take("sparse"));
    if (!p) {
      r.sink().error(
          "E0207", fmt::format("'{}' names '{}', which is not a precision", r.path("sparse"), key),
          where);
    } else if (!unit.at(*p) && !r.has(key)) {  // a figure that failed to parse was reported already
      r.sink().error("E0207",
                     fmt::format("'{}' names '{}', which has no figure", r.path("sparse"), key),
                     where);
    } else {
      unit.sparse[static_cast<size_t>(*p)] = true;
    }
  }
  return any;
}

void read_compute(TableReader& r, Chip& chip) {
  auto keys = precision_keys();
  chip.compute = read_provenance(r, keys);
  ProcessingUnit direct;
  bool has_direct = read_unit(r, direct);
  const toml::array* units = r.tables("unit");
  if (units && has_direct) {
    r.sink().error(
        "E0208",
        "'compute' has both precision keys and [[compute.unit]] tables; use one or the other",
        r.table_span());
  }
  if (units) {
    chip.explicit_units = true;
    for (size_t i = 0; i < units->size(); ++i) {
      TableReader ur = r.child(*units->get(i)->as_table(), fmt::format("compute.unit[{}]", i));
      ProcessingUnit unit;
      unit.name = ur.string("name", true).value_or("");
      if (!read_unit(ur, unit)) {
        r.sink().error("E0202", fmt::format("'compute.unit[{}]' gives no throughput figure", i),
                       ur.table_span());
      }
      ur.finish();
      chip.units.push_back(std::move(unit));
    }
  } else if (has_direct) {
    chip.units.push_back(std::move(direct));
  }
}

void read_memory(TableReader& r, Chip& chip) {
  chip.memory = read_provenance(r, {"type", "capacity_gb", "bandwidth_gbps"});
  chip.memory_type = r.string("type").value_or("");
  chip.memory_gb = r.number("capacity_gb");
  chip.memory_gb_range = read_range(r, "capacity_gb", chip.memory_gb);
  chip.memory_bandwidth_gbps = r.number("bandwidth_gbps");
  chip.memory_bandwidth_range = read_range(r, "bandwidth_gbps", chip.memory_bandwidth_gbps);
  reject_stray_ranges(r, {"capacity_gb", "bandwidth_gbps"});
}

void read_interconnect(TableReader& r, Chip& chip) {
  chip.interconnect = read_provenance(
      r, {"chip_to_chip_gbps", "chip_to_chip_name", "host_link_gbps", "host_link_name"});
  chip.chip_to_chip_gbps = r.number("chip_to_chip_gbps");
  chip.chip_to_chip_name = r.string("chip_to_chip_name").value_or("");
  chip.host_link_gbps = r.number("host_link_gbps");
  chip.host_link_name = r.string("host_link_name").value_or("");
  chip.chip_to_chip_range = read_range(r, "chip_to_chip_gbps", chip.chip_to_chip_gbps);
  chip.host_link_range = read_range(r, "host_link_gbps", chip.host_link_gbps);
  reject_stray_ranges(r, {"chip_to_chip_gbps", "host_link_gbps"});
}

void read_silicon(TableReader& r, Chip& chip) {
  chip.silicon = read_provenance(r, {"transistors_billion"});
  chip.transistors_billion = r.number("transistors_billion");
  chip.transistors_range = read_range(r, "transistors_billion", chip.transistors_billion);
  reject_stray_ranges(r, {"transistors_billion"});
  const toml::array* dies = r.tables("die");
  if (!dies) return;
  for (size_t i = 0; i < dies->size(); ++i) {
    TableReader dr = r.child(*dies->get(i)->as_table(), fmt::format("silicon.die[{}]", i));
    Die die;
    die.name = dr.string("name", true).value_or("");
    if (auto role = dr.string("role")) {
      if (auto parsed = die_role_from_name(*role))
        die.role = *parsed;
      else
        r.sink().error(
            "E0207",
            fmt::format("'{}' must be compute, io or cache, found '{}'", dr.path("role"), *role),
            dr.span(*dr.take("role")));
    }
    die.count = static_cast<int>(dr.integer("count", 1, 1000).value_or(1));
    die.area_mm2 = dr.number("area_mm2");
    if (die.area_mm2 && *die.area_mm2 == 0) {
      r.sink().error("E0206", fmt::format("'{}' must be positive", dr.path("area_mm2")),
                     dr.span(*dr.take("area_mm2")));
      die.area_mm2.reset();
    }
    die.area_range = read_range(dr, "area_mm2", die.area_mm2, true);
    reject_stray_ranges(dr, {"area_mm2"});
    die.process = dr.string("process").value_or("");
    die.planar = dr.boolean("planar").value_or(false);
    die.estimated = list(dr, "estimated");
    for (const auto& key : die.estimated) {
      if (key != "area_mm2" && key != "count" && key != "process") {
        r.sink().error("E0207",
                       fmt::format("'{}' names '{}', which is not a value of this die",
                                   dr.path("estimated"), key),
                       dr.span(*dr.take("estimated")));
      }
    }
    dr.finish();
    chip.dies.push_back(std::move(die));
  }
}

void read_power(TableReader& r, Chip& chip) {
  chip.power = read_provenance(r, {"tdp_w"});
  chip.tdp_w = r.number("tdp_w");
  chip.tdp_range = read_range(r, "tdp_w", chip.tdp_w);
  reject_stray_ranges(r, {"tdp_w"});
}

void read_hbm(TableReader& r, Chip& chip) {
  chip.hbm = read_provenance(r, {"stacks", "stack_bandwidth_gbps", "stack_footprint_mm2"});
  if (auto s = r.integer("stacks", 1, 64)) chip.hbm_stacks = static_cast<int>(*s);
  chip.hbm_stack_bandwidth_gbps = r.number("stack_bandwidth_gbps");
  chip.hbm_stack_footprint_mm2 = r.number("stack_footprint_mm2");
  chip.hbm_stack_bandwidth_range =
      read_range(r, "stack_bandwidth_gbps", chip.hbm_stack_bandwidth_gbps);
  chip.hbm_stack_footprint_range =
      read_range(r, "stack_footprint_mm2", chip.hbm_stack_footprint_mm2);
  reject_stray_ranges(r, {"stack_bandwidth_gbps", "stack_footprint_mm2"});
}

using GroupReader = void (*)(TableReader&, Chip&);
constexpr std::pair<std::string_view, GroupReader> kGroups[] = {
    {"compute", read_compute}, {"memory", read_memory}, {"interconnect", read_interconnect},
    {"silicon", read_silicon}, {"power", read_power},   {"hbm", read_hbm},
};

}  // namespace

std::optional<Chip> parse_chip_spec(const SourcePtr& file, DiagnosticSink& sink) {
  DiagnosticSink local;
  TomlFile toml(file, local, kChipFileKind);
  const toml::table* root = toml.parse();
  if (!root) {
    sink.merge(local);
    return std::nullopt;
  }

  Chip chip;
  chip.origin_file = file->path();
  TableReader r = toml.reader(*root, &kTopLevel);
  if (auto id = r.string("id", true)) {
    chip.id_span = r.span(*r.take("id"));
    if (valid_slug(*id))
      chip.id = *id;
    else
      local.error(
          "E0207",
          fmt::format("'id' must be a lowercase slug like 'nvidia-h100-sxm', found '{}'", *id),
          r.span(*r.take("id")));
  }
  chip.vendor = r.string("vendor", true).value_or("");
  chip.name = r.string("name", true).value_or("");
  if (r.has("name")) chip.name_span = r.span(*r.take("name"));
  chip.aliases = list(r, "aliases");
  if (const toml::array* arr = r.has("aliases") ? r.take("aliases")->as_array() : nullptr) {
    for (const auto& item : *arr)
      chip.alias_spans.push_back(r.span(item));
  }
  chip.year = static_cast<int>(r.integer("year", 1990, 2100, true).value_or(0));
  chip.datacenter = r.boolean("datacenter");
  // A date, or "never" for a chip never sold in the US (a China-only SKU).
  if (const toml::node* n = r.table().get("us_available")) {
    auto s = n->value_exact<std::string>();
    if (s && *s == "never") {
      r.take("us_available");
      chip.us_available = Chip::kNeverInUs;
    } else if (s && !parse_date(*s)) {
      local.error("E0207",
                  fmt::format("'us_available' must be a date like 2024-06-30 or \"never\", "
                              "found '{}'",
                              *s),
                  r.span(*r.take("us_available")));
    } else {
      chip.us_available = r.date("us_available");
    }
  }
  chip.origin = r.string("origin").value_or("");
  if (!chip.origin.empty() &&
      (chip.origin.size() != 2 || !std::isupper(static_cast<unsigned char>(chip.origin[0])) ||
       !std::isupper(static_cast<unsigned char>(chip.origin[1])))) {
    local.error("E0207",
                fmt::format("'origin' must be an ISO 3166-1 alpha-2 code like 'US', found '{}'",
                            chip.origin),
                r.span(*r.take("origin")));
  }
  if (auto kind = r.string("kind")) {
    if (auto k = chip_kind_from_name(*kind))
      chip.kind = *k;
    else
      local.error("E0207", fmt::format("'kind' must be accelerator or hbm, found '{}'", *kind),
                  r.span(*r.take("kind")));
  }
  if (auto status = r.string("status")) {
    if (auto s = chip_status_from_name(*status))
      chip.status = *s;
    else
      local.error(
          "E0207",
          fmt::format("'status' must be released, announced or reported, found '{}'", *status),
          r.span(*r.take("status")));
  }
  chip.notes = r.string("notes").value_or("");
  chip.identity.present = true;
  chip.identity.estimated = list(r, "estimated");
  for (const auto& key : chip.identity.estimated) {
    static const std::set<std::string_view> kEstimable = {"year", "datacenter", "origin",
                                                          "us_available"};
    if (!kEstimable.count(key)) {
      local.error("E0207",
                  fmt::format("'estimated' names '{}'; at the top level only year, datacenter, "
                              "origin and us_available can be estimates",
                              key),
                  r.span(*r.take("estimated")));
    }
  }
  chip.identity.source = r.string("source", true).value_or("");
  if (auto c = r.string("confidence", true)) {
    if (auto conf = confidence_from_name(*c))
      chip.identity.confidence = *conf;
    else
      local.error("E0207", fmt::format("'confidence' must be high, medium or low, found '{}'", *c),
                  r.span(*r.take("confidence")));
  }

  reject_stray_ranges(r, {});
  for (const auto& [name, read] : kGroups) {
    if (const toml::table* t = r.table(name)) {
      TableReader gr = r.child(*t, std::string(name));
      read(gr, chip);
      gr.finish();
    }
  }
  r.finish();

  bool ok = !local.has_errors();
  sink.merge(local);
  if (!ok) return std::nullopt;
  return chip;
}

namespace {

// The check over any record with the names of a Chip (Chip, ChipNames).
template <typename Record>
void check_names(std::vector<const Record*> order, DiagnosticSink& sink) {
  // Blame is decided by id order, not file order, so the same set always gives the same
  // diagnostics.
  std::stable_sort(order.begin(), order.end(),
                   [](const Record* a, const Record* b) { return a->id < b->id; });

  std::unordered_map<std::string_view, const Record*> ids;
  ids.reserve(order.size());
  for (const Record* chip : order) {
    auto [it, inserted] = ids.emplace(chip->id, chip);
    if (!inserted) {
      sink.report({Severity::error,
                   "E0203",
                   fmt::format("duplicate chip id '{}'", chip->id),
                   chip->id_span,
                   {fmt::format("first defined in {}", it->second->origin_file)}});
    }
  }
  // A name a user may type (id, name, alias; ignoring case and punctuation, as lookup
  // compares them: squash_name) must lead to one chip. Ids and names are claimed first; an
  // alias that takes another chip's id or name is the alias's fault. The keys are the names
  // themselves when already squashed, else squashed copies kept in `squashed`, whose
  // strings do not move.
  struct Claim {
    const Record* chip;
    std::string_view name;  // as the chip wrote it
  };
  std::unordered_map<std::string_view, Claim> owner;
  owner.reserve(order.size() * 3);
  std::deque<std::string> squashed;
  auto claim = [&](const Record* chip, const std::string& name, const Span& span,
                   std::string_view what) {
    std::string_view key = name;
    if (!is_squashed_name(name)) key = squashed.emplace_back(squash_name(name));
    const Span& where = span.has_file() ? span : chip->id_span;
    if (key.empty()) {
      sink.report({Severity::error,
                   "E0207",
                   fmt::format("{} '{}' of chip '{}' has no letter or digit", what, name, chip->id),
                   where,
                   {"names are looked up ignoring case, spaces and punctuation"}});
      return;
    }
    auto [it, inserted] = owner.emplace(key, Claim{chip, name});
    if (inserted || it->second.chip->id == chip->id) return;
    sink.report({Severity::error,
                 "E0209",
                 fmt::format("{} '{}' of chip '{}' already names chip '{}' (as '{}')", what, name,
                             chip->id, it->second.chip->id, it->second.name),
                 where,
                 {"every id, name and alias must lead to one chip, ignoring case, spaces and "
                  "punctuation"}});
  };
  for (const Record* chip : order)
    claim(chip, chip->id, chip->id_span, "id");
  for (const Record* chip : order)
    claim(chip, chip->name, chip->name_span, "name");
  for (const Record* chip : order) {
    for (size_t i = 0; i < chip->aliases.size(); ++i) {
      claim(chip, chip->aliases[i], i < chip->alias_spans.size() ? chip->alias_spans[i] : Span{},
            "alias");
    }
  }
}

template <typename Record>
std::vector<const Record*> pointers(const std::vector<Record>& records) {
  std::vector<const Record*> out;
  out.reserve(records.size());
  for (const auto& r : records)
    out.push_back(&r);
  return out;
}

// Worker threads for a set of files: below this many, parsing on the calling thread is
// quicker than starting threads.
constexpr size_t kMinFilesPerThread = 64;
// Files a worker parses before handing their outcomes over, and batches parsed but not yet
// consumed, at most (bounding memory when `consume` is the slower side).
constexpr size_t kBatch = 32;
constexpr size_t kSlots = 16;

// Re-points the spans of a chip's names (all into one file) to a copy of the start of the
// file's text, up to the end of the last line they are on: offsets, lines and columns stay
// as they were, so diagnostics about the names read the same, and a record kept for long
// does not keep its whole file's text.
void compact_spans(Span& id_span, Span& name_span, std::vector<Span>& alias_spans) {
  SourcePtr file = id_span.file;
  if (!file) return;
  auto within = [&](const Span& s) { return !s.has_file() || s.file == file; };
  if (!within(name_span) || !std::all_of(alias_spans.begin(), alias_spans.end(), within)) return;
  uint32_t last = std::max({id_span.end, id_span.begin + 1, name_span.end, name_span.begin + 1});
  for (const Span& s : alias_spans)
    last = std::max({last, s.end, s.begin + 1});
  const std::string& text = file->text();
  size_t cut = std::min<size_t>(last, text.size());
  size_t newline = text.find('\n', cut > 0 ? cut - 1 : 0);
  cut = newline == std::string::npos ? text.size() : newline + 1;
  if (cut == text.size()) return;
  auto compact = std::make_shared<const SourceFile>(file->path(), text.substr(0, cut));
  auto repoint = [&](Span& s) {
    if (s.has_file()) s.file = compact;
  };
  repoint(id_span);
  repoint(name_span);
  for (Span& s : alias_spans)
    repoint(s);
}

// Reads and parses files [begin, end). All the texts are read first: allocating them one
// after another, rather than each after the previous file's TOML tree was freed, spares
// the allocator a consolidation of its small free blocks per file.
std::vector<ParsedSpec> parse_spec_files(const std::vector<std::string>& files, size_t begin,
                                         size_t end) {
  std::vector<ParsedSpec> out(end - begin);
  std::vector<SourcePtr> sources(end - begin);
  for (size_t i = begin; i < end; ++i)
    sources[i - begin] = read_source(files[i], "chip spec", "E0210", out[i - begin].diagnostics);
  for (size_t k = 0; k < out.size(); ++k) {
    if (!sources[k]) continue;
    auto& chip = out[k].chip;
    chip = parse_chip_spec(sources[k], out[k].diagnostics);
    if (chip) compact_spans(chip->id_span, chip->name_span, chip->alias_spans);
    sources[k].reset();
  }
  return out;
}

}  // namespace

void check_chip_set(const std::vector<Chip>& chips, DiagnosticSink& sink) {
  check_names(pointers(chips), sink);
}

void check_chip_set(const std::vector<const Chip*>& chips, DiagnosticSink& sink) {
  check_names(chips, sink);
}

void check_chip_set(const std::vector<ChipNames>& chips, DiagnosticSink& sink) {
  check_names(pointers(chips), sink);
}

void check_chip_set(const std::vector<const ChipNames*>& chips, DiagnosticSink& sink) {
  check_names(chips, sink);
}

ChipNames names_of(const Chip& chip) {
  return {chip.id,      chip.name,      chip.aliases,    chip.origin_file,
          chip.id_span, chip.name_span, chip.alias_spans};
}

ChipNames take_names(Chip&& chip) {
  compact_spans(chip.id_span, chip.name_span, chip.alias_spans);
  return {std::move(chip.id),          std::move(chip.name),    std::move(chip.aliases),
          std::move(chip.origin_file), std::move(chip.id_span), std::move(chip.name_span),
          std::move(chip.alias_spans)};
}

void parse_chip_spec_files(const std::vector<std::string>& files,
                           const std::function<void(ParsedSpec&)>& consume) {
  size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()),
                                    files.size() / kMinFilesPerThread);
  if (threads <= 1) {
    for (size_t i = 0; i < files.size(); ++i) {
      ParsedSpec spec = std::move(parse_spec_files(files, i, i + 1).front());
      consume(spec);
    }
    return;
  }
  // Files are parsed in batches: a batch is taken by one thread, and its outcomes go to slot
  // batch % kSlots, from which this thread consumes them in batch order. A batch is taken
  // only when its slot is free, which bounds the outcomes kept. This thread parses too
  // while the batch it needs next is not ready, so one helper per further core suffices.
  // Batches keep the hand-overs (a lock, a wake-up) rare.
  const size_t batches = (files.size() + kBatch - 1) / kBatch;
  std::vector<std::optional<std::vector<ParsedSpec>>> slots(std::min(kSlots, batches));
  std::mutex mutex;
  std::condition_variable filled, freed;
  size_t next = 0, consumed = 0;
  bool stop = false;
  std::exception_ptr failure;

  auto parse_batch = [&](size_t b) {
    return parse_spec_files(files, b * kBatch, std::min(files.size(), (b + 1) * kBatch));
  };
  auto helper = [&] {
    for (;;) {
      size_t b;
      {
        std::unique_lock lock(mutex);
        freed.wait(lock, [&] { return stop || next >= batches || next < consumed + slots.size(); });
        if (stop || next >= batches) return;
        b = next++;
      }
      std::vector<ParsedSpec> batch;
      try {
        batch = parse_batch(b);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
        filled.notify_all();
        freed.notify_all();
        return;
      }
      {
        std::lock_guard lock(mutex);
        slots[b % slots.size()] = std::move(batch);
      }
      filled.notify_one();
    }
  };
  std::vector<std::jthread> helpers;
  // Joins the helpers however this function is left.
  auto halt = [&] {
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    freed.notify_all();
    helpers.clear();
  };
  try {
    for (size_t t = 1; t < threads; ++t)
      helpers.emplace_back(helper);
    for (size_t b = 0; b < batches;) {
      std::vector<ParsedSpec> batch;
      std::optional<size_t> claimed;
      {
        std::unique_lock lock(mutex);
        for (;;) {
          if (failure) std::rethrow_exception(failure);
          auto& slot = slots[b % slots.size()];
          if (slot) {
            batch = std::move(*slot);
            slot.reset();
            consumed = b + 1;
            break;
          }
          if (next < batches && next < consumed + slots.size()) {
            claimed = next++;
            break;
          }
          filled.wait(lock);
        }
      }
      if (claimed) {
        std::vector<ParsedSpec> parsed = parse_batch(*claimed);
        std::lock_guard lock(mutex);
        slots[*claimed % slots.size()] = std::move(parsed);
        continue;
      }
      freed.notify_all();
      for (ParsedSpec& spec : batch)
        consume(spec);
      ++b;
    }
  } catch (...) {
    halt();
    throw;
  }
  halt();
}

std::vector<Chip> read_chip_specs(const std::vector<std::string>& paths, DiagnosticSink& sink) {
  std::vector<std::string> files = toml_files(paths, "chip spec", "E0210", sink);
  std::vector<Chip> chips;
  chips.reserve(files.size());
  parse_chip_spec_files(files, [&](ParsedSpec& spec) {
    sink.merge(spec.diagnostics);
    if (spec.chip) chips.push_back(std::move(*spec.chip));
  });
  check_chip_set(chips, sink);
  return chips;
}

// ---- writer ---------------------------------------------------------------------------

namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        // TOML refuses other control characters raw in a string (a \f a spec read, say).
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
          out += c;
    }
  }
  return out + "\"";
}

std::string quote_list(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& s : items)
    quoted.push_back(quote(s));
  return "[" + fmt::format("{}", fmt::join(quoted, ", ")) + "]";
}

struct Writer {
  std::string out;
  void line(std::string_view key, const std::string& value) {
    out += fmt::format("{} = {}\n", key, value);
  }
  void str(std::string_view key, const std::string& value) {
    if (!value.empty()) line(key, quote(value));
  }
  void num(std::string_view key, const std::optional<Rational>& value) {
    if (value) line(key, value->exact_text());
  }
  // A value and its range, beside it.
  void num(std::string_view key, const std::optional<Rational>& value,
           const std::optional<ValueRange>& range) {
    num(key, value);
    if (value && range) {
      line(fmt::format("{}_range", key),
           fmt::format("{{ low = {}, high = {}, source = {} }}", range->low.exact_text(),
                       range->high.exact_text(), quote(range->source)));
    }
  }
  void provenance(const Provenance& p) {
    line("source", quote(p.source));
    line("confidence", quote(confidence_name(p.confidence)));
    if (!p.estimated.empty()) line("estimated", quote_list(p.estimated));
    str("notes", p.notes);
  }
  void unit(const ProcessingUnit& u) {
    std::vector<std::string> sparse;
    for (Precision p : kAllPrecisions) {
      num(precision_key(p), u.at(p), u.peak_range[static_cast<size_t>(p)]);
      if (u.is_sparse(p)) sparse.emplace_back(precision_key(p));
    }
    if (!sparse.empty()) line("sparse", quote_list(sparse));
  }
};

}  // namespace

std::string write_chip_spec(const Chip& chip) {
  Writer w;
  w.str("id", chip.id);
  w.str("vendor", chip.vendor);
  w.str("name", chip.name);
  if (!chip.aliases.empty()) w.line("aliases", quote_list(chip.aliases));
  w.line("year", std::to_string(chip.year));
  if (chip.datacenter) w.line("datacenter", *chip.datacenter ? "true" : "false");
  if (chip.us_available)
    w.line("us_available",
           *chip.us_available == Chip::kNeverInUs ? quote("never") : date_text(*chip.us_available));
  w.str("origin", chip.origin);
  if (chip.kind != ChipKind::accelerator) w.str("kind", std::string(chip_kind_name(chip.kind)));
  if (chip.status != ChipStatus::released)
    w.str("status", std::string(chip_status_name(chip.status)));
  w.str("notes", chip.notes);
  w.line("source", quote(chip.identity.source));
  w.line("confidence", quote(confidence_name(chip.identity.confidence)));

  if (chip.compute.present) {
    w.out += "\n[compute]\n";
    w.provenance(chip.compute);
    if (!chip.explicit_units && !chip.units.empty()) w.unit(chip.units.front());
    if (chip.explicit_units) {
      for (const auto& u : chip.units) {
        w.out += "\n[[compute.unit]]\n";
        w.str("name", u.name);
        w.unit(u);
      }
    }
  }
  if (chip.memory.present) {
    w.out += "\n[memory]\n";
    w.provenance(chip.memory);
    w.str("type", chip.memory_type);
    w.num("capacity_gb", chip.memory_gb, chip.memory_gb_range);
    w.num("bandwidth_gbps", chip.memory_bandwidth_gbps, chip.memory_bandwidth_range);
  }
  if (chip.interconnect.present) {
    w.out += "\n[interconnect]\n";
    w.provenance(chip.interconnect);
    w.num("chip_to_chip_gbps", chip.chip_to_chip_gbps, chip.chip_to_chip_range);
    w.str("chip_to_chip_name", chip.chip_to_chip_name);
    w.num("host_link_gbps", chip.host_link_gbps, chip.host_link_range);
    w.str("host_link_name", chip.host_link_name);
  }
  if (chip.silicon.present) {
    w.out += "\n[silicon]\n";
    w.provenance(chip.silicon);
    w.num("transistors_billion", chip.transistors_billion, chip.transistors_range);
    for (const auto& die : chip.dies) {
      w.out += "\n[[silicon.die]]\n";
      w.str("name", die.name);
      w.str("role", std::string(die_role_name(die.role)));
      w.line("count", std::to_string(die.count));
      w.num("area_mm2", die.area_mm2, die.area_range);
      w.str("process", die.process);
      if (die.planar) w.line("planar", "true");
      if (!die.estimated.empty()) w.line("estimated", quote_list(die.estimated));
    }
  }
  if (chip.power.present) {
    w.out += "\n[power]\n";
    w.provenance(chip.power);
    w.num("tdp_w", chip.tdp_w, chip.tdp_range);
  }
  if (chip.hbm.present) {
    w.out += "\n[hbm]\n";
    w.provenance(chip.hbm);
    if (chip.hbm_stacks) w.line("stacks", std::to_string(*chip.hbm_stacks));
    w.num("stack_bandwidth_gbps", chip.hbm_stack_bandwidth_gbps, chip.hbm_stack_bandwidth_range);
    w.num("stack_footprint_mm2", chip.hbm_stack_footprint_mm2, chip.hbm_stack_footprint_range);
  }
  return w.out;
}

}  // namespace exctl::chipdb
