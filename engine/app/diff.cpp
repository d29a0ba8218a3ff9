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

}  // namespace

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
  // `retrace`: the rows came from the compiled form, so a chip that changes is decided again
  // with the traces, for the clauses that make the change.
  auto add = [&](const std::vector<report::DecisionRow>& rows,
                 std::optional<eval::RobustVerdict> robust = std::nullopt,
                 const std::function<std::vector<report::DecisionRow>()>& retrace = {}) {
    if (rows.size() != 2) return;  // no verdict for this chip (E0421, reported)
    auto d = draft::diff_outcomes(rows[0].decision, rows[1].decision);
    if (retrace && d.change != draft::OutcomeChange::unchanged) {
      auto traced = retrace();
      if (traced.size() == 2) d = draft::diff_outcomes(traced[0].decision, traced[1].decision);
    }
    ++result.counts[static_cast<size_t>(d.change)];
    bool moves_somewhere = robust && !robust->robust;
    if (d.change != draft::OutcomeChange::unchanged || moves_somewhere)
      result.changed.push_back({rows[0].chip, rows[0].chip_name, std::move(d), std::move(robust)});
  };
  if (request.rules_only) {
    result.check = Check::prepare(session, check);
    if (!result.check) return std::nullopt;
  } else if (!request.specs.empty()) {
    result.check = Check::prepare(session, check);
    if (!result.check) return std::nullopt;
    if (!decide_catalogue(*result.check, add)) return std::nullopt;
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
    if (request.robust) change.analyse();  // once for every chip
    for (size_t i = 0; i + 1 < run->rows.size(); i += 2) {
      std::optional<eval::RobustVerdict> robust;
      subject = &run->subjects[run->subject_of_row[i]];
      if (request.robust && subject->chip)
        robust = robust_verdicts(change, *subject->chip, session.options, c.date()).front();
      add({run->rows[i], run->rows[i + 1]}, std::move(robust),
          [&] { return c.decide_traced(*subject); });
    }
    result.check = std::move(run->check);
  }
  result.before = result.check->book().find(request.before);
  result.after = result.check->book().find(request.after);
  // --outcomes-only leaves the rules out of the output and out of any().
  if (!request.outcomes_only) result.rules = draft::diff_rules(*result.before, *result.after);
  return result;
}

}  // namespace exctl::app
