// The built-in chip database, embedded at build time from chipdb/chips/*.toml.
#pragma once

#include <cstddef>

namespace exctl::chipdb {
extern const unsigned char kBuiltinDb[];
extern const size_t kBuiltinDbSize;
}  // namespace exctl::chipdb
