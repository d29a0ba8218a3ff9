// How technology envelopes are shown (`envelope show`): every value with its source and
// confidence.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/base/envelope.hpp"

namespace exctl::report {

std::string envelope_text(const std::vector<Envelope>& envelopes);
nlohmann::ordered_json envelope_json(const std::vector<Envelope>& envelopes);

}  // namespace exctl::report
