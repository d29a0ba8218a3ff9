// A file compiled into the executable: its path (as shown in diagnostics) and text.
#pragma once

#include <string_view>
#include <vector>

namespace exctl {

struct EmbeddedFile {
  std::string_view path;
  std::string_view text;
};

}  // namespace exctl
