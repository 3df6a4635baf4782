import LoupeAttribution
import LoupeRender

extension KLAttribution {
    /// The per-token KL contribution as a ``TokenKLChart``: one signed bar per token and, when
    /// the attribution has it, the token × latent-dimension matrix beside the bars.
    /// - Parameter vocabulary: spells tokens when the attribution has no text (else `#id`).
    /// - Throws: ``RenderError`` for no tokens or non-finite scores.
    public func tokenKLChart(vocabulary: [String]? = nil, title: String? = nil) throws -> TokenKLChart {
        var chart = try TokenKLChart(tokens: tokenStrings(vocabulary: vocabulary), contributions: perToken,
                                     matrix: perTokenPerDimension, title: title)
        chart.barCaption = method == "leave-one-out" ? "KL change when left out" : "KL contribution"
        return chart
    }
}
