// Exact rational numbers for thresholds and chip values. The law compares exactly:
// TPP 4799.9999 is below 4800, so no comparison here goes through floating point.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace exctl {

// num/den in lowest terms, den > 0. Arithmetic that would overflow 64 bits throws
// std::overflow_error (an internal error: chip values are far from that range).
class Rational {
 public:
  constexpr Rational() = default;
  constexpr Rational(int64_t n) : num_(n) {}  // NOLINT: integers convert implicitly
  Rational(int64_t num, int64_t den);

  // Parses a decimal literal: "4800", "5.92", "-1.5e3", "1978.9". nullopt when malformed.
  static std::optional<Rational> parse(std::string_view text);
  // The exact decimal a double was written as: the shortest string that round-trips
  // (1978.9 -> 19789/10). nullopt for NaN, infinity or values out of range.
  static std::optional<Rational> from_double(double value);

  int64_t num() const { return num_; }
  int64_t den() const { return den_; }
  double to_double() const { return static_cast<double>(num_) / static_cast<double>(den_); }
  bool is_integer() const { return den_ == 1; }
  bool is_negative() const { return num_ < 0; }

  friend Rational operator+(const Rational& a, const Rational& b);
  friend Rational operator-(const Rational& a, const Rational& b);
  friend Rational operator*(const Rational& a, const Rational& b);
  friend Rational operator/(const Rational& a, const Rational& b);  // throws on b == 0
  friend bool operator==(const Rational& a, const Rational& b) = default;
  friend std::strong_ordering operator<=>(const Rational& a, const Rational& b);

  // Exact decimal text when the expansion terminates ("15831.2"), otherwise nullopt.
  std::optional<std::string> exact_decimal() const;
  // Rounded to `digits` places, trailing zeros trimmed, with thousands separators when
  // `group` ("15,831.2"). Rounds half away from zero.
  std::string format(int digits = 2, bool group = true) const;
  // Exact text: the terminating decimal, else "num/den".
  std::string exact_text() const;

 private:
  int64_t num_ = 0;
  int64_t den_ = 1;
};

}  // namespace exctl
