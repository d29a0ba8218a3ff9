// Calendar dates as the rule language and the country groups file write them: the dates of
// engine/base/date.hpp, under the names sema and eval use.
#pragma once

#include "engine/base/date.hpp"

namespace exctl::sema {

using exctl::date_in_window;
using exctl::date_text;
using exctl::DateKey;
using exctl::parse_date;

}  // namespace exctl::sema
