import Foundation
import LoupeRender

/// Measures how long LoupeRender takes to draw a 30-token sentence heatmap (target: ≤ 20 ms
/// per render in a release build), plus PNG encoding and the other picture kinds.
/// Prints milliseconds per render; the first (cold) render, which loads fonts, is reported
/// separately and not included in the averages.
func runRenderBenchmark() {
    let words = ["the", "film", "is", "a", "quiet", ",", "moving", "portrait", "of", "two", "friends", "who",
                 "grow", "apart", "and", "find", "each", "other", "again", "—", "funny", ",", "warm", "and",
                 "never", "sentimental", "for", "a", "moment", "."]
    var tokens = [TokenScore]()
    for (i, word) in words.enumerated() {
        let score: Double = sin(Double(i) * 1.7) * (i == 6 ? 2 : 0.6)
        tokens.append(TokenScore(word, score))
    }
    let summary = AttributionSummary(predictedLabel: "positive", probability: 0.93,
                                     method: "Integrated Gradients", target: "positive", model: "bench")
    do {
        let heatmap = try SentenceHeatmap(tokens: tokens, summary: summary)
        let style = RenderStyle()
        let retina = RenderStyle(scale: 2)

        let cold = try measureMilliseconds(1) { _ = try heatmap.render(style: style) }
        print(String(format: "render: first (cold, loads fonts) 30-token heatmap: %.2f ms", cold))

        let n = 200
        let warm = try measureMilliseconds(n) { _ = try heatmap.render(style: style) }
        print(String(format: "render: 30-token heatmap @1x: %.3f ms/render over %d (target ≤ 20 ms)", warm, n))
        let warm2 = try measureMilliseconds(n / 2) { _ = try heatmap.render(style: retina) }
        print(String(format: "render: 30-token heatmap @2x: %.3f ms/render over %d", warm2, n / 2))
        let canvas = try heatmap.render(style: style)
        let encode = try measureMilliseconds(n / 2) { _ = try canvas.pngData(colorType: .rgb, text: summary.pngText) }
        print(String(format: "render: PNG encode of that heatmap (%d×%d): %.3f ms", canvas.width, canvas.height, encode))

        var images = [[Canvas]]()
        for d in 0..<8 {
            var row = [Canvas]()
            for v in 0..<9 {
                var pixels = [UInt8](repeating: 0, count: 784)
                for i in 0..<784 { pixels[i] = UInt8((i * (d + 1) + v * 31) % 256) }
                row.append(try Canvas(grayscale: pixels, width: 28, height: 28))
            }
            images.append(row)
        }
        let values: [Double] = [-4, -3, -2, -1, 0, 1, 2, 3, 4]
        let kl: [Double] = [0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1]
        let grid = try TraversalGrid(values: values, images: images, kl: kl)
        let gridTime = try measureMilliseconds(n / 4) { _ = try grid.render(style: style) }
        print(String(format: "render: 8×9 traversal grid of 28×28 images: %.3f ms/render", gridTime))
    } catch {
        print("render benchmark failed: \(error)")
    }
}

/// Average wall-clock milliseconds of `body` over `repetitions` runs.
private func measureMilliseconds(_ repetitions: Int, _ body: () throws -> Void) throws -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<repetitions { try body() }
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    return Double(elapsed) / 1e6 / Double(max(repetitions, 1))
}
