import Foundation
import Loupe
import Testing

/// `--color-scale` reaches the HTML report's coloured text, and a `text:` reference of another
/// length than the input says how it was fitted.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct HTMLScaleAndReferenceNoteTests {
    let sentence = "i did not like this film at all ."

    /// The background colours of the report's token spans, as (r, g, b).
    func spanColours(_ html: String) -> [(Int, Int, Int)] {
        html.components(separatedBy: "class=\"tok\"").dropFirst().compactMap { piece in
            guard let range = piece.range(of: "background:#") else { return nil }
            let hex = piece[range.upperBound...].prefix(6)
            guard let v = Int(hex, radix: 16) else { return nil }
            return (v >> 16, (v >> 8) & 0xFF, v & 0xFF)
        }
    }

    func report(_ options: [String]) throws -> String {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let html = folder.appendingPathComponent("why.html")
        let result = try CLI.run(["explain", "--quiet", "--html", html.path] + options + [sentence])
        #expect(result.status == 0, "\(result.transcript)")
        return try String(contentsOf: html, encoding: .utf8)
    }

    @Test func aFixedScaleColoursTheTextSpans() throws {
        let auto = spanColours(try report([]))
        let pale = spanColours(try report(["--color-scale", "1000"]))
        let vivid = spanColours(try report(["--color-scale", "1e-6"]))
        #expect(!auto.isEmpty && auto.count == pale.count && auto.count == vivid.count)
        // The colour of a zero score: what ±1000 leaves every span at (within rounding).
        let neutral = pale[0]
        func distance(_ c: (Int, Int, Int)) -> Int { abs(c.0 - neutral.0) + abs(c.1 - neutral.1) + abs(c.2 - neutral.2) }
        // Its own scale colours the strongest word deeply; ±1000 leaves every span neutral;
        // ±1e-6 saturates every span with a non-zero score.
        #expect(pale.map(distance).max()! < 6)
        #expect(auto.map(distance).max()! > 150)
        #expect(vivid.map(distance).min()! > 150)
    }

    @Test func aSharedScaleIsTheLargestEntrysOwn() throws {
        let methods = ["--methods", "integrated-gradients,gradient"]
        let own = spanColours(try report(methods))
        let shared = spanColours(try report(methods + ["--color-scale", "shared"]))
        #expect(own.count == shared.count && own.count % 2 == 0)
        // On one scale, at most one entry keeps its own colours; the other can only grow paler.
        let half = own.count / 2
        let changed = (0..<2).filter { part in
            (0..<half).contains { own[part * half + $0] != shared[part * half + $0] }
        }
        #expect(changed.count <= 1, "both entries changed colour under a shared scale")
    }

    @Test func aReferenceTextOfAnotherLengthIsExplained() throws {
        let short = try CLI.run(["explain", "--baseline", "text:a film", sentence])
        #expect(short.status == 0, "\(short.transcript)")
        #expect(short.stderr.contains("baseline text 'a film' has 2 tokens, the input 9: the baseline is padded with [PAD] at the input's positions 3–9"),
                "\(short.stderr)")
        let long = try CLI.run(["explain", "--baseline", "text:one two three four five six seven eight nine ten", "not good"])
        #expect(long.status == 0, "\(long.transcript)")
        #expect(long.stderr.contains("tokens, the input 2: its last") && long.stderr.contains("(three four five six seven eight nine ten) are not used"),
                "\(long.stderr)")
        let same = try CLI.run(["explain", "--baseline", "text:it is a fine movie", "not good at all ."])
        #expect(!same.stderr.contains("baseline text '"), "\(same.stderr)")
    }
}
