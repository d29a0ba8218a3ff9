#include "engine/base/date.hpp"

#include <charconv>

#include <fmt/format.h>

namespace exctl {

std::optional<DateKey> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  auto num = [&](size_t at, size_t len, int& out) {
    auto r = std::from_chars(text.data() + at, text.data() + at + len, out);
    return r.ec == std::errc() && r.ptr == text.data() + at + len;
  };
  if (!num(0, 4, y) || !num(5, 2, m) || !num(8, 2, d)) return std::nullopt;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return std::nullopt;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return std::nullopt;
  return y * 10000 + m * 100 + d;
}

std::string date_text(DateKey d) {
  if (d == 0) return "";
  return fmt::format("{:04}-{:02}-{:02}", d / 10000, d / 100 % 100, d % 100);
}

}  // namespace exctl
