// `envelope show`: the technology envelopes, shipped (chipdb/envelope/YEAR.toml, embedded)
// or a user's file; and the design space `loophole` searches, made from one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chipdb/envelope.hpp"
#include "engine/app/inputs.hpp"
#include "engine/app/session.hpp"
#include "engine/draft/loophole.hpp"

namespace exctl::app {

struct EnvelopeRequest {
  Given year;        // a shipped year; not given: every shipped year (show) or the date's
  std::string file;  // --envelope FILE.toml instead
};

// Every shipped envelope, by year. An embedded file that does not parse is an internal error.
std::vector<Envelope> shipped_envelopes(DiagnosticSink& sink);

// The envelopes `envelope show` prints: the file's, the year's, or every shipped one.
// E0707 (a year with no shipped envelope, or --year with --envelope), E0701-E0706 (the file).
std::optional<std::vector<Envelope>> show_envelopes(Session& session,
                                                    const EnvelopeRequest& request);

// The one envelope an operation uses: the file's, else the year's, else the shipped one of
// `default_year`. E0707 as above.
std::optional<Envelope> envelope_argument(Session& session, const EnvelopeRequest& request,
                                          int64_t default_year);

// The design space of an envelope: its densest node, each memory technology at its most
// stacks, the package's interconnect; the datacenter flag as asked (nullopt: either).
draft::DesignSpace envelope_space(const Envelope& e, std::optional<bool> datacenter);

}  // namespace exctl::app
