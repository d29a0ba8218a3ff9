// Source text with a line table, and byte-offset spans into it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace exctl {

// A file's text, owned; spans point into it. Line and column are computed lazily.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);
  // A piece of a larger file (one row of a streamed catalogue, say): its first line is
  // line `first_line` of the file, and lines and positions are the file's.
  SourceFile(std::string path, std::string text, uint32_t first_line);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  // 1-based line and column of a byte offset (column counts bytes).
  struct Position {
    uint32_t line;
    uint32_t column;
  };
  Position position(uint32_t offset) const;
  // Byte offset of a 1-based line and column; clamped to the text.
  uint32_t offset(uint32_t line, uint32_t column) const;
  // The text of a 1-based line without its newline.
  std::string_view line_text(uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
  uint32_t first_line_ = 1;
};

using SourcePtr = std::shared_ptr<const SourceFile>;

// A half-open byte range [begin, end) in a source file. A span without a file
// names no location (a command-line problem, say).
struct Span {
  SourcePtr file;
  uint32_t begin = 0;
  uint32_t end = 0;

  bool has_file() const { return file != nullptr; }
};

}  // namespace exctl
