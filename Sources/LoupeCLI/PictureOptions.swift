import ArgumentParser
import Loupe

/// How `explain` colours its pictures and terminal output (docs/renderer.md, "Colour scale").
enum ColorScaleChoice: Equatable, ExpressibleByArgument {
    /// Each picture (each row of a comparison) on its own scale: Captum's 2 % outlier rule,
    /// floored at 5 % of |F(x)| so noise never reaches full colour.
    case automatic
    /// One scale for every row of a method comparison (same floor).
    case shared
    /// A fixed ±limit for every picture, in score units (no floor).
    case absolute(Double)

    init?(argument: String) {
        switch argument.lowercased() {
        case "auto", "automatic": self = .automatic
        case "shared": self = .shared
        default:
            guard let limit = Double(argument), limit.isFinite, limit > 0 else { return nil }
            self = .absolute(limit)
        }
    }

    static var allValueStrings: [String] { ["auto", "shared", "a positive number"] }
    var defaultValueDescription: String { "auto" }
}

/// The picture settings of `explain`.
struct PictureOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Colour scale of the pictures: 'auto' (each picture, or comparison row, on its own scale), 'shared' (one scale for every row) or a number (full colour at ±that score).",
        discussion: "auto and shared use Captum's 2 % outlier rule with a floor of 5 % of |F(x)|, so scores that are noise next to the explained output stay pale."))
    var colorScale: ColorScaleChoice = .automatic

    /// The render style at `scale` pixels per point.
    func style(scale: Double = 2) -> RenderStyle {
        var style = RenderStyle(scale: scale)
        if case .absolute(let limit) = colorScale { style.normalization = .symmetric(limit) }
        return style
    }

    /// `comparison` with its rows on one scale when `shared` (or a fixed one) was asked for.
    func apply(to comparison: MethodComparison) -> MethodComparison {
        var c = comparison
        if colorScale != .automatic { c.normalizesEachMethod = false }
        if case .absolute = colorScale { c.scaleFloor = 0 }
        return c
    }

    /// `heatmap` without its floor under a fixed scale.
    func apply(to heatmap: SentenceHeatmap) -> SentenceHeatmap {
        var h = heatmap
        if case .absolute = colorScale { h.scaleFloor = 0 }
        return h
    }
}
