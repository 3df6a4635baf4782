import Foundation
import LoupeRender
import Testing

/// Untrusted text reaches a terminal shown, never obeyed.
@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("\u{1B}]0;title\u{7}", "\\u{1B}]0;title\\u{7}"),            // OSC: set the window title
        ("a\u{1B}[2Jb", "a\\u{1B}[2Jb"),                               // clear the screen
        ("\u{9B}31m", "\\u{9B}31m"),                                   // C1 CSI
        ("abc\u{202E}fed\u{202C}", "abc\\u{202E}fed\\u{202C}"),        // bidi override ("Trojan Source")
        ("\u{2067}x\u{2069}", "\\u{2067}x\\u{2069}"),                  // isolates
        ("zero\u{200B}width\u{200D}\u{FEFF}", "zero\\u{200B}width\\u{200D}\\u{FEFF}"),
        ("line\u{2028}sep\u{7F}", "line\\u{2028}sep\\u{7F}"),
        ("我今天过得很好。 good", "我今天过得很好。 good"),
    ])
    func unsafeCharactersAreEscaped(_ text: String, _ expected: String) {
        #expect(TerminalText.escaped(text) == expected)
        #expect(!TerminalText.escaped(text).unicodeScalars.contains { TerminalText.isUnsafe($0) })
    }

    @Test func lineBreaksAreKeptOnlyWhenAsked() {
        #expect(TerminalText.escaped("a\nb\tc") == "a\nb\tc")
        #expect(TerminalText.escaped("a\nb\tc", keepingLineBreaks: false) == "a\\u{A}b\\u{9}c")
    }

    @Test func jsonKeepsItsValue() throws {
        let value = ["text": "a\u{202E}b\u{200B}\u{85}c 😀 \u{E0041}"]
        let json = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        let safe = TerminalText.jsonEscaped(json)
        #expect(!safe.unicodeScalars.contains { TerminalText.isUnsafe($0) })
        #expect(safe.contains("\\u202e") && safe.contains("\\udb40\\udc41"), "\(safe)")   // a tag character: a surrogate pair
        #expect(try JSONDecoder().decode([String: String].self, from: Data(safe.utf8)) == value)
    }

    @Test func ownColoursAreKeptAndOthersEscaped() {
        let ours = "\u{1B}[48;2;10;20;30m\u{1B}[38;2;0;0;0mgood\u{1B}[0m"
        #expect(TerminalText.escapedKeepingColour(ours) == ours)
        #expect(TerminalText.escapedKeepingColour(ours + "\u{1B}]0;x\u{7}\u{1B}[2J") == ours + "\\u{1B}]0;x\\u{7}\\u{1B}[2J")
    }

    @Test func heatmapsShowTokensAsText() throws {
        let map = try SentenceHeatmap(text: "a\u{1B}[2Jb \u{200B} c\u{202E}", spans: [0..<6, 7..<8, 9..<11], scores: [1, -1, 0.5])
        for mode in [TerminalColorMode.always, .never] {
            let out = try TerminalHeatmap(heatmap: map).render(mode: mode)
            #expect(!out.replacingOccurrences(of: #"\u{1B}\[[0-9;]*m"#, with: "", options: .regularExpression)
                .unicodeScalars.contains { TerminalText.isUnsafe($0) }, "\(mode): \(out)")
            #expect(out.contains("a\\u{1B}[2Jb") && out.contains("\\u{200B}") && out.contains("c\\u{202E}"), "\(out)")
        }
    }
}
