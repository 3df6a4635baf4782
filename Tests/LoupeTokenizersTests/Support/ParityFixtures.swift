import Foundation
import Testing
@testable import LoupeTokenizers

/// The expected encodings written by `benchmarks/fixtures/make_tokenizer_fixtures.py`.
enum ParityFixtures {
    struct Expected {
        var tokens: [(id: Int, start: Int, end: Int, special: Bool)]
        var decoded: String
        var decodedSkippingSpecials: String
        var overrides: [Int: String]
    }

    static func url(_ name: String) throws -> URL {
        let base = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        return try #require(Bundle.module.url(forResource: base, withExtension: ext, subdirectory: "Fixtures/tokenizers"),
                            "missing fixture \(name)")
    }

    static func lines(_ name: String) throws -> [Any] {
        let text = try String(contentsOf: try url(name), encoding: .utf8)
        return try text.split(separator: "\n", omittingEmptySubsequences: true).map {
            // JSONSerialization drops a raw U+FEFF inside a string; hand it the escape instead.
            try JSONSerialization.jsonObject(with: Data($0.replacingOccurrences(of: "\u{FEFF}", with: "\\ufeff").utf8),
                                             options: [.fragmentsAllowed])
        }
    }

    static let strings: [String] = {
        (try? lines("strings.jsonl"))?.compactMap { $0 as? String } ?? []
    }()

    static func expected(_ name: String) throws -> [Expected] {
        let all = strings
        return try lines("\(name).expected.jsonl").enumerated().map { index, line in
            let row = try #require(line as? [Any])
            let flat = try #require(row[0] as? [Int])
            var tokens: [(Int, Int, Int, Bool)] = []
            var previous = 0
            for k in stride(from: 0, to: flat.count, by: 3) {
                if flat[k + 2] == -1 {
                    tokens.append((flat[k], 0, 0, true))
                } else {
                    let s = previous + flat[k + 1]
                    tokens.append((flat[k], s, s + flat[k + 2], false))
                    previous = s + flat[k + 2]
                }
            }
            let text = all[index]
            let decoded = row[1] as? String ?? text
            let skip = row[2] as? String ?? text
            var overrides: [Int: String] = [:]
            for o in row[3] as? [[Any]] ?? [] {
                if let i = o[0] as? Int, let t = o[1] as? String { overrides[i] = t }
            }
            return Expected(tokens: tokens.map { (id: $0.0, start: $0.1, end: $0.2, special: $0.3) }, decoded: decoded,
                            decodedSkippingSpecials: skip, overrides: overrides)
        }
    }

    /// Compares `tokenizer` with the expected encodings; returns the number of strings checked.
    @discardableResult
    static func check(_ tokenizer: some ModelTokenizer, against name: String, limit: Int = 25) throws -> Int {
        let expected = try expected(name)
        let strings = strings
        var failures = 0
        for (i, e) in expected.enumerated() {
            let text = strings[i]
            let got = tokenizer.encode(text, addSpecialTokens: true)
            let ids = got.map(\.id)
            let expectedIDs = e.tokens.map(\.id)
            var problems: [String] = []
            if ids != expectedIDs {
                problems.append("ids \(ids) != \(expectedIDs) tokens \(got.map(\.text))")
            } else {
                let offsets = got.map { [$0.start ?? 0, $0.end ?? 0] }
                let expectedOffsets = e.tokens.map { [$0.start, $0.end] }
                if offsets != expectedOffsets { problems.append("offsets \(offsets) != \(expectedOffsets)") }
                let texts = got.map(\.text)
                let expectedTexts = e.tokens.enumerated().map { k, t in e.overrides[k] ?? tokenizer.token(forID: t.id) ?? "?" }
                if !texts.elementsEqual(expectedTexts, by: { $0.unicodeScalars.elementsEqual($1.unicodeScalars) }) { problems.append("tokens \(texts) != \(expectedTexts)") }
            }
            let decoded = tokenizer.decode(expectedIDs, skipSpecialTokens: false)
            if !decoded.unicodeScalars.elementsEqual(e.decoded.unicodeScalars) { problems.append("decode \(String(reflecting: decoded)) != \(String(reflecting: e.decoded))") }
            let skipped = tokenizer.decode(expectedIDs, skipSpecialTokens: true)
            if !skipped.unicodeScalars.elementsEqual(e.decodedSkippingSpecials.unicodeScalars) {
                problems.append("decode(skip) \(String(reflecting: skipped)) != \(String(reflecting: e.decodedSkippingSpecials))")
            }
            if !problems.isEmpty {
                failures += 1
                if failures <= limit {
                    Issue.record("\(name) string #\(i) \(String(reflecting: text)): \(problems.joined(separator: "; "))")
                }
            }
        }
        if failures > limit { Issue.record("\(name): \(failures) of \(expected.count) strings differ") }
        return expected.count
    }
}
