// Three-valued logic: a condition on an unknown value is unknown, never false.
#pragma once

namespace exctl {

enum class Truth { yes, no, unknown };

inline Truth truth_not(Truth a) { return a == Truth::yes ? Truth::no : a == Truth::no ? Truth::yes : Truth::unknown; }
inline Truth truth_and(Truth a, Truth b) {
  if (a == Truth::no || b == Truth::no) return Truth::no;
  if (a == Truth::yes && b == Truth::yes) return Truth::yes;
  return Truth::unknown;
}
inline Truth truth_or(Truth a, Truth b) {
  if (a == Truth::yes || b == Truth::yes) return Truth::yes;
  if (a == Truth::no && b == Truth::no) return Truth::no;
  return Truth::unknown;
}
inline Truth truth_of(bool b) { return b ? Truth::yes : Truth::no; }

}  // namespace exctl
