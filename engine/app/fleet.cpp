#include "engine/app/fleet.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "engine/app/lookup.hpp"
#include "engine/base/files.hpp"
#include "engine/base/toml_reader.hpp"
#include "engine/roofline/reference.hpp"

namespace exctl::app {
namespace {

constexpr TomlFileKind kFleetKind{"E0720", "E0721", "E0722", "E0723", "E0724", "E0724"};
const std::set<std::string_view> kTopLevel = {"title", "notes", "source"};
constexpr int64_t kMaxCount = 1'000'000'000;

struct FleetLine {
  std::string chip, spec, source;
  int64_t count = 0;
  Span where;
};

std::optional<std::vector<FleetLine>> read_fleet(Session& session, const std::string& path) {
  auto source = read_source(path, "fleet file", "E0720", session.sink);
  if (!source) return std::nullopt;
  TomlFile file(source, session.sink, kFleetKind);
  const toml::table* root = file.parse();
  if (!root) return std::nullopt;
  TableReader top = file.reader(*root, &kTopLevel);
  top.string("title");
  top.string("notes");
  top.string("source");
  std::vector<FleetLine> lines;
  const toml::array* rows = top.tables("row");
  for (size_t i = 0; rows && i < rows->size(); ++i) {
    const toml::table* t = (*rows)[i].as_table();
    if (!t) continue;
    TableReader r = top.child(*t, fmt::format("row[{}]", i));
    FleetLine line;
    line.where = r.table_span();
    line.chip = r.string("chip").value_or("");
    line.spec = r.string("spec").value_or("");
    line.source = r.string("source", true, "where the count comes from").value_or("");
    if (const toml::node* n = r.take("count"); n && n->is_floating_point()) {
      file.error("E0724",
                 fmt::format("'{}' must be a whole number of chips, found {}", r.path("count"),
                             file.text(*n)),
                 file.span(*n));
    } else if (n && n->is_integer() && *n->value_exact<int64_t>() < 0) {
      file.error("E0724",
                 fmt::format("'{}' must not be negative, found {}", r.path("count"), file.text(*n)),
                 file.span(*n));
    } else {
      line.count = r.integer("count", 0, kMaxCount, true).value_or(0);
    }
    if (line.chip.empty() == line.spec.empty())
      file.error("E0726", "a fleet row names a chip ('chip') or a spec file ('spec'), one of them",
                 line.where);
    r.finish();
    lines.push_back(std::move(line));
  }
  top.finish();
  if (file.errors() > 0) return std::nullopt;
  if (lines.empty()) {
    file.error("E0725", "the fleet has no rows: add [[row]] tables with chip, count and source",
               top.table_span());
    return std::nullopt;
  }
  return lines;
}

}  // namespace

std::optional<FleetRun> fleet_capacity(Session& session, const FleetRequest& request) {
  DiagnosticSink& sink = session.sink;
  std::vector<std::string> ids;
  for (const auto& text : request.regimes) {
    for (const auto& [item, at] : split_commas(text)) {
      if (item == "current")
        sink.error("E0114", "fleet counts named regimes; 'current' may be several");
      else if (!item.empty())
        ids.push_back(item);
    }
  }
  if (sink.has_errors()) return std::nullopt;
  CheckRequest check;
  check.regimes = ids;
  check.to = request.to;
  check.hq = request.hq;
  check.date = request.date;
  FleetRun run;
  run.regimes = ids;
  if (!ids.empty()) {
    run.check = Check::prepare(session, check);
    if (!run.check) return std::nullopt;
  }
  auto setup = workload_argument(session, request.workload);
  if (!setup) return std::nullopt;
  auto lines = read_fleet(session, request.file);
  if (!lines) return std::nullopt;
  auto chips = session.load_chips();
  if (!chips) return std::nullopt;
  const Chip* h100 = resolve_chip(*chips, std::string(roofline::kReferenceBaselineId), sink);
  if (!h100) return std::nullopt;
  // A spec path is relative to the fleet file, as a user writes it beside the file.
  std::string dir = request.file.substr(0, request.file.find_last_of('/') + 1);
  if (request.file.find('/') == std::string::npos) dir.clear();

  sema::DateKey date = run.check ? run.check->date() : 0;
  if (!run.check) {
    auto d = date_argument(request.date, sink);
    if (!d) return std::nullopt;
    date = *d;
  }
  eval::Query query;
  if (run.check) query = {run.check->request().to.text, run.check->request().hq.text, date};
  std::vector<draft::FleetUnit> units;
  for (const auto& line : *lines) {
    std::optional<Chip> chip;
    if (!line.chip.empty()) {
      if (const Chip* c = resolve_chip(*chips, line.chip, sink)) chip = *c;
    } else {
      std::string path = !line.spec.empty() && line.spec[0] == '/' ? line.spec : dir + line.spec;
      chip = session.load_spec(path);
    }
    if (!chip) continue;
    ChipMetrics m = compute_metrics(*chip, session.options);
    draft::FleetUnit u;
    u.id = chip->id;
    u.name = chip->name;
    u.source = line.source;
    u.count = line.count;
    u.tpp = m.tpp.value;
    u.hw = roofline::hardware_of(*chip);
    auto values = eval::chip_values(*chip, m, date);
    for (const auto& id : ids) {
      try {
        u.caught.push_back(
            draft::caught(eval::decide(*run.check->book().find(id), values, query), query));
      } catch (const eval::ArithmeticOverflow& e) {
        sink.report(e.diagnostic(chip->id));
        u.caught.push_back(draft::Caught::unknown);
      }
    }
    units.push_back(std::move(u));
  }
  if (sink.has_errors()) return std::nullopt;
  ChipMetrics hm = compute_metrics(*h100, session.options);
  try {
    run.result = draft::fleet_capacity(units, roofline::hardware_of(*h100),
                                       hm.tpp.value.value_or(Rational(1)), setup->model,
                                       setup->workload, setup->setup.calib, ids.size());
  } catch (const std::overflow_error&) {
    sink.error("E0727",
               "the fleet's TPP totals are past exact arithmetic's range (64-bit numerator and "
               "denominator): split the fleet");
    return std::nullopt;
  }
  const auto& p = setup->workload.precisions;
  run.workload =
      fmt::format("{}, weights {}, KV {}, batch {} per replica, {} in / {} out", setup->model.id,
                  roofline::format_key(p.weights), roofline::format_key(p.kv),
                  setup->workload.batch, setup->workload.input, setup->workload.output);
  run.date = sema::date_text(date);
  run.to = query.to;
  return run;
}

}  // namespace exctl::app
