// The page's files, embedded at build time from serve/assets/ (embed_assets.cmake).
#pragma once

#include <string_view>

namespace exctl::serve {

struct Asset {
  std::string_view name;  // "index.html", "app.js", "style.css"
  std::string_view content_type;
  std::string_view body;
};

// The asset of that exact name, or nullptr: names are looked up, never opened as paths.
const Asset* find_asset(std::string_view name);

}  // namespace exctl::serve
