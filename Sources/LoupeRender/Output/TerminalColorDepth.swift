/// How many colours an ANSI terminal shows.
public enum TerminalColorDepth: Hashable, Sendable {
    /// 24-bit colour (`ESC[48;2;r;g;bm`).
    case trueColor
    /// The xterm 256-colour palette (`ESC[48;5;nm`).
    case palette256

    /// 24-bit colour when `COLORTERM` is `truecolor` or `24bit` (the convention terminals
    /// use to announce it), the 256-colour palette otherwise.
    public static func detect(environment: [String: String]) -> TerminalColorDepth {
        let value = environment["COLORTERM"]?.lowercased() ?? ""
        return value == "truecolor" || value == "24bit" ? .trueColor : .palette256
    }

    /// The escape sequence that sets `color` as the background (`foreground` false) or text colour.
    func escape(_ color: RGBA, foreground: Bool) -> String {
        switch self {
        case .trueColor:
            return "\u{1B}[\(foreground ? 38 : 48);2;\(color.r);\(color.g);\(color.b)m"
        case .palette256:
            return "\u{1B}[\(foreground ? 38 : 48);5;\(Self.paletteIndex(color))m"
        }
    }

    /// The nearest xterm-256 entry: the 6×6×6 colour cube (levels 0, 95, 135, …, 255) or the
    /// 24-step grey ramp (8, 18, …, 238), whichever is closer in RGB.
    static func paletteIndex(_ c: RGBA) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ v: UInt8) -> Int {
            levels.indices.min { abs(levels[$0] - Int(v)) < abs(levels[$1] - Int(v)) }!
        }
        let (r, g, b) = (nearestLevel(c.r), nearestLevel(c.g), nearestLevel(c.b))
        func distance(_ x: Int, _ y: Int, _ z: Int) -> Int {
            let dr = x - Int(c.r), dg = y - Int(c.g), db = z - Int(c.b)
            return dr * dr + dg * dg + db * db
        }
        let cube = distance(levels[r], levels[g], levels[b])
        let mean = (Int(c.r) + Int(c.g) + Int(c.b)) / 3
        let step = min(23, max(0, (mean - 3) / 10))
        let grey = 8 + 10 * step
        if distance(grey, grey, grey) < cube { return 232 + step }
        return 16 + 36 * r + 6 * g + b
    }
}
