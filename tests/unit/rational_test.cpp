#include "engine/base/rational.hpp"

#include <random>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

using exctl::Rational;

TEST_CASE("decimal literals parse exactly") {
  CHECK(*Rational::parse("4800") == Rational(4800));
  CHECK(*Rational::parse("5.92") == Rational(592, 100));
  CHECK(*Rational::parse("-1.5e3") == Rational(-1500));
  CHECK(*Rational::parse("2.5e-1") == Rational(1, 4));
  CHECK(*Rational::parse("1_000") == Rational(1000));
  CHECK_FALSE(Rational::parse("1e"));  // an exponent without digits, not a read past the end
  CHECK_FALSE(Rational::parse("4799.99999999999999999"));  // not held exactly: refused, not rounded
  CHECK_FALSE(Rational::parse(""));
  CHECK_FALSE(Rational::parse("abc"));
  CHECK_FALSE(Rational::parse("1.2.3"));
  CHECK_FALSE(Rational::parse("12x"));
}

TEST_CASE("short decimals read as the general parser reads them") {
  // A digit separator sends the same number through the general parser (i128, gcd); the
  // short form (at most 18 digits, no separator or exponent) must give the same value, in
  // lowest terms, as Rational(num, den) would.
  std::mt19937_64 rng(42);
  const char* const kFixed[] = {"0",
                                "-0",
                                "+0",
                                "0.0",
                                "10",
                                "10.50",
                                "-.5",
                                "5.",
                                "0.125",
                                "999999999999999999",
                                "0.000000000000000001",
                                "-12.3400",
                                "1600.000",
                                "0.25",
                                "7.8125",
                                "4800",
                                "2.4e3"};
  auto general = [](const std::string& t) {
    size_t d = t.find_first_of("0123456789");
    return Rational::parse(t.substr(0, d + 1) + "_" + t.substr(d + 1));
  };
  for (const char* t : kFixed) {
    INFO(t);
    REQUIRE(Rational::parse(t));
    CHECK(*Rational::parse(t) == *general(t));
  }
  for (int n = 0; n < 20000; ++n) {
    std::string t = (rng() % 4 == 0) ? "-" : "";
    size_t digits = 1 + rng() % 18, dot = rng() % (digits + 1);
    for (size_t i = 0; i < digits; ++i) {
      if (i == dot && i > 0) t += '.';
      t += static_cast<char>('0' + (rng() % 3 == 0 ? 0 : rng() % 10));
    }
    INFO(t);
    auto fast = Rational::parse(t);
    REQUIRE(fast);
    CHECK(*fast == *general(t));
    CHECK(*fast == Rational(fast->num(), fast->den()));  // lowest terms
  }
  CHECK_FALSE(Rational::parse("."));
  CHECK_FALSE(Rational::parse("-"));
  CHECK(*Rational::parse("1234567890123456789") == Rational(1234567890123456789));  // 19 digits
}

TEST_CASE("a double converts to the decimal it was written as") {
  CHECK(*Rational::from_double(1978.9) == Rational(19789, 10));
  CHECK(*Rational::from_double(0.1) == Rational(1, 10));
  CHECK(*Rational::from_double(665.6) == Rational(3328, 5));
  CHECK_FALSE(Rational::from_double(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(Rational::from_double(std::numeric_limits<double>::quiet_NaN()));
}

TEST_CASE("threshold comparisons are exact at the boundary") {
  Rational threshold = 4800;
  CHECK(*Rational::parse("4799.9999") < threshold);
  CHECK(*Rational::parse("4799.99999999999") < threshold);
  CHECK(*Rational::parse("4800.0000") >= threshold);
  // 0.1 + 0.2 is exactly 0.3 here, unlike in binary floating point.
  CHECK(*Rational::parse("0.1") + *Rational::parse("0.2") == *Rational::parse("0.3"));
  // PD of a 1600-TPP chip on 270.28 mm2 is just under 5.92 (5.91978...).
  Rational pd = Rational(1600) / *Rational::parse("270.28");
  CHECK(pd < *Rational::parse("5.92"));
  CHECK(Rational(1600) / *Rational::parse("270.2702702") >= *Rational::parse("5.92"));
}

TEST_CASE("arithmetic keeps lowest terms") {
  Rational a(6, 4);
  CHECK(a.num() == 3);
  CHECK(a.den() == 2);
  CHECK(Rational(1, -2) == Rational(-1, 2));
  CHECK(Rational(15831, 1) / Rational(814) == Rational(15831, 814));
  CHECK((Rational(1, 3) * 3).is_integer());
  CHECK_THROWS_AS(Rational(1) / Rational(0), std::domain_error);
}

TEST_CASE("overflow is an error, never a wrong answer") {
  Rational big(INT64_MAX / 2);
  CHECK_THROWS_AS(big * big, std::overflow_error);
}

TEST_CASE("formatting rounds and groups, exact text stays exact") {
  CHECK(Rational(158312, 10).format(1) == "15,831.2");
  CHECK(Rational(158312, 10).format(1, false) == "15831.2");
  CHECK(Rational(32, 11).format(2) == "2.91");
  CHECK(Rational(2, 3).format(0) == "1");
  CHECK(Rational(-5, 2).format(0) == "-3");  // half away from zero
  CHECK(Rational(1000000).format(2) == "1,000,000");
  CHECK(Rational(32, 11).exact_text() == "32/11");
  CHECK(Rational(158312, 10).exact_text() == "15831.2");
  CHECK(*Rational(1, 8).exact_decimal() == "0.125");
  CHECK_FALSE(Rational(1, 3).exact_decimal());
}
