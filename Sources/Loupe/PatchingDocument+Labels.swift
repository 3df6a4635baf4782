import LoupePretrained

extension PatchingDocument {
    /// A readable label per token of `ids`: the text the token adds to the decoded prefix (so
    /// byte-level markers such as `Ġ`, `Ċ`, `▁` never show), `␣` for a token that adds only
    /// spaces, `↵` for line breaks, and — for the leading byte pieces of one character (a Chinese
    /// character split into several byte tokens) — the character they belong to followed by `…`.
    public static func tokenLabels(_ ids: [Int], tokenizer: PretrainedTokenizer) -> [String] {
        var labels: [String] = []
        var previous = ""
        for end in ids.indices.map({ $0 + 1 }) {
            let decoded = tokenizer.decode(Array(ids[0..<end]), skipSpecialTokens: false)
            if decoded.unicodeScalars.last == "\u{FFFD}" {
                labels.append("")          // an incomplete character: labelled once it completes
            } else if decoded.hasPrefix(previous) {
                labels.append(String(decoded.dropFirst(previous.count)))
                previous = decoded
            } else {
                labels.append(tokenizer.decode([ids[end - 1]], skipSpecialTokens: false))
                previous = decoded
            }
        }
        // Leading pieces of a multi-byte character take the character they complete.
        for i in labels.indices.reversed() where labels[i].isEmpty {
            if let next = labels[(i + 1)...].first(where: { !$0.isEmpty }), let c = next.first {
                labels[i] = String(c) + "…"
            } else {
                labels[i] = "…"
            }
        }
        return labels.map(readable)
    }

    /// `␣` for whitespace-only text, line breaks as `↵`, everything else unchanged.
    static func readable(_ text: String) -> String {
        if !text.isEmpty, text.allSatisfy({ $0 == " " || $0 == "\t" }) { return "␣" }
        return text.replacingOccurrences(of: "\r\n", with: "↵").replacingOccurrences(of: "\n", with: "↵")
    }
}
