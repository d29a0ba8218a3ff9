#include "engine/app/sweep.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <map>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "engine/app/catalogue.hpp"
#include "engine/app/lookup.hpp"
#include "engine/app/robust.hpp"
#include "engine/base/text.hpp"
#include "engine/metrics/units.hpp"

namespace exctl::app {
namespace {

constexpr size_t kMaxSteps = 100'000;
constexpr int64_t kMaxCells = kMaxSteps + 1;  // the values of one axis of kMaxSteps steps
// Decisions in one sweep (chips x steps): about 40 s at the compiled form's ~50 M/s.
constexpr int64_t kMaxDecisions = 2'000'000'000;
// Robust decisions (chips x steps), each over a chip's 32 readings and its ranges.
constexpr int64_t kMaxRobustDecisions = 50'000;

// What a chip can be under the regime with the swept parameters at given values: every
// outcome over its readings and ranges (app/robust), each regime variant analysed once.
class Possible {
 public:
  Possible(const sema::Regime& regime, const std::vector<draft::Axis>& axes,
           const eval::Query& query, const MetricOptions& options, DiagnosticSink& sink)
      : variants_(regime, names_of(axes), sink), query_(query), options_(options) {}

  std::optional<draft::CaughtSet> at(const Chip& chip, const std::vector<Rational>& values) {
    const RobustTarget* target = target_at(values);
    if (!target) return std::nullopt;
    auto verdict = robust_verdicts(*target, chip, options_, query_.date).front();
    draft::CaughtSet set = verdict.exact ? 0 : draft::kUndecided;
    for (const auto& o : verdict.outcomes) {
      for (auto c : {draft::Caught::yes, draft::Caught::no, draft::Caught::unknown})
        if (o == draft::caught_name(c)) set |= draft::caught_bit(c);
    }
    return set;
  }

 private:
  static std::vector<std::string> names_of(const std::vector<draft::Axis>& axes) {
    std::vector<std::string> out;
    for (const auto& a : axes)
      out.push_back(a.param);
    return out;
  }

  const RobustTarget* target_at(const std::vector<Rational>& values) {
    const sema::Regime* regime = variants_.at(values);
    if (!regime) return nullptr;
    auto& target = targets_[regime];
    if (!target) {
      const eval::Query& query = query_;
      target = std::make_unique<RobustTarget>(
          RobustTarget{{regime},
                       [regime, &query](const eval::FieldValues& chip) {
                         auto d = eval::decide(*regime, chip, query);
                         return std::vector<std::string>{
                             std::string(draft::caught_name(draft::caught(d, query)))};
                       },
                       {}});
      target->analyse();
    }
    return target.get();
  }

  draft::Variants variants_;
  const eval::Query& query_;
  const MetricOptions& options_;
  std::map<const sema::Regime*, std::unique_ptr<RobustTarget>> targets_;
};

// The values whose quantities may be where a chip's possible outcomes change: its point
// values and its range's two corners under each reading.
draft::PossibleChip readings_of(const Chip& chip, const MetricOptions& options,
                                sema::DateKey date) {
  draft::PossibleChip out;
  out.ranged = chip.has_ranges();
  for (const auto& reading : every_reading(options)) {
    auto box = eval::chip_box(chip, reading, date);
    out.readings.push_back(box.point);
    if (!box.ranged()) continue;
    eval::FieldValues low = box.point, high = box.point;
    for (size_t f = 0; f < sema::kFieldCount; ++f) {
      if (!box.range[f]) continue;
      low.set(static_cast<sema::FieldId>(f), box.range[f]->low);
      high.set(static_cast<sema::FieldId>(f), box.range[f]->high);
    }
    out.readings.push_back(low);
    out.readings.push_back(high);
  }
  return out;
}

// "1.4TB/s", "1.4 TB/s", "4800": a number and an optional unit.
std::optional<std::pair<Rational, sema::Dim>> quantity(std::string_view text) {
  text = trim(text);
  size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.' ||
                             text[i] == '_' || text[i] == ','))
    ++i;
  auto number = Rational::parse(text.substr(0, i));
  if (!number) return std::nullopt;
  std::string_view unit = trim(text.substr(i));
  if (unit.empty()) return std::pair{*number, sema::Dim{}};
  auto u = sema::unit_from_text(unit);
  if (!u) return std::nullopt;
  try {
    return std::pair{*number * u->scale, u->dim};
  } catch (const std::overflow_error&) {
    return std::nullopt;
  }
}

std::string unit_words(const sema::Dim& d) {
  std::string name = sema::dim_name(d);
  return name.empty() ? "no unit" : name;
}

// An error in one command-line argument, with a caret under [begin, end) of its text.
void report_in_argument(DiagnosticSink& sink, const char* source_name, const std::string& text,
                        const std::string& code, const std::string& message, size_t begin,
                        size_t end, std::vector<std::string> notes) {
  auto file = std::make_shared<SourceFile>(source_name, text);
  sink.report(
      {Severity::error, code, message,
       Span{file, static_cast<uint32_t>(begin), static_cast<uint32_t>(std::max(end, begin + 1))},
       std::move(notes)});
}

// The note under E0601: the parameters `regime` does declare.
std::string declared_params(const sema::Regime& regime, bool with_values) {
  std::vector<std::string> declared;
  for (const auto& p : regime.params)
    declared.push_back(
        with_values ? fmt::format("{} = {}", p.name, eval::format_value(p.value, p.dim)) : p.name);
  return declared.empty() ? fmt::format("'{}' declares no parameters", regime.id)
                          : fmt::format("its parameters: {}", fmt::join(declared, ", "));
}

}  // namespace

std::optional<ParamValue> parse_param_value(const sema::Regime& regime, const std::string& text,
                                            DiagnosticSink& sink) {
  auto fail = [&](const std::string& code, const std::string& message, size_t begin, size_t end,
                  std::vector<std::string> notes = {}) -> std::optional<ParamValue> {
    report_in_argument(sink, "parameter", text, code, message, begin, end, std::move(notes));
    return std::nullopt;
  };
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return fail("E0602", "a parameter is set as NAME=VALUE", 0, text.size());
  std::string name = text.substr(0, eq);
  int index = regime.find_param(name);
  if (index < 0)
    return fail("E0601", fmt::format("regime '{}' declares no parameter '{}'", regime.id, name), 0,
                eq, {declared_params(regime, false)});
  const sema::Param& param = regime.params[static_cast<size_t>(index)];
  std::string_view value = std::string_view(text).substr(eq + 1);
  if (!trim(value).empty() && trim(value).front() == '-')
    return fail("E0610", fmt::format("{} cannot be negative", name), eq + 1, text.size());
  auto q = quantity(value);
  if (!q)
    return fail("E0602", fmt::format("'{}' is not a number with a unit such as '1.4 TB/s'", value),
                eq + 1, text.size());
  if (!(q->second == param.dim)) {
    bool unitless = q->second == sema::Dim{};
    return fail(
        "E0603",
        unitless ? fmt::format("'{}' needs a unit: {} is in {}", value, name, unit_words(param.dim))
                 : fmt::format("'{}' is in {}, but {} is in {}", value, unit_words(q->second), name,
                               unit_words(param.dim)),
        eq + 1, text.size());
  }
  Rational limit = kMaxParamFactor;
  try {
    if (param.value > Rational(0)) limit = param.value * Rational(kMaxParamFactor);
  } catch (const std::overflow_error&) {
    limit = param.value;  // a value near the range's end already: no room above it
  }
  if (limit < q->first)
    return fail("E0610",
                fmt::format("{} = {} is out of range: at most {} ({} times the regime's value)",
                            name, eval::format_value(q->first, param.dim),
                            eval::format_value(limit, param.dim), kMaxParamFactor),
                eq + 1, text.size());
  return ParamValue{name, q->first, param.dim};
}

std::optional<draft::Axis> parse_axis(const sema::Regime& regime, const std::string& text,
                                      DiagnosticSink& sink) {
  auto fail = [&](const std::string& code, const std::string& message, size_t begin, size_t end,
                  std::vector<std::string> notes = {}) -> std::optional<draft::Axis> {
    report_in_argument(sink, "--param", text, code, message, begin, end, std::move(notes));
    return std::nullopt;
  };
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return fail("E0602", "--param takes NAME=FROM..TO or NAME=FROM..TO/STEP", 0, text.size());
  std::string name = text.substr(0, eq);
  int index = regime.find_param(name);
  if (index < 0)
    return fail("E0601", fmt::format("regime '{}' declares no parameter '{}'", regime.id, name), 0,
                eq, {declared_params(regime, true)});
  const sema::Param& param = regime.params[static_cast<size_t>(index)];
  std::string_view range = std::string_view(text).substr(eq + 1);
  size_t dots = range.find("..");
  if (dots == std::string_view::npos)
    return fail("E0602", "a range is FROM..TO or FROM..TO/STEP", eq + 1, text.size());
  std::string_view from = range.substr(0, dots), rest = range.substr(dots + 2), step;
  // The step follows the last '/' that starts a number: units have '/' too ("GB/s").
  for (size_t i = rest.size(); i-- > 0;) {
    if (rest[i] == '/' && i + 1 < rest.size() &&
        (std::isdigit(static_cast<unsigned char>(rest[i + 1])) || rest[i + 1] == '.')) {
      step = rest.substr(i + 1);
      rest = rest.substr(0, i);
      break;
    }
  }
  auto offset = [&](std::string_view part) {
    return static_cast<size_t>(part.data() - text.data());
  };
  draft::Axis axis;
  axis.param = name;
  axis.dim = param.dim;
  std::optional<Rational> values[3];
  std::string_view parts[3] = {from, rest, step};
  for (int k = 0; k < 3; ++k) {
    if (k == 2 && step.empty()) continue;
    auto q = quantity(parts[k]);
    size_t at = offset(parts[k]);
    if (!q)
      return fail("E0602",
                  fmt::format("'{}' is not a number with a unit such as '1.4 TB/s'", parts[k]), at,
                  at + parts[k].size());
    bool unitless = q->second == sema::Dim{};
    if (!(q->second == param.dim)) {
      return fail("E0603",
                  unitless ? fmt::format("'{}' needs a unit: {} is in {}", parts[k], name,
                                         unit_words(param.dim))
                           : fmt::format("'{}' is in {}, but {} is in {}", parts[k],
                                         unit_words(q->second), name, unit_words(param.dim)),
                  at, at + parts[k].size());
    }
    values[k] = q->first;
  }
  axis.from = *values[0];
  axis.to = *values[1];
  if (axis.to < axis.from)
    return fail("E0604", "the range is empty: FROM is above TO", eq + 1, text.size());
  if (values[2]) {
    axis.step = *values[2];
    if (axis.step <= Rational(0))
      return fail("E0604", "the step must be above zero", offset(step), offset(step) + step.size());
  }
  try {
    if (!values[2])
      axis.step = axis.to == axis.from ? Rational(1) : (axis.to - axis.from) / Rational(10);
    if ((axis.to - axis.from) / axis.step > Rational(static_cast<int64_t>(kMaxSteps)))
      return fail("E0604", fmt::format("more than {} steps; give a larger step", kMaxSteps), eq + 1,
                  text.size());
  } catch (const std::overflow_error&) {
    return fail("E0608", "the number of steps is past exact arithmetic's range", eq + 1,
                text.size(), {"give a range of smaller values or a coarser step"});
  }
  return axis;
}

namespace {

// Each step's chips caught whatever the reading and range, and those that depend on one;
// each chip's breakpoints of what it can be.
bool robust_sweep(SweepResult& result, const std::vector<const Chip*>& chips,
                  const eval::Query& query, const MetricOptions& options, bool breakpoints,
                  DiagnosticSink& sink) {
  Possible possible(*result.regime, result.axes, query, options, sink);
  for (auto& step : result.steps) {
    for (size_t i = 0; i < chips.size(); ++i) {
      auto set = possible.at(*chips[i], step.values);
      if (!set) return false;
      if (*set == draft::caught_bit(draft::Caught::yes)) ++step.caught_always;
      if (std::popcount(*set) > 1) step.depends.push_back(i);
    }
  }
  if (!breakpoints || result.axes.size() != 1) return true;
  std::vector<draft::PossibleChip> readings;
  for (const Chip* c : chips)
    readings.push_back(readings_of(*c, options, query.date));
  auto bps = draft::possible_breakpoints(
      *result.regime, result.axes.front(), readings,
      [&](size_t chip, const Rational& x) { return possible.at(*chips[chip], {x}); });
  if (!bps) return false;
  result.breakpoints = std::move(*bps);
  return true;
}

}  // namespace

std::optional<SweepResult> sweep_regime(Session& session, const SweepRequest& request) {
  DiagnosticSink& sink = session.sink;
  if (request.regime == "current") {
    sink.error("E0114", "sweep varies one named regime; 'current' may be several");
    return std::nullopt;
  }
  CheckRequest check;
  check.regimes = {request.regime};
  check.to = request.to;
  check.hq = request.hq;
  check.date = request.date;
  check.specs = request.specs;
  check.robust = request.robust;
  SweepResult result;
  result.robust = request.robust;
  result.check = Check::prepare(session, check);
  if (!result.check) return std::nullopt;
  result.regime = result.check->book().find(request.regime);
  if (request.params.empty() || request.params.size() > 2) {
    sink.error("E0605",
               fmt::format("sweep takes one or two --param, not {}", request.params.size()));
    return std::nullopt;
  }
  for (const auto& p : request.params) {
    if (auto axis = parse_axis(*result.regime, p, sink)) result.axes.push_back(*axis);
  }
  if (sink.has_errors()) return std::nullopt;
  if (result.axes.size() == 2 && result.axes[0].param == result.axes[1].param) {
    sink.error("E0605", fmt::format("--param {} is given twice", result.axes[0].param));
    return std::nullopt;
  }
  // A grid is decided cell by cell: bounded as one axis is, or two fine axes never end.
  if (result.axes.size() == 2) {
    int64_t a = result.axes[0].count(), b = result.axes[1].count();
    if (a * b > kMaxCells) {
      const std::string& text = request.params[1];
      auto file = std::make_shared<SourceFile>("--param", text);
      sink.report({Severity::error,
                   "E0604",
                   fmt::format("the grid has {} cells ({} x {}), more than {}; give larger steps",
                               a * b, a, b, kMaxCells),
                   Span{file, 0, static_cast<uint32_t>(std::max<size_t>(text.size(), 1))},
                   {fmt::format("a grid may have as many cells as one --param has values: {}",
                                kMaxCells)}});
      return std::nullopt;
    }
  }

  std::vector<eval::FieldValues> values;
  std::optional<std::vector<Chip>> chips;  // chosen points into it
  std::vector<const Chip*> chosen;
  sema::DateKey date = result.check->date();
  if (!request.specs.empty()) {
    auto catalogue = CatalogueReader::open(request.specs, sink);
    if (!catalogue) return std::nullopt;
    CatalogueEntry entry;
    while (catalogue->next(entry)) {
      entry.values.set(sema::FieldId::export_year, Rational(date / 10000));
      result.ids.push_back(entry.id.empty() ? fmt::format("line {}", entry.line) : entry.id);
      result.names.push_back(entry.name);
      values.push_back(entry.values);
    }
  } else {
    chips = session.load_chips();
    if (!chips) return std::nullopt;
    for (const auto& name : request.chips) {
      if (const Chip* c = resolve_chip(*chips, name, sink)) chosen.push_back(c);
    }
    if (request.chips.empty())
      for (const auto& c : *chips)
        chosen.push_back(&c);
    if (sink.has_errors()) return std::nullopt;
    for (const Chip* c : chosen) {
      result.ids.push_back(c->id);
      result.names.push_back(c->name);
      values.push_back(eval::chip_values(*c, compute_metrics(*c, session.options), date));
    }
  }
  int64_t steps_count = 1;
  for (const auto& axis : result.axes)
    steps_count *= axis.count();
  auto chips_count = static_cast<int64_t>(values.size());
  if (chips_count > 0 && steps_count > kMaxDecisions / chips_count) {
    sink.error("E0604",
               fmt::format("the sweep would make {} x {} decisions, more than {}; give a larger "
                           "step or fewer chips",
                           steps_count, chips_count, kMaxDecisions));
    return std::nullopt;
  }
  if (request.robust && chips_count > 0 && steps_count > kMaxRobustDecisions / chips_count) {
    sink.error("E0604", fmt::format("--robust would decide {} chips at {} values each, over every "
                                    "reading and range: more than {} in all; give a larger step "
                                    "or fewer chips",
                                    chips_count, steps_count, kMaxRobustDecisions));
    return std::nullopt;
  }
  eval::Query query{result.check->request().to.text, result.check->request().hq.text, date};
  try {
    auto steps = draft::sweep(*result.regime, query, values, result.axes, sink);
    if (!steps) return std::nullopt;
    result.steps = std::move(*steps);
    if (request.robust) {
      if (!robust_sweep(result, chosen, query, session.options, request.breakpoints, sink))
        return std::nullopt;
    } else if (request.breakpoints && result.axes.size() == 1) {
      auto bps = draft::breakpoints(*result.regime, query, values, result.axes.front(), sink);
      if (!bps) return std::nullopt;
      result.breakpoints = std::move(*bps);
    }
  } catch (const eval::ArithmeticOverflow& e) {
    sink.report(e.diagnostic("a chip of the sweep"));
    return std::nullopt;
  } catch (const std::overflow_error&) {
    // A value between two of the range (a step, a midpoint) needs more than 64 bits.
    Span at;
    if (request.params.size() == 1) {  // with two, either may be the cause
      auto file = std::make_shared<SourceFile>("--param", request.params[0]);
      at = Span{file, 0, static_cast<uint32_t>(std::max<size_t>(request.params[0].size(), 1))};
    }
    sink.report({Severity::error,
                 "E0608",
                 "the swept values are past exact arithmetic's range",
                 at,
                 {"exact values keep numerators and denominators within 64 bits (about 9.2e18); "
                  "give a range of smaller values or a coarser step"}});
    return std::nullopt;
  }
  return result;
}

}  // namespace exctl::app
