/// Shared look-and-layout settings for every picture.
///
/// Lengths are in points; the output has `scale` pixels per point (use 2 for high-DPI
/// screens and slides). Colours are sRGB.
public struct RenderStyle: Hashable, Sendable {
    /// Pixels per point, 0.5...8.
    public var scale: Double = 1
    /// Picture width in points; text wraps inside the margins. Pictures that need less
    /// room shrink to fit.
    public var width: Double = 720
    /// Outer margin in points.
    public var margin: Double = 20
    /// Body (token) text size in points.
    public var fontSize: Double = 16
    /// Title size in points.
    public var titleFontSize: Double = 17
    /// Size of labels, ticks and cell values in points.
    public var labelFontSize: Double = 12
    /// Colour map for signed scores.
    public var colorMap: ColorMap = .redBlue
    /// Colour map for magnitudes (e.g. KL heat matrices).
    public var magnitudeColorMap: ColorMap = .viridis
    /// How scores are scaled to the colour map.
    public var normalization: ScoreNormalization = .standard
    /// The smallest |score| shown at full colour, in score units (0: no floor). A picture whose
    /// scores are all tiny — noise — then stays pale instead of being stretched to full colour;
    /// pictures may raise it (``SentenceHeatmap/scaleFloor``).
    public var scaleFloor: Double = 0
    /// Colour of the outline that marks tokens read as the unknown token.
    public var unknownTokenColor = RGBA(hex: 0xd97706)
    /// Whether pictures include a colour bar.
    public var showsColorBar = true
    public var background = RGBA.white
    public var textColor = RGBA(hex: 0x1a1a1a)
    public var secondaryTextColor = RGBA(hex: 0x5c5c5c)
    public var gridColor = RGBA(hex: 0xd4d4d4)

    public init() {}

    /// Creates the default style at another scale.
    public init(scale: Double) {
        self.scale = scale
    }

    /// Throws for a scale or size outside the supported range.
    func validate() throws {
        guard scale.isFinite, (0.5...8).contains(scale) else {
            throw RenderError.invalidArgument("scale must be in 0.5...8, got \(scale)")
        }
        for (name, v) in [("width", width), ("margin", margin), ("fontSize", fontSize),
                          ("titleFontSize", titleFontSize), ("labelFontSize", labelFontSize)] {
            guard v.isFinite, v >= 0, v <= 10_000 else {
                throw RenderError.invalidArgument("\(name) must be in 0...10000 points, got \(v)")
            }
        }
        guard fontSize >= 4, labelFontSize >= 4, titleFontSize >= 4 else {
            throw RenderError.invalidArgument("font sizes must be at least 4 points")
        }
    }

    /// `points` in pixels, rounded.
    func px(_ points: Double) -> Int {
        Int((points * scale).rounded())
    }

    /// `points` in pixels, unrounded.
    func pxExact(_ points: Double) -> Double {
        points * scale
    }

    /// A font of `points` size at this scale.
    func font(_ points: Double, _ weight: FontWeight = .regular) -> FontSpec {
        FontSpec(pixelSize: points * scale, weight: weight)
    }

    var bodyFont: FontSpec { font(fontSize) }
    var labelFont: FontSpec { font(labelFontSize) }
    var titleFont: FontSpec { font(titleFontSize, .bold) }
}
