/// A line of text positioned on a picture: pen start `x` and `baseline` in pixels.
struct PlacedText {
    var text: String
    var x: Double
    var baseline: Double
    var font: FontSpec
    var color: RGBA
}

extension Canvas {
    /// Draws each placed text.
    mutating func draw(_ texts: [PlacedText], renderer: TextRenderer) {
        for t in texts {
            drawText(t.text, x: t.x, baseline: t.baseline, font: t.font, color: t.color, renderer: renderer)
        }
    }
}

extension PNGTextChunk {
    /// `Software=Loupe` plus `Title` when there is one.
    static func pictureMetadata(title: String?) -> [PNGTextChunk] {
        var text = [PNGTextChunk(key: "Software", value: "Loupe")]
        if let title { text.append(PNGTextChunk(key: "Title", value: title)) }
        return text
    }
}
