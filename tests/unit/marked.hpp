// Test inputs with one span marked «like this», for asserting where a span or caret falls.
#pragma once

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

namespace exctl::testing {

struct Marked {
  std::string text;  // without the marks
  uint32_t begin = 0, end = 0;
};

inline Marked marked(const std::string& with_marks) {
  const std::string open = "«", close = "»";
  auto b = with_marks.find(open);
  auto e = with_marks.find(close);
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  Marked m;
  m.text = with_marks.substr(0, b) + with_marks.substr(b + open.size(), e - b - open.size()) +
           with_marks.substr(e + close.size());
  m.begin = static_cast<uint32_t>(b);
  m.end = static_cast<uint32_t>(e - open.size());
  return m;
}

}  // namespace exctl::testing
