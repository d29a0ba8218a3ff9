// Synthetic chip specs for the benchmarks: valid, varied TOML texts in the shape of the
// shipped ones (docs/chip-spec.md). One generator serves both the in-process benchmarks
// and the whole-process run in scripts/bench.sh, so both measure the same inputs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace exctl::bench {

inline constexpr uint64_t kDefaultSeed = 0x45584354'42454e43;  // "EXCTBENC"

struct GeneratedSpec {
  std::string id;
  std::string text;
};

// The spec of chip number `index`. Each spec depends only on (index, seed), so the first
// N of a larger set equal a set of N; ids, names and aliases are unique across indices.
GeneratedSpec generate_spec(size_t index, uint64_t seed = kDefaultSeed);

}  // namespace exctl::bench
