import Foundation
import LoupeTensor

/// Milliseconds per many-row product with a stored weight, with the weight decoded at every
/// call and with the form ``WeightPanelCache`` keeps, for the formats a GGUF holds, in the two
/// places such products occur: an attribution pass (231 rows — 7 path points × 33 tokens — on
/// one thread as a shard runs, forward and input gradient) and a prompt in generation (57
/// tokens, 2 threads, forward only). Shapes like SmolLM2's MLP (K-quant rows need multiples of
/// 256, so 512 stands in for its 576).
func runPanelCacheBenchmark(_ args: [String]) throws {
    let formats: [QuantizationType] = [.q4_1, .q8_0, .q6_K, .q4_K, .f16]
    let shapes: [(out: Int, in: Int)] = [(1536, 512), (512, 1536)]
    let scenarios: [(name: String, rows: Int, threads: Int, prompt: Bool)] = [
        ("attribution pass, 231 rows, 1 thread, forward + input gradient", 231, 1, false),
        ("prompt, 57 tokens, 2 threads, forward (float kernels mode)", 57, 2, true),
    ]
    print("stored-weight products, ms per call (median of 20): decoded at every call | kept form (when kept)")
    for scenario in scenarios {
        print("  \(scenario.name)")
        for format in formats {
            var line = "    " + format.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)
            for (n, k) in shapes {
                let x = Tensor.randomNormal([scenario.rows, k], mean: 0, standardDeviation: 1, using: &benchRandom)
                func call(_ w: QuantizedMatrix) {
                    _ = GEMM.withThreadCap(scenario.threads) {
                        if scenario.prompt {
                            return QuantizedArithmetic.with(.floatKernels) { withoutGradients { x.linear(quantized: w, bias: nil) } }
                        }
                        let leaf = x.requiringGradient()
                        let y = leaf.linear(quantized: w, bias: nil)
                        return (try? gradient(of: y.sum(), withRespectTo: leaf)) ?? y
                    }
                }
                let saved = WeightPanelCache.budgetBytes
                WeightPanelCache.budgetBytes = 0
                let w = syntheticWeight(format, rows: n, columns: k, seed: UInt64(n))
                let perCall = try medianSeconds(repeats: 20, warmup: 2) { call(w) }
                WeightPanelCache.budgetBytes = saved
                let fresh = syntheticWeight(format, rows: n, columns: k, seed: UInt64(n))
                let kept = try medianSeconds(repeats: 20, warmup: 2) { call(fresh) }
                line += String(format: "   %d×%d: %6.3f | %6.3f (%+.0f %%)", n, k, perCall * 1e3, kept * 1e3,
                               (kept / perCall - 1) * 100)
            }
            print(line)
        }
    }
}

nonisolated(unsafe) private var benchRandom = RandomGenerator(seed: 7)

/// A `rows × columns` weight of random payload bytes in `format`, every scale set to a small
/// finite half (so no element is NaN or infinite).
private func syntheticWeight(_ format: QuantizationType, rows: Int, columns: Int, seed: UInt64) -> QuantizedMatrix {
    var rng = RandomGenerator(seed: seed)
    let perRow = columns / format.blockSize * format.bytesPerBlock
    var bytes = [UInt8](repeating: 0, count: rows * perRow)
    for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: rng.nextInt(below: 256)) }
    func setHalf(_ at: Int, _ bits: UInt16) {
        bytes[at] = UInt8(bits & 0xFF)
        bytes[at + 1] = UInt8(bits >> 8)
    }
    let small: UInt16 = 0x2000   // 2^-7
    let blocks = bytes.count / format.bytesPerBlock
    for b in 0..<blocks {
        let base = b * format.bytesPerBlock
        switch format {
        case .f16, .bf16: setHalf(base, format == .f16 ? 0x3000 | UInt16(rng.nextInt(below: 0x3FF)) : 0x3E00)
        case .q8_0, .q4_0: setHalf(base, small)
        case .q4_1, .q4_K, .q5_K: setHalf(base, small); setHalf(base + 2, small)
        case .q6_K: setHalf(base + 208, small)
        default: break
        }
    }
    let data = Data(bytes) as NSData
    return QuantizedMatrix(type: format, rows: rows, columns: columns,
                           bytes: UnsafeRawBufferPointer(start: data.bytes, count: data.length), owner: data)
}
