#include "engine/app/check.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <deque>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "engine/app/catalogue.hpp"
#include "engine/app/lookup.hpp"
#include "engine/roofline/reference.hpp"

namespace exctl::app {
namespace {

// The regimes asked for; "current" stands for the leaf regimes in force on the date.
std::vector<const sema::Regime*> select_regimes(const sema::Rulebook& book,
                                                const std::vector<std::string>& ids, bool& current,
                                                DiagnosticSink& sink) {
  std::vector<const sema::Regime*> out;
  current = false;
  if (ids.empty()) {
    for (const auto& r : book.regimes)
      out.push_back(&r);
    return out;
  }
  for (const auto& id : ids) {
    if (id == "current") {
      current = true;
      continue;
    }
    if (const auto* r = book.find(id)) {
      out.push_back(r);
    } else {
      std::vector<std::string> names;
      for (const auto& r2 : book.regimes)
        names.push_back(r2.id);
      sink.report({Severity::error,
                   "E0114",
                   fmt::format("no regime is named '{}'", id),
                   {},
                   {fmt::format("regimes: {}, current", fmt::join(names, ", "))}});
    }
  }
  return out;
}

int verdict_rank(eval::Verdict v) {
  switch (v) {
    case eval::Verdict::controlled:
      return 3;
    case eval::Verdict::indeterminate:
      return 2;
    case eval::Verdict::excluded:
      return 1;
    case eval::Verdict::not_controlled:
      return 0;
  }
  return 0;
}

void add_new(std::vector<std::string>& into, const std::vector<std::string>& from) {
  for (const auto& x : from) {
    if (std::find(into.begin(), into.end(), x) == into.end()) into.push_back(x);
  }
}

// The chip's speed on the reference inference workload, as a ratio to the H100 SXM: what
// the compute thresholds do not measure.
void estimate_inference(Session& session, const std::shared_ptr<const std::vector<Chip>>& chips,
                        std::vector<Subject>& subjects) {
  auto models = session.load_models();
  const roofline::Model* model = nullptr;
  const Chip* baseline = nullptr;
  if (models && chips) {
    DiagnosticSink quiet;
    model = find_model(*models, std::string(roofline::kReferenceModelId), quiet);
    baseline = resolve_chip(*chips, std::string(roofline::kReferenceBaselineId), quiet);
  }
  for (auto& s : subjects) {
    if (!model || !baseline || !s.chip) {
      s.inference =
          "not estimated: the reference model or the H100 SXM is not in the database in use";
      continue;
    }
    auto r = roofline::reference_ratio(*s.chip, *baseline, *model);
    s.inference = r.ratio ? fmt::format("{:.2f} x the H100 SXM on {} ({:.0f} vs {:.0f})", *r.ratio,
                                        roofline::reference_description(), r.tokens_per_s,
                                        r.baseline_tokens_per_s)
                          : fmt::format("not estimated: {}", r.reason);
  }
}

}  // namespace

std::string informed_note(const sema::Regime& r, std::string_view exporter) {
  std::string note = fmt::format("{} binds only the exporters BIS informed ({})", r.id,
                                 fmt::join(r.informed, ", "));
  if (exporter.empty()) return note;
  return note + (r.binds(exporter) ? fmt::format(", {} among them", exporter)
                                   : fmt::format(", not {}", exporter));
}

std::vector<const sema::Regime*> current_regimes(const sema::Rulebook& book, sema::DateKey date,
                                                 std::string_view exporter,
                                                 std::vector<std::string>* pending) {
  std::vector<const sema::Regime*> in_force;
  auto add = [&](const sema::Regime* r) {
    if (std::find(in_force.begin(), in_force.end(), r) == in_force.end()) in_force.push_back(r);
  };
  for (const auto& r : book.regimes) {
    if (!r.in_force_on(date) || !r.applies_to.empty()) continue;
    if (!r.binds(exporter)) {
      if (pending)
        pending->push_back(informed_note(r, exporter) +
                           (exporter.empty() ? ": not applied (--exporter NAME applies it to one)"
                                             : ": not applied"));
      continue;
    }
    // In force but before its compliance date: what it superseded still governs.
    const sema::Regime* standing = &r;
    while (standing && standing->compliance > date) {
      if (pending)
        pending->push_back(fmt::format("{} is in force but compliance is due only on {}{}",
                                       standing->id, sema::date_text(standing->compliance),
                                       standing->supersedes.empty()
                                           ? ": the rules it extends apply"
                                           : fmt::format(": {} applies", standing->supersedes)));
      standing = book.find(standing->supersedes);
    }
    if (standing) add(standing);
  }
  std::set<std::string> folded;
  for (const auto* r : in_force) {
    // Every ancestor of an in-force regime is folded into it.
    for (const sema::Regime* a = book.find(r->parent); a; a = book.find(a->parent))
      folded.insert(a->id);
    if (!r->supersedes.empty()) folded.insert(r->supersedes);
  }
  std::vector<const sema::Regime*> out;
  for (const auto* r : in_force) {
    if (!folded.count(r->id)) out.push_back(r);
  }
  return out;
}

eval::Decision combine(const std::vector<eval::Decision>& parts) {
  if (parts.size() == 1) return parts.front();
  eval::Decision d;
  d.regime = "current";
  d.in_force = true;
  d.verdict = eval::Verdict::not_controlled;
  Truth licence = Truth::no;
  bool asked = false;
  for (const auto& p : parts) {
    if (verdict_rank(p.verdict) > verdict_rank(d.verdict)) d.verdict = p.verdict;
    add_new(d.paragraphs, p.paragraphs);
    add_new(d.excluded_by, p.excluded_by);
    add_new(d.end_items, p.end_items);
    add_new(d.missing, p.missing);
    add_new(d.flags, p.flags);
    add_new(d.licence.reasons, p.licence.reasons);
    for (auto& t : p.trace) {
      auto copy = t;
      copy.id = p.regime + ": " + t.id;
      d.trace.push_back(copy);
    }
    licence = truth_or(licence, p.licence.truth);
    asked = asked || p.licence.asked;
    d.licence.policy = eval::stricter(d.licence.policy, p.licence.policy);
    d.licence.exceptions.insert(d.licence.exceptions.end(), p.licence.exceptions.begin(),
                                p.licence.exceptions.end());
  }
  d.licence.asked = asked;
  d.licence.truth = licence;
  if (asked && licence != Truth::unknown) d.licence.required = licence == Truth::yes;
  return d;
}

eval::Decision current_decision(const std::vector<const sema::Regime*>& leaves,
                                const std::vector<eval::Decision>& parts,
                                const std::vector<std::string>& notes) {
  auto d = combine(parts);
  d.flags.insert(d.flags.end(), notes.begin(), notes.end());
  d.regime = leaves.size() == 1 ? "current (" + leaves.front()->id + ")"
             : leaves.empty()   ? "current (none in force)"
                                : "current";
  return d;
}

struct Check::Batch {
  std::vector<uint32_t> known, truth;
  std::array<std::vector<Rational>, sema::kFieldCount> number;
  std::vector<const sema::Regime*> regimes;  // every regime decided, once each
  std::vector<size_t> rows;                  // the regimes asked for, as indices into `regimes`
  std::vector<size_t> current;               // the parts of "current", the same way
  std::vector<std::vector<const eval::Decision*>> decision;  // [regime][chip]
  std::vector<std::vector<char>> kept;                       // [regime][chip]
  std::deque<eval::Decision> own;  // decisions made for one chip, until the next batch
  std::vector<const eval::Decision*> parts;
  std::string chip;
};

Check::Check(Session& session, CheckRequest request)
    : session_(session), request_(std::move(request)) {}
Check::~Check() = default;

std::unique_ptr<Check> Check::prepare(Session& session, CheckRequest request) {
  std::unique_ptr<Check> c(new Check(session, std::move(request)));
  DiagnosticSink& sink = session.sink;
  auto date = date_argument(c->request_.date, sink);
  // Named regimes only: the other rule files need not be read ("current", or none named,
  // reads them all). Set for each check, so an earlier one's choice never carries over.
  const auto& asked = c->request_.regimes;
  bool named = !asked.empty() && std::find(asked.begin(), asked.end(), "current") == asked.end();
  session.regimes_wanted = named ? asked : std::vector<std::string>{};
  c->book_ = session.shared_rules();
  if (!c->book_ || !date || sink.has_errors()) return nullptr;
  if (!country_argument("--to", c->request_.to, *c->book_, sink) ||
      !country_argument("--hq", c->request_.hq, *c->book_, sink)) {
    return nullptr;
  }
  if (c->request_.robust && !c->request_.specs.empty()) {
    sink.error("E0109",
               "--robust needs chip records (chips, --all or --spec), not a --specs catalogue: "
               "its rows have no readings or ranges to range over");
    return nullptr;
  }
  const std::string& fail_on = c->request_.fail_on;
  if (!fail_on.empty() && fail_on != "controlled" && fail_on != "indeterminate") {
    sink.error("E0115",
               fmt::format("--fail-on takes controlled or indeterminate, not '{}'", fail_on));
    return nullptr;
  }
  c->regimes_ = select_regimes(*c->book_, c->request_.regimes, c->current_, sink);
  if (sink.has_errors()) return nullptr;
  c->query_ = {c->request_.to.text, c->request_.hq.text, *date};
  // The same for every chip, so found once, not per row of a catalogue.
  if (c->current_)
    c->leaves_ = current_regimes(*c->book_, *date, c->request_.exporter, &c->pending_);
  if (c->current_ && c->leaves_.empty()) {
    sink.warning("W0114",
                 fmt::format("no regime was in force on {}: 'current' applies only the part "
                             "746 embargoes, so its not_controlled means only that",
                             sema::date_text(*date)));
  }
  return c;
}

const eval::Decision& Check::decide_one(const sema::Regime& r, const eval::FieldValues& values) {
  if (!request_.compiled) return scratch_ = eval::decide(r, values, query_);
  return compiled_.try_emplace(&r, r, query_).first->second.decide(values, scratch_);
}

std::vector<report::DecisionRow> Check::decide(const Subject& s) {
  std::vector<report::DecisionRow> rows;
  try {
    for (const auto* r : regimes_) {
      rows.push_back({s.id, s.name, r, decide_one(*r, s.values)});
      // Shown as issued, with whom it binds.
      if (!r->informed.empty())
        rows.back().decision.flags.push_back(informed_note(*r, request_.exporter));
    }
    if (current_) {
      std::vector<eval::Decision> parts;
      for (const auto* r : leaves_)
        parts.push_back(decide_one(*r, s.values));
      if (leaves_.empty()) parts.push_back(decide_one(book_->embargo_layer, s.values));
      const sema::Regime* only = leaves_.size() == 1 ? leaves_.front() : nullptr;
      rows.push_back({s.id, s.name, only, current_decision(leaves_, parts, pending_)});
    }
  } catch (const eval::ArithmeticOverflow& e) {
    // Every decision on the subject, or none.
    session_.sink.report(e.diagnostic(s.id));
    rows.clear();
  }
  return rows;
}

std::vector<report::DecisionRow> Check::decide_traced(const Subject& s) {
  bool compiled = std::exchange(request_.compiled, false);
  auto rows = decide(s);
  request_.compiled = compiled;
  return rows;
}

std::vector<const sema::Regime*> Check::regimes_read() const {
  std::vector<const sema::Regime*> out = regimes_;
  if (current_) {
    out.insert(out.end(), leaves_.begin(), leaves_.end());
    if (leaves_.empty()) out.push_back(&book_->embargo_layer);
  }
  return out;
}

bool Check::fails(const eval::Decision& d) const {
  return (request_.fail_on == "controlled" && d.verdict == eval::Verdict::controlled) ||
         (request_.fail_on == "indeterminate" && d.verdict == eval::Verdict::indeterminate);
}

int Check::failures(const std::vector<report::DecisionRow>& rows) const {
  return static_cast<int>(
      std::count_if(rows.begin(), rows.end(), [&](const auto& r) { return fails(r.decision); }));
}

const eval::Decision& Check::shown(const sema::Regime& r, const eval::Decision& d, bool kept) {
  if (r.informed.empty()) return d;
  auto decorate = [&](eval::Decision copy) {
    copy.flags.push_back(informed_note(r, request_.exporter));
    return copy;
  };
  if (!kept) return batch_->own.emplace_back(decorate(d));
  auto it = shown_.find(&d);
  if (it == shown_.end()) it = shown_.emplace(&d, decorate(d)).first;
  return it->second;
}

const eval::Decision& Check::combined(const std::vector<const eval::Decision*>& parts, bool kept) {
  auto make = [&] {
    std::vector<eval::Decision> copies;
    for (const auto* p : parts)
      copies.push_back(*p);
    return current_decision(leaves_, copies, pending_);
  };
  if (!kept) return batch_->own.emplace_back(make());
  auto it = combined_.find(parts);
  if (it == combined_.end()) it = combined_.emplace(parts, make()).first;
  return it->second;
}

int Check::decide_batch(const std::vector<CatalogueEntry>& batch, size_t count,
                        const CatalogueRowSink& each) {
  if (!batch_) {
    batch_ = std::make_unique<Batch>();
    auto add = [&](const sema::Regime* r) {
      if (std::find(batch_->regimes.begin(), batch_->regimes.end(), r) == batch_->regimes.end())
        batch_->regimes.push_back(r);
    };
    for (const auto* r : regimes_)
      add(r);
    if (current_) {
      for (const auto* r : leaves_)
        add(r);
      if (leaves_.empty()) add(&book_->embargo_layer);
    }
    auto index = [&](const sema::Regime* r) {
      return static_cast<size_t>(std::find(batch_->regimes.begin(), batch_->regimes.end(), r) -
                                 batch_->regimes.begin());
    };
    for (const auto* r : regimes_)
      batch_->rows.push_back(index(r));
    if (current_) {
      for (const auto* r : leaves_)
        batch_->current.push_back(index(r));
      if (leaves_.empty()) batch_->current.push_back(index(&book_->embargo_layer));
    }
    batch_->decision.resize(batch_->regimes.size());
    batch_->kept.resize(batch_->regimes.size());
  }
  Batch& b = *batch_;
  b.own.clear();
  // The lines as columns, with the export year of the check's date.
  b.known.resize(count);
  b.truth.resize(count);
  for (auto& column : b.number)
    column.resize(count);
  const auto year = static_cast<size_t>(sema::FieldId::export_year);
  const Rational export_year(date() / 10000);
  for (size_t i = 0; i < count; ++i) {
    const eval::FieldValues& v = batch[i].values;
    b.known[i] = v.known_mask | (uint32_t{1} << year);
    b.truth[i] = v.true_mask;
    for (uint32_t m = v.known_mask; m; m &= m - 1)
      b.number[static_cast<size_t>(std::countr_zero(m))][i] = v.number[std::countr_zero(m)];
    b.number[year][i] = export_year;
  }
  eval::ValueColumns columns;
  columns.size = count;
  columns.known = b.known.data();
  columns.truth = b.truth.data();
  for (size_t f = 0; f < sema::kFieldCount; ++f)
    columns.number[f] = b.number[f].data();
  try {
    for (size_t r = 0; r < b.regimes.size(); ++r) {
      auto& decision = b.decision[r];
      auto& kept = b.kept[r];
      decision.resize(count);
      kept.resize(count);
      const auto& compiled =
          compiled_.try_emplace(b.regimes[r], *b.regimes[r], query_).first->second;
      compiled.decide_all(columns, [&](size_t i, const eval::Decision& d, bool is_kept) {
        decision[i] = is_kept ? &d : &b.own.emplace_back(d);
        kept[i] = is_kept;
      });
    }
  } catch (const eval::ArithmeticOverflow&) {
    return decide_rows(batch, count, each);  // which chip, reported by decide()
  }
  int failures = 0;
  auto emit = [&](const eval::Decision& d, bool kept) {
    failures += fails(d) ? 1 : 0;
    each(b.chip, d, kept);
  };
  for (size_t i = 0; i < count; ++i) {
    const CatalogueEntry& e = batch[i];
    if (e.id.empty())
      b.chip = fmt::format("line {}", e.line);
    else
      b.chip = e.id;
    for (size_t k : b.rows)
      emit(shown(*b.regimes[k], *b.decision[k][i], b.kept[k][i]), b.kept[k][i]);
    if (!current_) continue;
    b.parts.clear();
    bool kept = true;
    for (size_t k : b.current) {
      b.parts.push_back(b.decision[k][i]);
      kept = kept && b.kept[k][i];
    }
    emit(combined(b.parts, kept), kept);
  }
  return failures;
}

int Check::decide_rows(const std::vector<CatalogueEntry>& batch, size_t count,
                       const CatalogueRowSink& each) {
  int failures = 0;
  for (size_t i = 0; i < count; ++i) {
    const CatalogueEntry& e = batch[i];
    Subject s{e.id.empty() ? fmt::format("line {}", e.line) : e.id, e.name, nullptr, e.values, {}};
    s.values.set(sema::FieldId::export_year, Rational(date() / 10000));
    for (const auto& row : decide(s)) {
      failures += fails(row.decision) ? 1 : 0;
      each(row.chip, row.decision, false);
    }
  }
  return failures;
}

std::optional<CheckRun> check_chips(Session& session, CheckRequest request) {
  CheckRun run;
  run.check = Check::prepare(session, std::move(request));
  if (!run.check) return std::nullopt;
  const CheckRequest& req = run.check->request();
  DiagnosticSink& sink = session.sink;
  // Loaded once, for names and the inference baseline.
  std::shared_ptr<const std::vector<Chip>> chips;
  if (!req.spec.empty()) {
    if (auto chip = session.load_spec(req.spec))
      run.subjects.push_back(
          {chip->id, chip->name, std::make_shared<const Chip>(std::move(*chip)), {}, {}});
  }
  if (!req.all && !req.inference && !req.chips.empty()) {
    // A few chips named: only they are read from the database, not every chip.
    auto named = load_named_chips(session, req.chips);
    if (!named) return std::nullopt;
    for (auto& c : *named) {
      auto chip = std::make_shared<const Chip>(std::move(c));
      run.subjects.push_back({chip->id, chip->name, chip, {}, {}});
    }
  } else if (req.all || req.inference) {
    chips = session.shared_chips();
    if (!chips) return std::nullopt;
    for (const auto& name : req.chips) {
      if (const Chip* c = resolve_chip(*chips, name, sink))
        run.subjects.push_back({c->id, c->name, shared_chip(chips, *c), {}, {}});
    }
    if (req.all) {
      for (const auto& c : *chips)
        run.subjects.push_back({c.id, c.name, shared_chip(chips, c), {}, {}});
    }
  }
  if (run.subjects.empty() && !sink.has_errors()) {
    sink.error("E0109",
               "name a chip, or give --all, --spec FILE.toml or --specs FILE.csv|FILE.jsonl");
  }
  if (sink.has_errors()) return std::nullopt;
  for (size_t i = 0; i < run.subjects.size(); ++i) {
    auto& s = run.subjects[i];
    s.values =
        eval::chip_values(*s.chip, compute_metrics(*s.chip, session.options), run.check->date());
    auto rows = run.check->decide(s);
    run.rows.insert(run.rows.end(), std::make_move_iterator(rows.begin()),
                    std::make_move_iterator(rows.end()));
    run.subject_of_row.resize(run.rows.size(), i);
  }
  run.failures = run.check->failures(run.rows);
  if (req.inference) estimate_inference(session, chips, run.subjects);
  return run;
}

std::optional<int> check_catalogue(
    Session& session, CheckRequest request,
    const std::function<void(const std::vector<report::DecisionRow>&)>& each) {
  auto check = Check::prepare(session, std::move(request));
  if (!check) return std::nullopt;
  return decide_catalogue(*check, each);
}

std::optional<int> check_catalogue_compiled(Session& session, CheckRequest request,
                                            const CatalogueRowSink& each) {
  request.compiled = true;
  auto check = Check::prepare(session, std::move(request));
  if (!check) return std::nullopt;
  auto catalogue = CatalogueReader::open(check->request().specs, session.sink);
  if (!catalogue) return std::nullopt;
  // Large enough that a regime's pass over the columns dominates, small enough to stay in
  // cache and keep memory flat however long the catalogue.
  constexpr size_t kBatchLines = 4096;
  std::vector<CatalogueEntry> batch(kBatchLines);
  int failures = 0;
  bool more = true;
  while (more) {
    size_t count = 0;
    while (count < kBatchLines && (more = catalogue->next(batch[count])))
      ++count;
    if (count) failures += check->decide_batch(batch, count, each);
  }
  return failures;
}

std::optional<int> decide_catalogue(
    Check& check, const std::function<void(const std::vector<report::DecisionRow>&)>& each) {
  auto catalogue = CatalogueReader::open(check.request().specs, check.session().sink);
  if (!catalogue) return std::nullopt;
  int failures = 0;
  CatalogueEntry entry;
  while (catalogue->next(entry)) {
    Subject s{entry.id.empty() ? fmt::format("line {}", entry.line) : std::move(entry.id),
              std::move(entry.name),
              nullptr,
              entry.values,
              {}};
    s.values.set(sema::FieldId::export_year, Rational(check.date() / 10000));
    auto rows = check.decide(s);
    failures += check.failures(rows);
    each(rows);
  }
  return failures;
}

}  // namespace exctl::app
