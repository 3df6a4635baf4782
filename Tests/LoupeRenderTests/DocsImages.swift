import Foundation
import Testing
@testable import LoupeRender

/// Regenerates the example pictures in docs/images when LOUPE_RENDER_DOCS_DIR is set
/// (skipped otherwise). With LOUPE_RENDER_MNIST_SAMPLE pointing at raw 28×28 MNIST bytes
/// (image 4 is a "4", image 7 a "9"), the traversal example uses real digits; otherwise
/// synthetic ones. No data file is needed for the regular test run.
@Suite("Docs pictures")
struct DocsImages {
    static let folder = ProcessInfo.processInfo.environment["LOUPE_RENDER_DOCS_DIR"]

    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs")

    /// Every picture the README and docs/ link to exists and decodes to a non-trivial image
    /// (runs always; the regeneration below only on request).
    @Test("every picture the docs link to decodes")
    func linkedPicturesDecode() throws {
        let pages = [Self.docs.deletingLastPathComponent().appendingPathComponent("README.md")]
            + (try FileManager.default.contentsOfDirectory(at: Self.docs, includingPropertiesForKeys: nil))
                .filter { $0.pathExtension == "md" }
        var linked = Set<String>()
        for page in pages {
            let text = try String(contentsOf: page, encoding: .utf8)
            var rest = Substring(text)
            while let r = rest.range(of: "images/") {
                let tail = rest[r.upperBound...]
                let name = tail.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
                if name.hasSuffix(".png") { linked.insert(String(name)) }
                rest = tail
            }
        }
        #expect(linked.count >= 5, "the docs link pictures: \(linked.sorted())")
        for name in linked.sorted() {
            let url = Self.docs.appendingPathComponent("images").appendingPathComponent(name)
            let bytes = try #require(FileManager.default.contents(atPath: url.path), "docs/images/\(name) exists")
            let png = try PNGDecoder.decode([UInt8](bytes))
            #expect(png.canvas.width >= 100 && png.canvas.height >= 40, "\(name): \(png.canvas.width)×\(png.canvas.height)")
            let first = Array(png.canvas.pixels.prefix(4))
            let uniform = stride(from: 0, to: png.canvas.pixels.count, by: 4).allSatisfy {
                Array(png.canvas.pixels[$0..<($0 + 4)]) == first
            }
            #expect(!uniform, "\(name) is not a blank picture")
        }
    }

    @Test("regenerate docs/images", .enabled(if: folder != nil, "set LOUPE_RENDER_DOCS_DIR to regenerate docs/images"))
    func generate() throws {
        let out = URL(fileURLWithPath: try #require(Self.folder))
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let style = RenderStyle(scale: 2)

        try SentenceHeatmap(tokens: Fixtures.englishTokens, summary: Fixtures.summary)
            .writePNG(to: out.appendingPathComponent("heatmap-english.png"), style: style)

        let zhSummary = AttributionSummary(predictedLabel: "正面 (positive)", probability: 0.94,
                                           method: "Integrated Gradients", target: "正面", model: "waimai-bag")
        try SentenceHeatmap(tokens: Fixtures.chineseTokens, summary: zhSummary)
            .writePNG(to: out.appendingPathComponent("heatmap-chinese.png"), style: style)

        // Spans over mixed Chinese/English text, wrapped, colour-blind-safe palette.
        let text = "送餐很快，味道也不错，but the fries were cold and soggy. 下次还会再点！"
        let pieces: [(String, Double)] = [("送餐", 0.21), ("很快", 0.48), ("，", 0), ("味道", 0.05), ("也", 0.02),
                                          ("不错", 0.55), ("，", 0), ("but", -0.31), ("the", -0.02), ("fries", -0.12),
                                          ("were", -0.03), ("cold", -0.62), ("and", -0.04), ("soggy", -0.71),
                                          (".", -0.01), ("下次", 0.12), ("还会", 0.18), ("再点", 0.33), ("！", 0.05)]
        var spans = [Range<Int>]()
        let scalars = Array(text.unicodeScalars)
        var cursor = 0
        for (piece, _) in pieces {
            let p = Array(piece.unicodeScalars)
            while Array(scalars[cursor..<(cursor + p.count)]) != p { cursor += 1 }
            spans.append(cursor..<(cursor + p.count))
            cursor += p.count
        }
        var narrow = style
        narrow.width = 440
        narrow.colorMap = .purpleOrange
        try SentenceHeatmap(text: text, spans: spans, scores: pieces.map(\.1),
                            summary: AttributionSummary(predictedLabel: "negative", probability: 0.58,
                                                        method: "Occlusion (window 1)", target: "positive"))
            .writePNG(to: out.appendingPathComponent("heatmap-mixed-spans.png"), style: narrow)

        let words = ["the", "film", "is", "a", "quiet", ",", "moving", "portrait", "of", "two", "friends", "who",
                     "grow", "apart", "and", "find", "each", "other", "again", "—", "funny", ",", "warm", "and",
                     "never", "sentimental", "for", "a", "moment", "."]
        let scores: [Double] = [0.01, 0.05, 0.02, 0.0, 0.31, 0.0, 0.74, 0.22, 0.01, 0.03, 0.12, 0.0, -0.08, -0.27,
                                0.02, 0.09, 0.01, 0.03, 0.06, 0.0, 0.52, 0.0, 0.47, 0.02, -0.18, 0.41, 0.0, 0.0,
                                0.02, 0.01]
        try SentenceHeatmap(tokens: zip(words, scores).map { TokenScore($0.0, $0.1) },
                            summary: AttributionSummary(predictedLabel: "positive", probability: 0.91,
                                                        method: "Gradient × Input", target: "positive"))
            .writePNG(to: out.appendingPathComponent("heatmap-long.png"), style: narrow.withColorMap(.redBlue))

        let comparison = try MethodComparison(tokens: Fixtures.englishTokens.map(\.text), methods: [
            ("Saliency", [0.09, 0.21, 0.05, 0.93, 0.34, 0.18, 0.02]),
            ("Input × Gradient", [0.03, 0.12, -0.04, 0.71, 0.25, 0.09, -0.05]),
            ("Integrated Gradients", Fixtures.englishTokens.map(\.score)),
            ("Occlusion", [0.0, 0.05, -0.1, 0.6, 0.4, 0.1, -0.2]),
        ], summary: AttributionSummary(title: "Four methods, one sentence", predictedLabel: "positive", probability: 0.97))
        try comparison.writePNG(to: out.appendingPathComponent("method-comparison.png"), style: style)

        try traversal().writePNG(to: out.appendingPathComponent("traversal-digits.png"), style: style)

        let textGrid = try TraversalGrid(values: [-2, 0, 2], texts: [
            ["the film is dull and far too long", "the film is long but never dull", "the film is a joy from start to end"],
            ["a quiet film", "a quiet , moving film", "a quiet , moving , funny and warm film about two friends"],
            ["it is good", "it is good", "it is good"],
        ], kl: [1.42, 0.66, 0.0], title: "Text VAE traversal")
        try textGrid.writePNG(to: out.appendingPathComponent("traversal-text.png"), style: style)

        let tokens = ["the", "film", "is", "a", "quiet", ",", "moving", "portrait", "."]
        let contributions: [Double] = [0.04, 0.61, 0.02, 0.01, 0.88, -0.05, 1.32, 0.97, 0.03]
        var matrix = [[Double]]()
        for (t, c) in contributions.enumerated() {
            var row = [Double]()
            for d in 0..<8 {
                let focus = exp(-Double((d - (t * 3) % 8) * (d - (t * 3) % 8)) / 3)
                row.append(max(0, c) * (d == 5 ? 0.02 : focus))
            }
            matrix.append(row)
        }
        try TokenKLChart(tokens: tokens, contributions: contributions, matrix: matrix, title: "Where the KL goes")
            .writePNG(to: out.appendingPathComponent("kl-per-token.png"), style: style)
    }

    /// A pretend VAE traversal: each row changes one property of a digit.
    func traversal() throws -> TraversalGrid {
        let values: [Double] = [-3, -2, -1, 0, 1, 2, 3]
        var four = Gray28.synthetic(seed: 4), nine = Gray28.synthetic(seed: 9)
        if let path = ProcessInfo.processInfo.environment["LOUPE_RENDER_MNIST_SAMPLE"],
           let data = FileManager.default.contents(atPath: path), data.count >= 8 * 784 {
            let bytes = [UInt8](data)
            four = Gray28(pixels: Array(bytes[(4 * 784)..<(5 * 784)]))
            nine = Gray28(pixels: Array(bytes[(7 * 784)..<(8 * 784)]))
        }
        let rows: [(String, Double, (Double) -> Gray28)] = [
            ("z0", 2.31, { four.sheared(0.14 * $0) }),
            ("z1", 1.87, { four.morphed(into: nine, amount: ($0 + 3) / 6) }),
            ("z2", 0.01, { _ in four }),
            ("z3", 1.12, { four.scaledHorizontally(1 + 0.12 * $0) }),
            ("z4", 0.64, { four.thickened(Int($0.rounded())) }),
        ]
        return try TraversalGrid(values: values, rows: rows.map { label, kl, f in
            TraversalGrid.Row(label: label, kl: kl, isActive: kl >= 0.05, cells: try values.map { .image(try f($0).canvas()) })
        }, title: "Image VAE traversal (illustration)")
    }
}

extension RenderStyle {
    func withColorMap(_ map: ColorMap) -> RenderStyle {
        var s = self
        s.colorMap = map
        return s
    }
}

/// A 28×28 grayscale image with a few geometric edits, for the traversal illustration.
struct Gray28 {
    var pixels: [UInt8]

    static func synthetic(seed: Int) -> Gray28 {
        let small = Fixtures.digit(seed)
        var p = [UInt8](repeating: 0, count: 784)
        for y in 0..<28 {
            for x in 0..<28 { p[y * 28 + x] = small.pixel(x: min(7, x * 8 / 28), y: min(7, y * 8 / 28))!.r }
        }
        return Gray28(pixels: p)
    }

    func canvas() throws -> Canvas {
        try Canvas(grayscale: pixels, width: 28, height: 28)
    }

    func sample(_ x: Double, _ y: Double) -> Double {
        let x0 = Int(x.rounded(.down)), y0 = Int(y.rounded(.down))
        let fx = x - Double(x0), fy = y - Double(y0)
        func at(_ xx: Int, _ yy: Int) -> Double {
            (0..<28).contains(xx) && (0..<28).contains(yy) ? Double(pixels[yy * 28 + xx]) : 0
        }
        return at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy)
            + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy
    }

    func mapped(_ source: (Double, Double) -> (Double, Double)) -> Gray28 {
        var p = [UInt8](repeating: 0, count: 784)
        for y in 0..<28 {
            for x in 0..<28 {
                let (sx, sy) = source(Double(x), Double(y))
                p[y * 28 + x] = UInt8(min(255, max(0, sample(sx, sy))).rounded())
            }
        }
        return Gray28(pixels: p)
    }

    func sheared(_ k: Double) -> Gray28 {
        mapped { x, y in (x + k * (y - 13.5), y) }
    }

    func scaledHorizontally(_ s: Double) -> Gray28 {
        mapped { x, y in ((x - 13.5) / s + 13.5, y) }
    }

    func morphed(into other: Gray28, amount: Double) -> Gray28 {
        Gray28(pixels: zip(pixels, other.pixels).map { a, b in
            UInt8((Double(a) * (1 - amount) + Double(b) * amount).rounded())
        })
    }

    func thickened(_ steps: Int) -> Gray28 {
        var img = self
        for _ in 0..<abs(steps) {
            var p = img.pixels
            for y in 0..<28 {
                for x in 0..<28 {
                    var v = Int(img.pixels[y * 28 + x])
                    for (dx, dy) in [(1, 0), (-1, 0), (0, 1), (0, -1)] where (0..<28).contains(x + dx) && (0..<28).contains(y + dy) {
                        let n = Int(img.pixels[(y + dy) * 28 + x + dx])
                        v = steps > 0 ? max(v, n * 3 / 4) : min(v, n + 60)
                    }
                    p[y * 28 + x] = UInt8(v)
                }
            }
            img.pixels = p
        }
        return img
    }
}
