import Foundation

/// The causal-tracing figure of Meng et al., "Locating and Editing Factual Associations in GPT"
/// (NeurIPS 2022), Fig. 1: one panel per restored site kind (residual stream, attention output,
/// MLP output) side by side, rows = the prompt's tokens, columns = layers, each cell coloured by
/// the recovery of the metric when that (layer, token) is restored — red 1 (fully restored),
/// grey 0, blue −1 (clamped) — with a colour bar.
public struct PatchingHeatmap: Sendable {
    /// One site kind's grid.
    public struct Panel: Sendable, Equatable {
        /// The panel's caption (`resid (hook_resid_pre)`).
        public var title: String
        /// `values[layer][position]`.
        public var values: [[Double]]

        public init(title: String, values: [[Double]]) {
            self.title = title
            self.values = values
        }
    }

    /// Row labels, top to bottom (readable token texts: no `Ġ`, `Ċ`, `▁`).
    public let tokens: [String]
    public let panels: [Panel]
    /// The headline (model, method).
    public var title: String?
    /// The line below it (target, foil, metric).
    public var detail: String?
    /// The colour bar's caption.
    public var caption = "recovery (M_patched − M_corrupt) / (M_clean − M_corrupt)"
    /// The value at full colour (values beyond are clamped).
    public var limit = 1.0

    /// - Throws: ``RenderError`` when there are no tokens or panels, a panel has no layers, a
    ///   layer's row does not have one value per token, or a value is NaN or infinite.
    public init(tokens: [String], panels: [Panel], title: String? = nil, detail: String? = nil) throws {
        guard !tokens.isEmpty else { throw RenderError.emptyInput("tokens") }
        guard !panels.isEmpty else { throw RenderError.emptyInput("panels") }
        for panel in panels {
            guard !panel.values.isEmpty else { throw RenderError.emptyInput("layers of panel '\(panel.title)'") }
            for (layer, row) in panel.values.enumerated() {
                guard row.count == tokens.count else {
                    throw RenderError.countMismatch(what: "panel '\(panel.title)' layer \(layer) values and tokens",
                                                    expected: tokens.count, actual: row.count)
                }
                try RenderError.checkFinite(row, what: "panel '\(panel.title)' layer \(layer)")
            }
        }
        self.tokens = tokens
        self.panels = panels
        self.title = title
        self.detail = detail
    }

    /// Draws the picture.
    public func render(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> Canvas {
        try style.validate()
        guard limit > 0 && limit.isFinite else { throw RenderError.invalidArgument("limit \(limit) (must be > 0)") }
        return try PatchingHeatmapLayout(heatmap: self, style: style, renderer: renderer).draw(style: style, renderer: renderer)
    }

    /// The picture as PNG bytes (with `Software` and `Title` text chunks).
    public func pngData(style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws -> [UInt8] {
        try render(style: style, renderer: renderer).pngData(colorType: .rgb, text: PNGTextChunk.pictureMetadata(title: title))
    }

    /// Draws the picture and writes it as a PNG (atomically).
    public func writePNG(to url: URL, style: RenderStyle = RenderStyle(), renderer: TextRenderer = .shared) throws {
        try render(style: style, renderer: renderer)
            .writePNG(to: url, colorType: .rgb, text: PNGTextChunk.pictureMetadata(title: title))
    }
}
