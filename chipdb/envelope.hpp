// Technology envelopes from TOML (chipdb/envelope/YEAR.toml, docs/envelope.md). Knows
// nothing of the rule language.
#pragma once

#include <optional>

#include "engine/base/diagnostic.hpp"
#include "engine/base/envelope.hpp"

namespace exctl::chipdb {

// Parses one envelope file; nullopt (with every problem reported, E0701-E0706) when it has
// any error.
std::optional<Envelope> parse_envelope(const SourcePtr& file, DiagnosticSink& sink);

}  // namespace exctl::chipdb
