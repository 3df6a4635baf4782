/// A token's text and its attribution score.
public struct TokenScore: Hashable, Sendable {
    public var text: String
    public var score: Double

    public init(_ text: String, _ score: Double) {
        self.text = text
        self.score = score
    }
}

extension ColorMap {
    /// The colour for a raw score under `scale`: diverging maps show the signed value,
    /// sequential maps its magnitude.
    func color(forScore score: Double, scale: ScoreScale) -> RGBA {
        let n = scale.normalized(score)
        return color(at: isDiverging ? n : abs(n))
    }
}
