/// What an attribution picture is about: shown as its title and stored in its PNG text chunks.
public struct AttributionSummary: Hashable, Sendable {
    /// A free heading shown above everything else.
    public var title: String?
    /// The model's predicted label, e.g. "positive".
    public var predictedLabel: String?
    /// The predicted probability, 0...1.
    public var probability: Double?
    /// The attribution method, e.g. "Integrated Gradients".
    public var method: String?
    /// The explained target class.
    public var target: String?
    /// The model name.
    public var model: String?
    /// The contrast foil, e.g. "logit of ‘ negative’": scores then explain ``target`` minus
    /// the foil (Yin & Neubig 2022, "Interpreting Language Models with Contrastive
    /// Explanations"), and the detail line reads "contrast: target − foil".
    public var foil: String?
    /// The colour bar's caption; by default "attribution score", or "attribution to target −
    /// foil" when there is a ``foil``.
    public var scoreCaption: String?
    /// What the scores add up to, e.g. "pad baseline: F(x) = 1.29, F(baseline) = 0.797,
    /// F(x) − F(baseline) = 0.496, Δ = −0.0035" — shown after the detail line.
    public var baseline: String?

    public init(title: String? = nil, predictedLabel: String? = nil, probability: Double? = nil,
                method: String? = nil, target: String? = nil, model: String? = nil, foil: String? = nil,
                scoreCaption: String? = nil, baseline: String? = nil) {
        self.baseline = baseline
        self.title = title
        self.predictedLabel = predictedLabel
        self.probability = probability
        self.method = method
        self.target = target
        self.model = model
        self.foil = foil
        self.scoreCaption = scoreCaption
    }

    /// The caption under which the colour bar is drawn.
    var colorBarCaption: String {
        if let scoreCaption, !scoreCaption.isEmpty { return scoreCaption }
        if let foil, !foil.isEmpty { return "attribution to target \u{2212} foil (red favours the target)" }
        return "attribution score"
    }

    /// The bold heading line, or `nil` when there is nothing to say.
    var headline: String? {
        var parts = [String]()
        if let title, !title.isEmpty { parts.append(title) }
        if let predictedLabel {
            var s = "Predicted: \(predictedLabel)"
            if let probability, probability.isFinite { s += " (p = \(NumberFormatting.fixed(probability, decimals: 2)))" }
            parts.append(s)
        }
        return parts.isEmpty ? nil : parts.joined(separator: " — ")
    }

    /// The secondary line: method, target and model.
    var detailLine: String? {
        var parts = [String]()
        if let method, !method.isEmpty { parts.append(method) }
        if let foil, !foil.isEmpty {
            parts.append("contrast: \(target ?? "target") \u{2212} \(foil)")
        } else if let target, !target.isEmpty {
            parts.append("target: \(target)")
        }
        if let model, !model.isEmpty { parts.append("model: \(model)") }
        if let baseline, !baseline.isEmpty { parts.append(baseline) }
        return parts.isEmpty ? nil : parts.joined(separator: "  ·  ")
    }

    /// PNG text entries describing the picture (`Software` plus whatever is set).
    public var pngText: [PNGTextChunk] {
        var out = [PNGTextChunk(key: "Software", value: "Loupe")]
        if let title { out.append(PNGTextChunk(key: "Title", value: title)) }
        if let method { out.append(PNGTextChunk(key: "method", value: method)) }
        if let model { out.append(PNGTextChunk(key: "model", value: model)) }
        if let target { out.append(PNGTextChunk(key: "target", value: target)) }
        if let foil { out.append(PNGTextChunk(key: "foil", value: foil)) }
        if let baseline { out.append(PNGTextChunk(key: "baseline", value: baseline)) }
        if let predictedLabel { out.append(PNGTextChunk(key: "predicted", value: predictedLabel)) }
        if let probability, probability.isFinite {
            out.append(PNGTextChunk(key: "probability", value: String(probability)))
        }
        return out
    }
}
