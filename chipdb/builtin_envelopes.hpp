// The shipped technology envelopes (chipdb/envelope/*.toml), embedded at build time in
// year order, as chipdb/envelope/YEAR.toml.
#pragma once

#include <vector>

#include "engine/base/embedded.hpp"

namespace exctl::chipdb {

extern const std::vector<EmbeddedFile> kBuiltinEnvelopeFiles;

}  // namespace exctl::chipdb
