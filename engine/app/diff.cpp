#include "engine/app/diff.hpp"

#include <functional>

#include <fmt/format.h>

#include "engine/app/robust.hpp"

namespace exctl::app {
namespace {

// A change as a robust outcome: "unchanged", or the kind and both sides.
std::string change_text(const draft::OutcomeDiff& d) {
  if (d.change == draft::OutcomeChange::unchanged) return "unchanged";
  return fmt::format("{}: {} -> {}", draft::outcome_change_name(d.change), outcome_text(d.before),
                     outcome_text(d.after));
}

// Counts a chip's change, and keeps the chip when its outcome changes (or, with a robust
// verdict, moves under some reading). `retrace`: the rows came from the compiled form, so a
// chip that changes is decided again with the traces, for the clauses that make the change.
void tally(const report::DecisionRow& before, const report::DecisionRow& after,
           std::optional<eval::RobustVerdict> robust,
           const std::function<std::vector<report::DecisionRow>()>& retrace, OutcomeDiffs& out) {
  auto d = draft::diff_outcomes(before.decision, after.decision);
  if (retrace && d.change != draft::OutcomeChange::unchanged) {
    auto traced = retrace();
    if (traced.size() == 2) d = draft::diff_outcomes(traced[0].decision, traced[1].decision);
  }
  ++out.counts[static_cast<size_t>(d.change)];
  bool moves_somewhere = robust && !robust->robust;
  if (d.change != draft::OutcomeChange::unchanged || moves_somewhere)
    out.changed.push_back({before.chip, before.chip_name, std::move(d), std::move(robust)});
}

using RobustOf = std::function<std::optional<eval::RobustVerdict>(const Subject&)>;

OutcomeDiffs tally_run(const CheckRun& run, const RobustOf& robust_of) {
  OutcomeDiffs out;
  Check& c = *run.check;
  // A subject has two rows, or none when it left exact arithmetic (E0421, reported).
  for (size_t i = 0; i + 1 < run.rows.size(); i += 2) {
    const Subject& subject = run.subjects[run.subject_of_row[i]];
    tally(
        run.rows[i], run.rows[i + 1], robust_of ? robust_of(subject) : std::nullopt,
        [&] { return c.decide_traced(subject); }, out);
  }
  return out;
}

}  // namespace

OutcomeDiffs diff_checked(const CheckRun& run) {
  return tally_run(run, {});
}

std::optional<DiffResult> diff_regimes(Session& session, const DiffRequest& request) {
  for (const auto& id : {request.before, request.after}) {
    if (id == "current") {
      session.sink.error("E0114", "diff compares two named regimes; 'current' may be several");
      return std::nullopt;
    }
  }
  if (request.rules_only &&
      (!request.chips.empty() || request.all || !request.spec.empty() || !request.specs.empty())) {
    session.sink.error("E0100",
                       "--rules-only compares the rules as written: give no chips, --all, --spec "
                       "or --specs with it");
    return std::nullopt;
  }
  CheckRequest check;
  check.regimes = {request.before, request.after};
  check.chips = request.chips;
  check.spec = request.spec;
  check.specs = request.specs;
  check.to = request.to;
  check.robust = request.robust;
  check.hq = request.hq;
  check.date = request.date;
  check.all =
      request.all || (request.chips.empty() && request.spec.empty() && request.specs.empty());

  DiffResult result;
  if (request.rules_only) {
    result.check = Check::prepare(session, check);
    if (!result.check) return std::nullopt;
  } else if (!request.specs.empty()) {
    result.check = Check::prepare(session, check);
    if (!result.check) return std::nullopt;
    OutcomeDiffs diffs;
    auto add = [&](const std::vector<report::DecisionRow>& rows) {
      if (rows.size() == 2) tally(rows[0], rows[1], std::nullopt, {}, diffs);
    };
    if (!decide_catalogue(*result.check, add)) return std::nullopt;
    result.changed = std::move(diffs.changed);
    result.counts = diffs.counts;
  } else {
    check.compiled = true;  // traces only for the chips that change (add's retrace)
    auto run = check_chips(session, check);
    if (!run) return std::nullopt;
    Check& c = *run->check;
    const Subject* subject = nullptr;
    RobustTarget change{c.regimes_read(),
                        [&](const eval::FieldValues& values) {
                          Subject s{subject->id, subject->name, nullptr, values, ""};
                          auto rows = c.decide(s);
                          if (rows.size() != 2) return std::vector<std::string>{};
                          return std::vector<std::string>{change_text(
                              draft::diff_outcomes(rows[0].decision, rows[1].decision))};
                        },
                        {}};
    RobustOf robust_of;
    if (request.robust) {
      change.analyse();  // once for every chip
      robust_of = [&](const Subject& s) -> std::optional<eval::RobustVerdict> {
        if (!s.chip) return std::nullopt;
        subject = &s;
        return robust_verdicts(change, *s.chip, session.options, c.date()).front();
      };
    }
    auto diffs = tally_run(*run, robust_of);
    result.changed = std::move(diffs.changed);
    result.counts = diffs.counts;
    result.check = std::move(run->check);
  }
  result.before = result.check->book().find(request.before);
  result.after = result.check->book().find(request.after);
  // --outcomes-only leaves the rules out of the output and out of any().
  if (!request.outcomes_only) result.rules = draft::diff_rules(*result.before, *result.after);
  return result;
}

}  // namespace exctl::app
