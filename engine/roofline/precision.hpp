// Number formats of a deployment (weights, activations, KV cache), their storage cost and
// the chip peak rate each runs at.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "engine/base/chip.hpp"

namespace exctl::roofline {

enum class NumberFormat { fp16, fp8, int8, fp4, int4 };
inline constexpr std::array<NumberFormat, 5> kAllFormats = {NumberFormat::fp16, NumberFormat::fp8,
                                                            NumberFormat::int8, NumberFormat::fp4,
                                                            NumberFormat::int4};

std::string_view format_key(NumberFormat f);  // "fp16" (stands for FP16 and BF16)
// Accepts the keys and "bf16"; nullopt otherwise.
std::optional<NumberFormat> format_from_key(std::string_view key);
// Bits per element including block-scale overhead: FP4 is NVFP4 (an FP8 scale per 16
// elements, 4.5 bits), INT4 is group-128 quantisation with an FP16 scale and zero point
// (4.25 bits); 8-bit formats use per-tensor or per-channel scales (negligible).
double format_bits(NumberFormat f);
inline double format_bytes(NumberFormat f) {
  return format_bits(f) / 8;
}
int nominal_bits(NumberFormat f);  // 16, 8, 8, 4, 4
Precision chip_precision(NumberFormat f);

// The formats of one deployment and the rates its kernels run at.
struct Precisions {
  NumberFormat weights = NumberFormat::fp16;
  NumberFormat activations = NumberFormat::fp16;
  NumberFormat kv = NumberFormat::fp16;
};

// The default activation format for a weight format: the same, except INT4 weights,
// which run as W4A16 (dequantised in the GEMM).
NumberFormat default_activations(NumberFormat weights);

// The GEMM format: the activations' format, since narrower weights are dequantised on the
// fly (W4A16, W8A16). Empty with a reason when the pair does not run as one kernel
// (activations narrower than weights, or FP8 with INT8).
struct GemmFormat {
  std::optional<NumberFormat> format;
  std::string problem;
};
GemmFormat gemm_format(const Precisions& p);

// Attention runs at the FP8 rate only when both the KV cache and the activations are FP8
// (or FP4 activations); otherwise at the FP16 rate.
NumberFormat attention_format(const Precisions& p);

}  // namespace exctl::roofline
