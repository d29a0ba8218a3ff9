// Canonical layout of rule text: clauses indented two spaces per brace level, continuation
// lines four more, runs of blanks collapsed outside strings and comments, one blank line at
// most, a final newline. Comments are kept. format(format(t)) == format(t).
#pragma once

#include <string>

namespace exctl::syntax {

std::string format(const std::string& text);

}  // namespace exctl::syntax
