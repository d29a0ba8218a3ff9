#include "engine/sema/ir.hpp"

#include <array>
#include <charconv>

#include <fmt/format.h>

namespace exctl::sema {
namespace {
constexpr std::array<std::string_view, 6> kStatus = {"in_force", "superseded", "rescinded",
                                                     "draft",    "reported",   "proposed"};
constexpr std::array<std::string_view, 4> kPolicy = {"none", "presumption_of_denial", "case_by_case",
                                                     "presumption_of_approval"};
constexpr std::array<std::string_view, 6> kCmp = {">=", ">", "<=", "<", "==", "!="};
}  // namespace

std::string_view status_name(Status s) { return kStatus[static_cast<size_t>(s)]; }
std::optional<Status> status_from_name(std::string_view s) {
  for (size_t i = 0; i < kStatus.size(); ++i) {
    if (kStatus[i] == s) return static_cast<Status>(i);
  }
  return std::nullopt;
}

std::string_view policy_name(Policy p) { return kPolicy[static_cast<size_t>(p)]; }
std::optional<Policy> policy_from_name(std::string_view s) {
  for (size_t i = 1; i < kPolicy.size(); ++i) {
    if (kPolicy[i] == s) return static_cast<Policy>(i);
  }
  return std::nullopt;
}

std::string_view cmp_text(CmpOp op) { return kCmp[static_cast<size_t>(op)]; }

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

bool Regime::in_force_on(DateKey date) const {
  if (status == Status::draft || status == Status::proposed) return false;
  if (effective == 0 || date < effective) return false;
  return ends == 0 || date < ends;
}

int Regime::find_param(const std::string& name) const {
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace exctl::sema
