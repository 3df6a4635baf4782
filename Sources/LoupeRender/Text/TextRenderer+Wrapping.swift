extension TextRenderer {
    /// Splits `text` into lines no wider than `maxWidth` pixels.
    ///
    /// Breaks after spaces and between CJK characters, honours `\n`, and breaks inside a
    /// word only when the word alone is wider than `maxWidth`. Trailing spaces are dropped.
    public func wrap(_ text: String, font: FontSpec, maxWidth: Double) -> [String] {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return [""] }
        let shaped = shape(text, font: font)
        let widths = shaped.advances.map { Double($0) / 64 }
        let kinds = scalars.map(LineBreaking.kind(of:))
        var breakBefore = [Bool](repeating: false, count: scalars.count)
        for i in 1..<max(1, scalars.count) {
            breakBefore[i] = LineBreaking.canBreak(after: scalars[i - 1], before: scalars[i])
        }
        let ranges = LineBreaking.lines(widths: widths, kinds: kinds, breakBefore: breakBefore,
                                        maxWidth: max(1, maxWidth))
        return ranges.map { range in
            var line = String.UnicodeScalarView()
            line.append(contentsOf: scalars[range])
            return String(line)
        }
    }

    /// `text` shortened with a trailing "…" so that it fits in `maxWidth` pixels
    /// (unchanged when it already fits).
    public func truncate(_ text: String, font: FontSpec, maxWidth: Double) -> String {
        if width(of: text, font: font) <= maxWidth { return text }
        var characters = Array(text)
        while !characters.isEmpty {
            characters.removeLast()
            let candidate = String(characters).trimmingTrailingSpaces() + "…"
            if width(of: candidate, font: font) <= maxWidth { return candidate }
        }
        return width(of: "…", font: font) <= maxWidth ? "…" : ""
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while let last = s.last, last == " " { s.removeLast() }
        return s
    }
}
