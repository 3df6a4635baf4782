/// The weight of a font request.
public enum FontWeight: Hashable, Sendable {
    case regular
    case bold
}

/// A font request: a size in pixels (already multiplied by the picture's scale) and a weight.
///
/// The family is the renderer's: DejaVu Sans for Latin text with per-glyph fallback to a
/// CJK font and then to any installed font that has the character.
public struct FontSpec: Hashable, Sendable {
    /// The em size in pixels (clamped to 1...1000 when used).
    public var pixelSize: Double
    public var weight: FontWeight

    public init(pixelSize: Double, weight: FontWeight = .regular) {
        self.pixelSize = pixelSize
        self.weight = weight
    }

    /// The size in FreeType 26.6 fixed point, clamped to a sane range.
    var size26_6: Int {
        let px = pixelSize.isFinite ? min(max(pixelSize, 1), 1000) : 12
        return Int((px * 64).rounded())
    }
}

/// Vertical metrics of a font at one size, in pixels.
public struct LineMetrics: Hashable, Sendable {
    /// Distance from the baseline up to the top of tall glyphs.
    public var ascent: Double
    /// Distance from the baseline down to the bottom of descenders (positive).
    public var descent: Double
    /// Recommended distance between consecutive baselines.
    public var lineHeight: Double
}

/// The size of a piece of text set on one line, in pixels.
public struct TextMetrics: Hashable, Sendable {
    /// Total advance width, kerning included.
    public var width: Double
    public var ascent: Double
    public var descent: Double
    public var lineHeight: Double
}
