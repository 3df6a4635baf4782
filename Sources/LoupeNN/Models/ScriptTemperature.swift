import LoupeTensor

/// The writing system a vocabulary token belongs to, for ``ScriptTemperature``.
public enum TokenScript: Int, CaseIterable, Sendable {
    /// Punctuation, digits, symbols and special tokens: they say nothing about the language.
    case neutral = 0
    /// Tokens holding a letter outside the CJK blocks (English and other alphabetic scripts).
    case alphabetic = 1
    /// Tokens holding a CJK ideograph or kana (Chinese, Japanese).
    case cjk = 2

    /// The script of a vocabulary token (`##` continuation marks are ignored; `[PAD]`-style special
    /// tokens are neutral).
    public init(token: String) {
        if token.count > 2, token.hasPrefix("["), token.hasSuffix("]") { self = .neutral; return }
        var letter = false
        for scalar in token.unicodeScalars {
            if Self.isCJK(scalar) { self = .cjk; return }
            if scalar.properties.isAlphabetic { letter = true }
        }
        self = letter ? .alphabetic : .neutral
    }

    /// CJK unified ideographs (and extensions), compatibility ideographs, kana.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }
}

/// One temperature per writing system for a classifier that reads several languages: temperature
/// scaling (Guo et al., 2017, "On Calibration of Modern Neural Networks", ICML) with the
/// temperature fitted on each language's own calibration data, since one bilingual model can be
/// over-confident in one language and under-confident in the other.
///
/// A text's logits are multiplied by the mean of `1/T` over its tokens that have a script
/// (``TokenScript/alphabetic`` or ``TokenScript/cjk``): an English sentence gets `1/T_alphabetic`,
/// a Chinese one `1/T_cjk`, a mixed one a blend; a text of neutral tokens only gets `1/T_neutral`.
/// The factor depends on the token ids alone, so gradients with respect to the embeddings are
/// those of the unscaled model times the same factor.
///
/// Stored as two fixed (never trained) parameters: `calibration.token_script` `[V]` (the script of
/// each token as 0/1/2) and `calibration.inverse_temperature` `[3]` (by script).
public final class ScriptTemperature: Module {
    public let path: String
    public let tokenScript: Parameter
    public let inverseTemperature: Parameter

    /// A layer for `tokens` (index = id) with temperatures by script.
    public convenience init(tokens: [String], temperatures: [TokenScript: Double], path: String = "calibration") {
        var inverse = [Float](repeating: 1, count: TokenScript.allCases.count)
        for (script, t) in temperatures { inverse[script.rawValue] = Float(1 / t) }
        self.init(scripts: tokens.map { TokenScript(token: $0) }, inverseTemperatures: inverse, path: path)
    }

    /// A layer with given scripts per token and inverse temperatures `[neutral, alphabetic, cjk]`.
    public init(scripts: [TokenScript], inverseTemperatures: [Float], path: String = "calibration") {
        precondition(inverseTemperatures.count == TokenScript.allCases.count, "one inverse temperature per script")
        self.path = path
        tokenScript = Parameter(name: joinPath(path, "token_script"), value: Tensor(scripts.map { Float($0.rawValue) }))
        inverseTemperature = Parameter(name: joinPath(path, "inverse_temperature"), value: Tensor(inverseTemperatures))
        tokenScript.requiresGradient = false
        inverseTemperature.requiresGradient = false
    }

    /// An identity layer for a vocabulary of `vocabularySize` tokens, to load stored values into.
    public convenience init(vocabularySize: Int, path: String = "calibration") {
        self.init(scripts: Array(repeating: .neutral, count: vocabularySize), inverseTemperatures: [1, 1, 1], path: path)
    }

    public var ownParameters: [Parameter] { [tokenScript, inverseTemperature] }

    /// The temperature of each script.
    public var temperatures: [TokenScript: Double] {
        Dictionary(uniqueKeysWithValues: TokenScript.allCases.map { ($0, 1 / Double(inverseTemperature.value.scalars[$0.rawValue])) })
    }

    /// The factor the logits of `ids` are multiplied by (ids outside the table are neutral).
    public func factor(for ids: [Int]) -> Float {
        let scripts = tokenScript.value.scalars, inverse = inverseTemperature.value.scalars
        var sum: Float = 0, count = 0
        for id in ids where id >= 0 && id < scripts.count {
            let script = Int(scripts[id])
            guard script != TokenScript.neutral.rawValue, script < inverse.count else { continue }
            sum += inverse[script]
            count += 1
        }
        return count > 0 ? sum / Float(count) : inverse[TokenScript.neutral.rawValue]
    }

    /// `logits` `[B, C]` with row `b` multiplied by ``factor(for:)`` of `tokenIDs[b]`.
    public func callAsFunction(_ logits: Tensor, tokenIDs: [[Int]]) -> Tensor {
        precondition(logits.shape.count == 2 && logits.shape[0] == tokenIDs.count, "logits \(logits.shape) for \(tokenIDs.count) texts")
        let factors = Tensor(shape: [tokenIDs.count, 1], scalars: tokenIDs.map(factor(for:)))
        return logits * factors
    }
}
