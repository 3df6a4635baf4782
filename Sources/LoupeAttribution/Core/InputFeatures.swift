import LoupeNN

/// Which positions of one input an attribution varies, and how perturbation methods group them.
///
/// Fixed positions keep their own token and embedding in every baseline and every perturbation —
/// the chat-template and system tokens of a language-model prompt, which are not what the user
/// asks about (Captum's `LLMAttribution` attributes only the user's segments the same way). Their
/// scores are 0 for the path and perturbation methods (nothing there moves); gradients are still
/// reported there, as they are defined everywhere.
///
/// Segments are the features of the perturbation methods (occlusion, leave-one-out, Kernel SHAP):
/// each segment is removed or kept as a whole — the words or sentences of Captum's
/// `TextTemplateInput`. A segment's score is spread evenly over its tokens, so sums over a segment
/// give the segment's score and completeness is kept. Without segments every unfixed token is its
/// own feature.
public struct InputFeatures: Equatable, Sendable {
    /// Positions held at their own value.
    public var fixed: Set<Int>
    /// Groups of positions removed together by perturbation methods (nil: one per token).
    public var segments: [[Int]]?

    public init(fixed: Set<Int> = [], segments: [[Int]]? = nil) {
        self.fixed = fixed
        self.segments = segments
    }

    /// Every position varies, one feature per token.
    public static let allTokens = InputFeatures()

    /// Every position but those in `range` is fixed (the user's text inside a chat prompt).
    public static func only(_ range: Range<Int>, length: Int) -> InputFeatures {
        InputFeatures(fixed: Set((0..<length).filter { !range.contains($0) }))
    }

    /// The perturbation features of a sequence of `length` tokens: the segments, or each
    /// unfixed position alone.
    public func features(length: Int) -> [[Int]] {
        if let segments { return segments }
        return (0..<length).filter { !fixed.contains($0) }.map { [$0] }
    }

    /// Throws unless every position lies in `0..<length`, some position varies, and segments are
    /// non-empty, disjoint and avoid the fixed positions.
    public func validate(length: Int, input index: Int) throws {
        if let bad = fixed.first(where: { $0 < 0 || $0 >= length }) {
            throw AttributionError.invalidParameter("fixed position \(bad) of input \(index), which has \(length) tokens")
        }
        guard fixed.count < length else {
            throw AttributionError.invalidParameter("every position of input \(index) is fixed: nothing to attribute")
        }
        guard let segments else { return }
        guard !segments.isEmpty else { throw AttributionError.invalidParameter("input \(index) has an empty segment list") }
        var seen = Set<Int>()
        for (s, segment) in segments.enumerated() {
            guard !segment.isEmpty else { throw AttributionError.invalidParameter("segment \(s) of input \(index) is empty") }
            for p in segment {
                guard p >= 0 && p < length else {
                    throw AttributionError.invalidParameter("segment \(s) of input \(index) holds position \(p) (the input has \(length) tokens)")
                }
                guard !fixed.contains(p) else {
                    throw AttributionError.invalidParameter("segment \(s) of input \(index) holds the fixed position \(p)")
                }
                guard seen.insert(p).inserted else {
                    throw AttributionError.invalidParameter("position \(p) of input \(index) is in two segments")
                }
            }
        }
    }

    /// Per-token scores from per-feature scores: each feature's score spread evenly over its
    /// positions (0 elsewhere).
    static func spread(_ featureScores: [Double], over features: [[Int]], length: Int) -> [Double] {
        var scores = [Double](repeating: 0, count: length)
        for (f, positions) in features.enumerated() {
            for p in positions { scores[p] += featureScores[f] / Double(positions.count) }
        }
        return scores
    }
}
