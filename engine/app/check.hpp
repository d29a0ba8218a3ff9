// `check`: chips x regimes x destination -> decisions. The chips come from the database, a
// spec file, or a catalogue streamed line by line; "current" stands for the regimes in
// force on the date, combined into one decision.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/app/inputs.hpp"
#include "engine/app/session.hpp"
#include "engine/eval/compiled.hpp"
#include "engine/report/decision_report.hpp"

namespace exctl::app {

struct CatalogueEntry;

// A catalogue's rows as they are decided: the chip, one decision (a regime's, or the
// combined "current"), and whether the decision is one the check keeps for its lifetime
// (shared by every chip in a cell of the compiled form), so what is made of it can be kept.
using CatalogueRowSink =
    std::function<void(std::string_view chip, const eval::Decision& decision, bool kept)>;

struct CheckRequest {
  std::vector<std::string> chips;    // ids, names or aliases
  bool all = false;                  // every chip of the database
  std::string spec;                  // a chip spec file not in the database
  std::string specs;                 // a catalogue (.csv or .jsonl), streamed
  std::vector<std::string> regimes;  // ids, or "current"; empty: every regime
  Given to, hq, date;
  std::string exporter;    // who exports: is-informed letters bind only their addressees
  std::string fail_on;     // "", "controlled" or "indeterminate"
  bool inference = false;  // estimate each chip on the reference workload (for --explain)
  bool compiled = false;   // decide a catalogue through the compiled form (no traces)
  bool robust = false;     // ranged over readings and ranges (app/robust): chip records only
};

// A chip checked: a record (from the database or a spec file), or a row of a catalogue.
struct Subject {
  std::string id, name;
  std::shared_ptr<const Chip> chip;  // shared with the database's chips: no copy per check
  eval::FieldValues values;
  std::string inference;  // the reference-workload line, when asked for
};

// One chip of `chips`, sharing its ownership.
inline std::shared_ptr<const Chip> shared_chip(
    const std::shared_ptr<const std::vector<Chip>>& chips, const Chip& chip) {
  return {chips, &chip};
}

// A check with its arguments validated, its rules loaded and its regimes chosen.
class Check {
 public:
  // nullptr, with diagnostics, when an argument or the rules are unusable.
  static std::unique_ptr<Check> prepare(Session& session, CheckRequest request);
  ~Check();

  // Every decision on one subject: one row per regime asked for, then the combined
  // "current" row. None, with E0421 reported, when the subject's values carry an
  // expression past exact arithmetic.
  std::vector<report::DecisionRow> decide(const Subject& subject);
  // The same through the tree walk whatever request().compiled says: with the traces.
  std::vector<report::DecisionRow> decide_traced(const Subject& subject);
  // The first `count` lines of a catalogue through the compiled form, all together: each
  // regime decides the batch as columns (CompiledRegime::decide_all). Rows go to `each` in
  // order, chip by chip; returns the --fail-on count. Needs request().compiled.
  int decide_batch(const std::vector<CatalogueEntry>& batch, size_t count,
                   const CatalogueRowSink& each);
  // How many of `rows` match --fail-on.
  int failures(const std::vector<report::DecisionRow>& rows) const;

  const CheckRequest& request() const { return request_; }
  Session& session() const { return session_; }
  const sema::Rulebook& book() const { return *book_; }
  sema::DateKey date() const { return query_.date; }
  // Every regime whose decision enters a row: those asked for and, for "current", the
  // leaves in force (or the embargo layer when none is).
  std::vector<const sema::Regime*> regimes_read() const;
  // What `current` left out or replaced on the date; empty unless "current" was asked for.
  const std::vector<std::string>& current_notes() const { return pending_; }

 private:
  Check(Session& session, CheckRequest request);
  const eval::Decision& decide_one(const sema::Regime& r, const eval::FieldValues& values);
  bool fails(const eval::Decision& d) const;
  // decide_batch, one subject at a time: for a batch in which a chip left exact arithmetic.
  int decide_rows(const std::vector<CatalogueEntry>& batch, size_t count,
                  const CatalogueRowSink& each);
  // A regime's decision as shown on its own row: with whom an is-informed letter binds.
  const eval::Decision& shown(const sema::Regime& r, const eval::Decision& d, bool kept);
  // The combined "current" decision of the leaves' (or the embargo layer's) decisions.
  const eval::Decision& combined(const std::vector<const eval::Decision*>& parts, bool kept);

  Session& session_;
  CheckRequest request_;
  std::shared_ptr<const sema::Rulebook> book_;  // shared with the session's cache
  std::vector<const sema::Regime*> regimes_;
  bool current_ = false;
  std::vector<const sema::Regime*> leaves_;  // in force on the date, for "current"
  std::vector<std::string> pending_;         // in force, compliance not yet due
  eval::Query query_;
  std::map<const sema::Regime*, eval::CompiledRegime> compiled_;
  eval::Decision scratch_;
  // decide_batch: the batch as columns, each regime's decision of each chip, and what is
  // made of decisions the compiled form keeps (kept as long as they are).
  struct Batch;
  std::unique_ptr<Batch> batch_;
  std::unordered_map<const eval::Decision*, eval::Decision> shown_;
  std::map<std::vector<const eval::Decision*>, eval::Decision> combined_;
};

// Chips of the database or a spec file, checked. Owns what its rows point into.
struct CheckRun {
  std::unique_ptr<Check> check;
  std::vector<Subject> subjects;
  std::vector<report::DecisionRow> rows;
  std::vector<size_t> subject_of_row;
  int failures = 0;
};
std::optional<CheckRun> check_chips(Session& session, CheckRequest request);

// A catalogue, checked line by line: `each` gets the rows of one line as they are decided.
// Lines with errors are reported (E0116) and skipped. Returns the --fail-on count, or
// nullopt when the check could not start.
std::optional<int> check_catalogue(
    Session& session, CheckRequest request,
    const std::function<void(const std::vector<report::DecisionRow>&)>& each);

// The same with the check already prepared.
std::optional<int> decide_catalogue(
    Check& check, const std::function<void(const std::vector<report::DecisionRow>&)>& each);

// A catalogue through the compiled form, batch by batch (Check::decide_batch): no traces,
// the same decisions. Returns the --fail-on count, or nullopt when the check could not start.
std::optional<int> check_catalogue_compiled(Session& session, CheckRequest request,
                                            const CatalogueRowSink& each);

// The leaf regimes in force on `date`: a regime that another in-force regime extends or
// supersedes is folded into it; regimes that bind only some exporters are left out.
// A regime in force whose compliance date is still to come is replaced by the regime it
// supersedes (or left out when it supersedes none). An is-informed instrument applies only
// when `exporter` is among those it names. `pending`, when given, gets a line for each
// regime left out or replaced.
std::vector<const sema::Regime*> current_regimes(const sema::Rulebook& book, sema::DateKey date,
                                                 std::string_view exporter = {},
                                                 std::vector<std::string>* pending = nullptr);

// The "current" decision: `parts` (one per leaf regime, or the book's embargo layer when
// none is in force) combined, with the notes of current_regimes among its flags.
eval::Decision current_decision(const std::vector<const sema::Regime*>& leaves,
                                const std::vector<eval::Decision>& parts,
                                const std::vector<std::string>& notes);

// Whom an is-informed instrument binds, and whether `exporter` is among them.
std::string informed_note(const sema::Regime& regime, std::string_view exporter);

// The decisions of several regimes in force together as one: the most severe verdict, every
// paragraph, note, exception and reason, a licence when any regime requires one, and the
// strictest review policy (eval::stricter, as within one regime). One decision is itself.
eval::Decision combine(const std::vector<eval::Decision>& parts);

}  // namespace exctl::app
