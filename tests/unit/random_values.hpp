// Random chip values for property tests: mostly a regime's own constants and the values
// just either side of them, one value in ten unknown.
#pragma once

#include <random>
#include <vector>

#include "engine/eval/values.hpp"
#include "engine/sema/ir.hpp"

namespace exctl::testing {

// Every constant a regime compares against, and the values just either side of it.
inline std::vector<Rational> boundary_values(const sema::Regime& r) {
  std::vector<Rational> out{0, 1};
  auto add = [&](const Rational& v) {
    for (const Rational& d : {Rational(0), Rational(1, 10000), Rational(-1, 10000), Rational(1)})
      out.push_back(v + d);
  };
  for (const auto& n : r.nodes) {
    if (n.kind == sema::Node::Kind::number) add(n.number);
  }
  for (const auto& p : r.params)
    add(p.value);
  return out;
}

inline eval::FieldValues random_values(std::mt19937& rng, const std::vector<Rational>& boundaries) {
  eval::FieldValues v;
  std::uniform_int_distribution<size_t> pick(0, boundaries.size() - 1);
  std::uniform_int_distribution<int> coin(0, 9);
  for (const auto& info : sema::field_catalogue()) {
    if (coin(rng) == 0) continue;  // one value in ten unknown
    if (info.boolean) {
      v.set(info.id, coin(rng) < 5);
    } else {
      // Mostly a boundary of the rule; now and then a random value of either sign.
      Rational x = coin(rng) < 8 ? boundaries[pick(rng)]
                                 : Rational(static_cast<int64_t>(rng() % 20000) - 100, 3);
      v.set(info.id, x);
    }
  }
  return v;
}

}  // namespace exctl::testing
