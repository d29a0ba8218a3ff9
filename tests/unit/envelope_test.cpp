// chipdb: the shipped technology envelopes parse, are sourced, and move the way technology
// does; a bad envelope is a diagnostic with its code.
#include "chipdb/envelope.hpp"

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "chipdb/builtin_envelopes.hpp"

namespace {

using namespace exctl;

std::vector<Envelope> shipped() {
  std::vector<Envelope> out;
  for (const auto& f : chipdb::kBuiltinEnvelopeFiles) {
    DiagnosticSink sink;
    auto e = chipdb::parse_envelope(
        std::make_shared<SourceFile>(std::string(f.path), std::string(f.text)), sink);
    INFO(f.path << "\n" << render_text(sink));
    REQUIRE(e);
    CHECK(sink.empty());
    out.push_back(std::move(*e));
  }
  return out;
}

std::string codes_of(const std::string& text) {
  DiagnosticSink sink;
  auto e = chipdb::parse_envelope(std::make_shared<SourceFile>("t.toml", text), sink);
  CHECK_FALSE(e);
  std::string codes;
  for (const auto& d : sink.sorted())
    codes += d.code + " ";
  return codes;
}

const char* kGood = R"(year = 2024
[die]
reticle_mm2 = 800
max_dies = 1
transistors_million_per_mm2 = 100
source = "t"
confidence = "low"
[[node]]
name = "n"
fp16_tflops_per_mm2 = 1.4
fp8_ratio = 2
source = "t"
confidence = "low"
[[memory]]
name = "HBM3"
kind = "hbm"
stack_bandwidth_gbps = 800
stack_capacity_gb = 24
max_stacks = 8
source = "t"
confidence = "low"
[interconnect]
chip_to_chip_gbps = 900
host_link_gbps = 128
source = "t"
confidence = "low"
[power]
tdp_w = 700
source = "t"
confidence = "low"
)";

std::string with(std::string from, const std::string& to) {
  std::string text = kGood;
  text.replace(text.find(from), from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("the shipped envelopes are 2022 to 2028, sourced, projections marked low") {
  auto all = shipped();
  REQUIRE(all.size() == 7);
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& e = all[i];
    INFO(e.year);
    CHECK(e.year == 2022 + static_cast<int64_t>(i));
    std::vector<const Provenance*> groups = {&e.die, &e.interconnect, &e.power};
    for (const auto& n : e.nodes)
      groups.push_back(&n.provenance);
    for (const auto& m : e.memories)
      groups.push_back(&m.provenance);
    for (const auto* p : groups) {
      CHECK_FALSE(p->source.empty());
      if (e.year >= 2026) CHECK(p->confidence == Confidence::low);
    }
  }
}

TEST_CASE("technology does not go backwards from one shipped year to the next") {
  auto all = shipped();
  for (size_t i = 1; i < all.size(); ++i) {
    const auto &a = all[i - 1], &b = all[i];
    INFO(b.year);
    CHECK(b.max_logic_area() >= a.max_logic_area());
    CHECK(b.chip_to_chip_gbps >= a.chip_to_chip_gbps);
    auto best = [](const Envelope& e, bool hbm) {
      Rational top(0);
      for (const auto& m : e.memories)
        if (m.hbm == hbm) top = std::max(top, m.max_bandwidth());
      return top;
    };
    CHECK(best(b, true) >= best(a, true));
    CHECK(best(b, false) >= best(a, false));
  }
}

TEST_CASE("the 2022 and 2024 densities are the H100's and the B200's") {
  auto all = shipped();
  // H100 SXM: 989.4 TFLOPS dense FP16 on 814 mm2; B200: 2,250 on 2 x 800 mm2.
  CHECK((all[0].nodes.front().fp16_tflops_per_mm2 - Rational(9894, 10) / Rational(814)) <
        Rational(1, 10000));
  CHECK((all[2].nodes.front().fp16_tflops_per_mm2 - Rational(2250) / Rational(1600)) <
        Rational(1, 10000));
}

TEST_CASE("impossible envelopes are diagnostics with stable codes") {
  CHECK(codes_of(with("reticle_mm2 = 800", "reticle_mm2 = -800")) == "E0705 ");
  CHECK(codes_of(with("reticle_mm2 = 800", "reticle_mm2 = 0")) == "E0705 ");
  CHECK(codes_of(with("max_stacks = 8", "min_stacks = 9\nmax_stacks = 8")) == "E0706 ");
  CHECK(codes_of(with("tdp_w = 700", "tdp_w = 700\ntdp_max_w = 800")) == "E0703 ");
  CHECK(codes_of(with("kind = \"hbm\"", "kind = \"sram\"")) == "E0706 ");
  CHECK(codes_of(with("fp8_ratio = 2", "fp8_ratio = 2\nfp4_ratio = 1")) == "E0706 ");
  CHECK(codes_of(with("year = 2024", "")) == "E0702 ");
  CHECK(codes_of("year = 2024\n[die\n") == "E0701 ");
  CHECK(codes_of(with("max_dies = 1", "max_dies = \"one\"")).find("E0704") != std::string::npos);
}
