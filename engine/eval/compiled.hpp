// A regime compiled for one query into a flat form, for catalogues of millions of chips.
//
// Normalised, every numeric comparison in a regime is `quantity op threshold`: a field
// (tpp), or an expression of fields (memory_bandwidth + interconnect_bandwidth), against
// a constant (sema::analyse_thresholds, engine/sema/thresholds.hpp). The thresholds cut
// each quantity's line into a few intervals, so a chip whose values are all known falls
// into one cell of a small grid, and every chip in a cell gets the same decision. Which of
// the fields are known is part of the cell, so an unknown value is a cell like any other.
// Evaluating a chip is a few exact comparisons and a table lookup; each cell's decision is
// made once, the first time a chip lands in it, by the same code as decide(). Regimes too
// large to tabulate are decided by decide().
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "engine/eval/decide.hpp"
#include "engine/sema/thresholds.hpp"

namespace exctl::eval {

// Many chips' values as columns, one entry per chip: a catalogue laid out for reading a
// few fields of every chip. A column may be null when no chip has that field.
struct ValueColumns {
  size_t size = 0;
  const uint32_t* known = nullptr;  // FieldValues::known_mask of each chip
  const uint32_t* truth = nullptr;  // FieldValues::true_mask of each chip
  std::array<const Rational*, sema::kFieldCount> number{};

  static ValueColumns of(const FieldValues& one);  // a single chip
  FieldValues row(size_t i) const;
};

class CompiledRegime {
 public:
  // `regime` must outlive this object.
  CompiledRegime(const sema::Regime& regime, const Query& query);

  // Calls sink(i, decision) for every chip, in order. Decisions carry no trace. Not
  // thread-safe (cells are decided on first use): one compiled regime per thread.
  template <typename Sink>
  void decide_all(const ValueColumns& chips, Sink&& sink) const;

  // One chip: a table entry, or `scratch` filled by decide() when not tabulated.
  const Decision& decide(const FieldValues& values, Decision& scratch) const;

  struct Shape {
    size_t quantities = 0;  // fields and expressions compared against thresholds
    size_t thresholds = 0;
    size_t cells = 0;   // size of the grid; 0 when the regime is not tabulated
    size_t filled = 0;  // cells decided so far
  };
  Shape shape() const;

 private:
  // A numeric expression of fields in postfix: `tpp / die_area` is field, field, div.
  struct Op {
    enum class Code : uint8_t { field, constant, arithmetic };
    Code code = Code::constant;
    uint8_t field = 0;
    sema::Node::Kind op = sema::Node::Kind::add;  // for arithmetic: add, sub, mul or div
    Rational constant;
  };
  static constexpr size_t kMaxStack = 16;  // deeper expressions are left to decide()
  struct Threshold {
    Rational value;
    bool strict = false;  // passed when the quantity is > value (else >=)
  };
  // A cell coordinate: the number of cuts passed; 0 when a field is unknown; for an
  // expression, cuts.size() + 1 when it divides by zero.
  struct Quantity {
    int field = -1;               // a plain field, or
    std::vector<Op> program;      // an expression of fields
    uint32_t fields = 0;          // the fields it reads
    std::vector<Threshold> cuts;  // ascending; a chip passes a prefix of them
    bool boolean = false;         // a boolean field: coordinate 0 or 1
    uint32_t radix() const {
      return boolean ? 2 : static_cast<uint32_t>(cuts.size() + (program.empty() ? 1 : 2));
    }
  };
  // One comparison node as a test on a quantity's coordinate b (the cuts passed):
  // (lo < 0 || b > lo) && !(hi >= 0 && b > hi), inverted when `invert`.
  struct Test {
    int quantity = -1;  // -1: a constant comparison with truth `constant`
    int lo = -1, hi = -1;
    bool invert = false;
    Truth constant = Truth::unknown;
    sema::CmpOp op = sema::CmpOp::ge;  // `quantity op threshold`, before lo/hi are set
    Rational threshold;
  };
  static constexpr size_t kMaxQuantities = 32;
  using Cell = uint64_t;
  static constexpr Cell kMaxCells = Cell{1} << 62;
  // A chip whose expression left exact arithmetic's range (the compiled form subtracts where
  // decide() compares): located here, decided by decide().
  static constexpr Cell kUntabulated = ~Cell{0};
  static constexpr Cell kMaxDenseCells = Cell{1} << 16;  // larger grids: a hash of the cells met
  static constexpr size_t kBlock = 512;  // chips located together, quantity by quantity

  class CellOracle;
  friend class CellOracle;

  static Quantity compile(const sema::ThresholdQuantity& quantity);
  // decide() without the trace, for a chip outside the table.
  Decision untabulated(const FieldValues& values) const;
  // The cells of chips [start, start + count); count <= kBlock.
  void locate(const ValueColumns& chips, size_t start, size_t count, Cell* cell) const;
  const Decision& cell_decision(Cell cell) const {
    if (!dense_.empty()) {
      const Decision* d = dense_[cell];
      return d ? *d : fill(cell);
    }
    auto it = sparse_.find(cell);
    return it != sparse_.end() ? *it->second : fill(cell);
  }
  const Decision& fill(Cell cell) const;

  const sema::Regime& regime_;
  Query query_;
  std::vector<Quantity> quantities_;
  std::unordered_map<const sema::Node*, Test> tests_;
  std::vector<int> boolean_quantity_;  // field -> quantity index, for boolean fields
  uint32_t fields_ = 0;                // every field the regime reads
  std::vector<uint32_t> field_bits_;   // the same, one bit each
  bool tabulated_ = true;              // false: every chip goes through decide()
  Cell cells_ = 0;
  mutable std::vector<const Decision*> dense_;  // cell -> its decision, once made
  mutable std::unordered_map<Cell, const Decision*> sparse_;
  mutable std::deque<Decision> decisions_;
};

template <typename Sink>
void CompiledRegime::decide_all(const ValueColumns& chips, Sink&& sink) const {
  // A sink taking a third argument learns whether the decision is a cell's, kept as long as
  // this object (true), or made for this chip alone and gone after the call (false).
  auto give = [&](size_t i, const Decision& d, bool kept) {
    if constexpr (std::is_invocable_v<Sink&, size_t, const Decision&, bool>)
      sink(i, d, kept);
    else
      sink(i, d);
  };
  if (!tabulated_) {
    for (size_t i = 0; i < chips.size; ++i) {
      const Decision d = untabulated(chips.row(i));
      give(i, d, false);
    }
    return;
  }
  Cell cell[kBlock];
  for (size_t start = 0; start < chips.size; start += kBlock) {
    size_t count = std::min(kBlock, chips.size - start);
    locate(chips, start, count, cell);
    for (size_t j = 0; j < count; ++j) {
      if (cell[j] != kUntabulated) {
        give(start + j, cell_decision(cell[j]), true);
        continue;
      }
      const Decision d = untabulated(chips.row(start + j));
      give(start + j, d, false);
    }
  }
}

}  // namespace exctl::eval
