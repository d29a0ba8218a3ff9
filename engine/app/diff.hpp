// `diff R1 R2`: what changes between two regimes, for the chips of the database (or those
// named, a spec file, a catalogue) and in the rules as written.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/app/check.hpp"
#include "engine/draft/diff.hpp"

namespace exctl::app {

struct DiffRequest {
  std::string before, after;       // regime ids
  std::vector<std::string> chips;  // default: every chip of the database
  bool all = false;
  std::string spec, specs;
  Given to, hq, date;
  bool rules_only = false;     // the rule diff alone
  bool outcomes_only = false;  // the chips alone
  // Each chip's change under every reading and every value in its spec's ranges
  // (docs/robust.md): a chip whose outcome moves under some of them is listed too.
  bool robust = false;
};

struct ChipDiff {
  std::string id, name;
  draft::OutcomeDiff diff;
  // With --robust: the change as an outcome ("unchanged", or how it moves), robust when
  // every reading and value in range gives the same one.
  std::optional<eval::RobustVerdict> robust;
};

// The chips whose outcome differs, and the count of each kind of change.
struct OutcomeDiffs {
  std::vector<ChipDiff> changed;  // in the order checked
  std::array<int, 6> counts{};    // by draft::OutcomeChange, unchanged included
};

// The outcome diff of chips checked under two regimes, before then after (the run's check
// asked for exactly those two). Each chip that changes is decided again with the traces.
OutcomeDiffs diff_checked(const CheckRun& run);

struct DiffResult {
  std::unique_ptr<Check> check;  // owns the rule book the regimes live in
  const sema::Regime* before = nullptr;
  const sema::Regime* after = nullptr;
  std::vector<draft::RuleChange> rules;  // empty with --outcomes-only
  std::vector<ChipDiff> changed;         // chips whose outcome differs, in database order
  std::array<int, 6> counts{};           // by draft::OutcomeChange, unchanged included
  bool any() const { return !rules.empty() || !changed.empty(); }
};

// nullopt, with diagnostics, when a regime, chip or argument is unusable (E0114 for an
// unknown regime or 'current', which names no one regime to compare).
std::optional<DiffResult> diff_regimes(Session& session, const DiffRequest& request);

}  // namespace exctl::app
