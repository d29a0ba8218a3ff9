// Calendar dates as the rule language, the country groups file and decision tables write
// them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace exctl {

// A calendar date as yyyymmdd, so that dates compare as integers. 0 = none.
using DateKey = int;
std::optional<DateKey> parse_date(std::string_view text);  // "2023-11-17"
std::string date_text(DateKey d);

// True when `date` lies in [from, until); a bound of 0 is open. A date of 0 (no date
// asked) lies in every window, as `since`/`until` clauses treat it.
inline bool date_in_window(DateKey date, DateKey from, DateKey until) {
  if (date == 0) return true;
  return (from == 0 || date >= from) && (until == 0 || date < until);
}

}  // namespace exctl
