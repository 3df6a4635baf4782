/// A colour map for scores.
///
/// Diverging maps take normalised values in −1...1 and are light grey at 0, so negative,
/// zero and positive scores are clearly distinct. Sequential maps take 0...1 and are for
/// magnitudes (e.g. KL per latent dimension). Values outside the range are clamped;
/// NaN maps to the neutral colour.
public enum ColorMap: String, Hashable, Sendable, CaseIterable {
    /// Blue (negative) – light grey (0) – red (positive), ColorBrewer RdBu anchors.
    case redBlue
    /// Purple (negative) – light grey (0) – orange (positive), ColorBrewer PuOr anchors.
    /// Distinguishable under the common forms of colour blindness; the recommended
    /// choice when red/green or red/blue confusion is a concern.
    case purpleOrange
    /// Sequential dark-purple → teal → yellow (viridis anchors), perceptually uniform and
    /// colour-blind-safe, for non-negative magnitudes.
    case viridis
    /// Sequential white → black, for magnitudes printed in grayscale.
    case grays

    /// Whether the map takes signed values in −1...1 (otherwise 0...1).
    public var isDiverging: Bool {
        self == .redBlue || self == .purpleOrange
    }

    /// The range of normalised values this map takes.
    public var domain: ClosedRange<Double> {
        isDiverging ? -1...1 : 0...1
    }

    /// The colour for a normalised value (−1...1 for diverging maps, 0...1 for sequential ones).
    public func color(at value: Double) -> RGBA {
        let anchors = self.anchors
        guard value.isFinite else { return isDiverging ? anchors[anchors.count / 2] : anchors[0] }
        let lower = domain.lowerBound, upper = domain.upperBound
        let t = (min(max(value, lower), upper) - lower) / (upper - lower)
        let position = t * Double(anchors.count - 1)
        let i = min(Int(position), anchors.count - 2)
        return anchors[i].mixed(with: anchors[i + 1], position - Double(i))
    }

    /// The colour at the middle of the domain (light grey for diverging maps).
    public var neutralColor: RGBA {
        color(at: isDiverging ? 0 : 0.5)
    }
}
