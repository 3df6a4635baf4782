@testable import LoupeRender

/// Synthetic inputs shared by the picture tests (no data files needed).
enum Fixtures {
    static let englishTokens: [TokenScore] = [
        TokenScore("I", 0.04), TokenScore("had", 0.10), TokenScore("a", -0.02), TokenScore("great", 0.86),
        TokenScore("day", 0.21), TokenScore("today", 0.12), TokenScore(".", -0.07),
    ]

    static let chineseTokens: [TokenScore] = zip(Array("我今天过得很好。"), [0.03, -0.05, 0.02, 0.08, 0.06, 0.35, 0.72, -0.04])
        .map { TokenScore(String($0.0), $0.1) }

    static let summary = AttributionSummary(predictedLabel: "positive", probability: 0.97,
                                            method: "Integrated Gradients", target: "positive", model: "sst2-bag")

    /// An 8×8 seven-segment-style digit, white on black, shifted by `shift` pixels.
    static func digit(_ n: Int, shift: Int = 0) -> Canvas {
        // Segments: top, top-left, top-right, middle, bottom-left, bottom-right, bottom.
        let table: [[Bool]] = [
            [true, true, true, false, true, true, true], [false, false, true, false, false, true, false],
            [true, false, true, true, true, false, true], [true, false, true, true, false, true, true],
            [false, true, true, true, false, true, false], [true, true, false, true, false, true, true],
            [true, true, false, true, true, true, true], [true, false, true, false, false, true, false],
            [true, true, true, true, true, true, true], [true, true, true, true, false, true, true],
        ]
        let seg = table[((n % 10) + 10) % 10]
        var g = [UInt8](repeating: 0, count: 64)
        func on(_ x: Int, _ y: Int) {
            let xx = x + shift
            if (0..<8).contains(xx) && (0..<8).contains(y) { g[y * 8 + xx] = 255 }
        }
        for x in 2...5 {
            if seg[0] { on(x, 1) }
            if seg[3] { on(x, 4) }
            if seg[6] { on(x, 7) }
        }
        for y in 1...4 {
            if seg[1] { on(2, y) }
            if seg[2] { on(5, y) }
        }
        for y in 4...7 {
            if seg[4] { on(2, y) }
            if seg[5] { on(5, y) }
        }
        return try! Canvas(grayscale: g, width: 8, height: 8)
    }

    static let traversalValues: [Double] = [-3, -1.5, 0, 1.5, 3]

    static func traversalImages(rows: Int = 4) -> [[Canvas]] {
        (0..<rows).map { d in
            traversalValues.indices.map { v in d == 2 ? digit(8) : digit(d * 3 + v, shift: d == 1 ? v - 2 : 0) }
        }
    }
}
