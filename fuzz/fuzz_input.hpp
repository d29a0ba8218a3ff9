// What every fuzz entry point shares: the input as text, and a temporary file for readers
// that take a path (the catalogue readers, decision tables).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

namespace exctl::fuzz {

inline std::string text_of(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// A file in $TMPDIR named for this process, rewritten for each input; `suffix` picks the
// reader (".csv", ".jsonl", ".cases.toml").
inline std::string write_temp_file(const std::string& text, const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  std::string path = std::string(dir && *dir ? dir : "/tmp") + "/exctl-fuzz-" +
                     std::to_string(::getpid()) + suffix;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

// Aborts (a crash libFuzzer reports, with the input) when a property does not hold.
inline void require(bool holds) {
  if (!holds) std::abort();
}

}  // namespace exctl::fuzz
