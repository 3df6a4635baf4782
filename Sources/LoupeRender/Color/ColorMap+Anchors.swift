extension ColorMap {
    /// Anchor colours from the low end of the domain to the high end, evenly spaced and
    /// linearly interpolated in sRGB.
    ///
    /// Values are published facts: ColorBrewer 2.0 (Cynthia Brewer) nine-class RdBu and
    /// PuOr schemes, and the eleven standard viridis stops (van der Walt & Smith, matplotlib).
    var anchors: [RGBA] {
        switch self {
        case .redBlue: return ColorMap.redBlueAnchors
        case .purpleOrange: return ColorMap.purpleOrangeAnchors
        case .viridis: return ColorMap.viridisAnchors
        case .grays: return ColorMap.grayAnchors
        }
    }

    /// RdBu, reversed so that negative is blue and positive red.
    static let redBlueAnchors: [RGBA] = [
        0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b,
    ].map { RGBA(hex: $0) }

    /// PuOr, ordered so that negative is purple and positive orange.
    static let purpleOrangeAnchors: [RGBA] = [
        0x542788, 0x8073ac, 0xb2abd2, 0xd8daeb, 0xf7f7f7, 0xfee0b6, 0xfdb863, 0xe08214, 0xb35806,
    ].map { RGBA(hex: $0) }

    /// viridis at 0.0, 0.1, …, 1.0.
    static let viridisAnchors: [RGBA] = [
        0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
        0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725,
    ].map { RGBA(hex: $0) }

    static let grayAnchors: [RGBA] = [RGBA.white, RGBA.black]
}
