#include "engine/base/source.hpp"

#include <algorithm>
#include <cstring>

namespace exctl {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  // memchr rather than a loop over every byte: chip specs are read by the thousand.
  const char* begin = text_.data();
  const char* end = begin + text_.size();
  for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\n', end - p)));) {
    ++p;
    line_starts_.push_back(static_cast<uint32_t>(p - begin));
  }
}

SourceFile::SourceFile(std::string path, std::string text, uint32_t first_line)
    : SourceFile(std::move(path), std::move(text)) {
  first_line_ = std::max<uint32_t>(first_line, 1);
}

SourceFile::Position SourceFile::position(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  auto line = static_cast<uint32_t>(it - line_starts_.begin());
  return {line + first_line_ - 1, offset - line_starts_[line - 1] + 1};
}

uint32_t SourceFile::offset(uint32_t line, uint32_t column) const {
  if (line < first_line_) return 0;
  line -= first_line_ - 1;
  if (line > line_starts_.size()) return static_cast<uint32_t>(text_.size());
  uint32_t start = line_starts_[line - 1];
  uint32_t line_end = line < line_starts_.size() ? line_starts_[line] : static_cast<uint32_t>(text_.size());
  return std::min(start + (column == 0 ? 0 : column - 1), line_end);
}

std::string_view SourceFile::line_text(uint32_t line) const {
  if (line < first_line_) return {};
  line -= first_line_ - 1;
  if (line > line_starts_.size()) return {};
  uint32_t start = line_starts_[line - 1];
  uint32_t end = line < line_starts_.size() ? line_starts_[line] : static_cast<uint32_t>(text_.size());
  std::string_view view(text_.data() + start, end - start);
  while (!view.empty() && (view.back() == '\n' || view.back() == '\r')) view.remove_suffix(1);
  return view;
}

}  // namespace exctl
