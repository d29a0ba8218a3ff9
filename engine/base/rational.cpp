#include "engine/base/rational.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace exctl {
namespace {

__extension__ typedef __int128 i128;  // exact intermediate products

int64_t narrow(i128 v) {
  if (v > INT64_MAX || v < INT64_MIN) throw std::overflow_error("rational arithmetic overflow");
  return static_cast<int64_t>(v);
}

i128 gcd128(i128 a, i128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    i128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

Rational make(i128 num, i128 den) {
  if (den == 0) throw std::domain_error("division by zero");
  if (den < 0) {
    num = -num;
    den = -den;
  }
  // Both within 64 bits (the common case): reduced by the 64-bit gcd alone.
  if (num > INT64_MIN && num <= INT64_MAX && den <= INT64_MAX)
    return Rational(static_cast<int64_t>(num), static_cast<int64_t>(den));
  i128 g = gcd128(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
  return Rational(narrow(num), narrow(den));
}

}  // namespace

Rational::Rational(int64_t num, int64_t den) {
  if (den == 1) {  // an integer: nothing to reduce
    num_ = num;
    return;
  }
  if (den == 0) throw std::domain_error("rational with zero denominator");
  if (den < 0) {
    num = -num;
    den = -den;
  }
  int64_t g = std::gcd(num, den);
  num_ = g > 1 ? num / g : num;
  den_ = g > 1 ? den / g : den;
}

namespace {

// [+-]digits[.digits] with at most 18 digits, as a catalogue writes its values: exact in 64
// bits and reduced without a gcd (a power of ten shares only 2s or 5s with a numerator that
// has no trailing zero). nullopt for anything else, which the general parser reads.
std::optional<std::pair<int64_t, int64_t>> parse_short_decimal(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  uint64_t num = 0;
  int digits = 0, scale = 0;
  bool dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9' || ++digits > 18) return std::nullopt;
    num = num * 10 + static_cast<uint64_t>(c - '0');
    scale += dot ? 1 : 0;
  }
  if (digits == 0) return std::nullopt;
  for (; scale > 0 && num % 10 == 0 && num != 0; --scale)
    num /= 10;
  if (num == 0) return std::pair<int64_t, int64_t>{0, 1};
  uint64_t den = 1;
  for (int k = 0; k < scale; ++k)
    den *= 10;
  if (num % 2 == 0) {
    int twos = std::min(std::countr_zero(num), scale);
    num >>= twos;
    den >>= twos;
  } else {
    for (int fives = 0; fives < scale && num % 5 == 0; ++fives) {
      num /= 5;
      den /= 5;
    }
  }
  auto n = static_cast<int64_t>(num);
  return std::pair<int64_t, int64_t>{negative ? -n : n, static_cast<int64_t>(den)};
}

}  // namespace

std::optional<Rational> Rational::parse(std::string_view text) {
  if (auto short_form = parse_short_decimal(text)) {
    Rational r;
    r.num_ = short_form->first;
    r.den_ = short_form->second;
    return r;
  }
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  i128 num = 0;
  int64_t scale = 0;
  bool digits = false, dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_' || c == ',') continue;  // digit separators
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    digits = true;
    num = num * 10 + (c - '0');
    if (dot) ++scale;
    if (num > (i128(1) << 100)) return std::nullopt;
  }
  if (!digits) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    int64_t exp = 0;
    auto [p, ec] =
        std::from_chars(text.data() + i + 1 + (i + 1 < text.size() && text[i + 1] == '+'),
                        text.data() + text.size(), exp);
    if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
    scale -= exp;
    i = text.size();
  }
  if (i != text.size() || scale > 30 || scale < -30) return std::nullopt;
  i128 den = 1;
  for (; scale > 0; --scale)
    den *= 10;
  for (; scale < 0; ++scale)
    num *= 10;
  if (negative) num = -num;
  try {
    return make(num, den);
  } catch (const std::overflow_error&) {
    return std::nullopt;
  }
}

std::optional<Rational> Rational::from_double(double value) {
  if (!std::isfinite(value)) return std::nullopt;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return std::nullopt;
  return parse(std::string_view(buf, static_cast<size_t>(end - buf)));
}

Rational operator+(const Rational& a, const Rational& b) {
  return make(i128(a.num_) * b.den_ + i128(b.num_) * a.den_, i128(a.den_) * b.den_);
}
Rational operator-(const Rational& a, const Rational& b) {
  return make(i128(a.num_) * b.den_ - i128(b.num_) * a.den_, i128(a.den_) * b.den_);
}
Rational operator*(const Rational& a, const Rational& b) {
  return make(i128(a.num_) * b.num_, i128(a.den_) * b.den_);
}
Rational operator/(const Rational& a, const Rational& b) {
  if (b.num_ == 0) throw std::domain_error("division by zero");
  return make(i128(a.num_) * b.den_, i128(a.den_) * b.num_);
}
std::strong_ordering operator<=>(const Rational& a, const Rational& b) {
  return i128(a.num_) * b.den_ <=> i128(b.num_) * a.den_;
}

std::optional<std::string> Rational::exact_decimal() const {
  int64_t d = den_;
  int places = 0;
  int twos = 0, fives = 0;
  while (d % 2 == 0)
    d /= 2, ++twos;
  while (d % 5 == 0)
    d /= 5, ++fives;
  if (d != 1) return std::nullopt;
  places = std::max(twos, fives);
  if (places > 18) return std::nullopt;
  return format(places, false);
}

std::string Rational::format(int digits, bool group) const {
  i128 scale = 1;
  for (int i = 0; i < digits; ++i)
    scale *= 10;
  i128 n = i128(num_) * scale;
  bool negative = n < 0;
  if (negative) n = -n;
  i128 q = n / den_, r = n % den_;
  if (2 * r >= den_) ++q;  // half away from zero
  i128 whole = q / scale, frac = q % scale;
  // Digits are produced least significant first, then reversed.
  std::string w;
  int produced = 0;
  do {
    if (group && produced > 0 && produced % 3 == 0) w.push_back(',');
    w.push_back(char('0' + int(whole % 10)));
    whole /= 10;
    ++produced;
  } while (whole > 0);
  std::reverse(w.begin(), w.end());
  std::string f;
  for (int i = 0; i < digits; ++i) {
    f.push_back(char('0' + int(frac % 10)));
    frac /= 10;
  }
  std::reverse(f.begin(), f.end());
  while (!f.empty() && f.back() == '0')
    f.pop_back();
  std::string out = (negative && (w != "0" || !f.empty())) ? "-" : "";
  out += w;
  if (!f.empty()) out += "." + f;
  return out;
}

std::string Rational::exact_text() const {
  if (auto d = exact_decimal()) return *d;
  return std::to_string(num_) + "/" + std::to_string(den_);
}

}  // namespace exctl
