import CLoupeKernels
import Testing

// The layer-norm row kernels (Sources/CLoupeKernels/layernorm.c) on every code path this CPU can
// run, against a double-precision reference, at widths that hit the vector body and the tail.

private let layerNormPaths = ["generic", "avx2-fma"].filter { path in
    var out: [Float] = [0], xhat: [Float] = [0], rstd: [Float] = [0]
    return loupe_layer_norm_forward_using(path, 1, 1, [1], nil, [1], [0], 1e-5, &xhat, &rstd, &out) == 1
}

@Suite("Layer norm kernel")
struct LayerNormKernelTests {
    @Test(arguments: layerNormPaths)
    func matchesDoublePrecisionReference(path: String) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Float {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Float(state >> 40) / Float(1 << 23) * 4 - 2
        }
        for width in [1, 5, 8, 13, 32, 128, 130] {
            for withResidual in [false, true] {
                let rows = 3
                let x = (0..<(rows * width)).map { _ in next() }
                let residual = withResidual ? (0..<(rows * width)).map { _ in next() } : nil
                let weight = (0..<width).map { _ in next() }, bias = (0..<width).map { _ in next() }
                let g = (0..<(rows * width)).map { _ in next() }
                var xhat = [Float](repeating: .nan, count: rows * width), y = xhat, dx = xhat
                var rstd = [Float](repeating: .nan, count: rows)
                let eps: Float = 1e-5
                let label = "\(path) width \(width)\(withResidual ? " + residual" : "")"
                (residual ?? []).withUnsafeBufferPointer { pr in
                    #expect(loupe_layer_norm_forward_using(path, rows, Int32(width), x, withResidual ? pr.baseAddress : nil,
                                                           weight, bias, eps, &xhat, &rstd, &y) == 1)
                }
                #expect(loupe_layer_norm_backward_using(path, rows, Int32(width), g, xhat, rstd, weight, &dx) == 1)
                var worst = 0.0
                for r in 0..<rows {
                    let v = (0..<width).map { Double(x[r * width + $0]) + Double(residual?[r * width + $0] ?? 0) }
                    let mean = v.reduce(0, +) / Double(width)
                    let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
                    let rs = 1 / (variance + Double(eps)).squareRoot()
                    let h = v.map { ($0 - mean) * rs }
                    let gh = (0..<width).map { Double(g[r * width + $0]) * Double(weight[$0]) }
                    let mg = gh.reduce(0, +) / Double(width)
                    let mgx = zip(gh, h).map(*).reduce(0, +) / Double(width)
                    for j in 0..<width {
                        let i = r * width + j
                        let expectedY = h[j] * Double(weight[j]) + Double(bias[j])
                        let expectedDX = rs * (gh[j] - mg - h[j] * mgx)
                        worst = max(worst, abs(Double(y[i]) - expectedY), abs(Double(xhat[i]) - h[j]),
                                    abs(Double(dx[i]) - expectedDX) / max(1, abs(expectedDX)))
                    }
                    worst = max(worst, abs(Double(rstd[r]) - rs) / rs)
                }
                #expect(worst < 2e-5, "\(label): off by \(worst)")
            }
        }
    }
}
