import Foundation
import Testing
@testable import LoupeTokenizers

/// A made-up language: 30 words of two or three Han characters (no character shared), written
/// without spaces in seeded random order, a free particle after some words, clauses cut by "，".
private struct MadeUpLanguage {
    var words: [String] = []
    let particle = "了"
    var state: UInt64 = 0x9E3779B97F4A7C15

    init() {
        var code: UInt32 = 0x5000
        for i in 0..<30 {
            let length = i % 3 == 0 ? 3 : 2
            var view = String.UnicodeScalarView()
            for _ in 0..<length {
                view.append(Unicode.Scalar(code)!)
                code += 3
            }
            words.append(String(view))
        }
    }

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }

    /// A sentence and the words it was made of (the particle counted as a word).
    mutating func sentence() -> (text: String, words: [String]) {
        var text = ""
        var used: [String] = []
        for clause in 0..<(1 + next(2)) {
            if clause > 0 { text += "，" }
            for _ in 0..<(3 + next(4)) {
                let word = words[next(words.count)]
                text += word
                used.append(word)
                if next(5) == 0 { text += particle; used.append(particle) }
            }
        }
        return (text + "。", used)
    }
}

@Suite("LexiconDiscovery: words from unsegmented text")
struct LexiconDiscoveryTests {
    @Test func findsTheWordsOfAMadeUpLanguage() throws {
        var language = MadeUpLanguage()
        let texts = (0..<3_000).map { _ in language.sentence().text }
        let lexicon = try LexiconDiscovery().discover(in: texts)
        let found = Set(lexicon.counts.keys.filter { $0.unicodeScalars.count > 1 })
        let vocabulary = Set(language.words)
        let missed = vocabulary.subtracting(found)
        let spurious = found.subtracting(vocabulary)
        #expect(missed.count <= 1, "missed \(missed.sorted())")
        #expect(spurious.count <= 1, "spurious \(spurious.sorted())")
        // Held-out sentences are split into the words they were made of.
        let segmenter = LexiconSegmenter(lexicon: lexicon)
        var right = 0, total = 0
        for _ in 0..<50 {
            let (text, words) = language.sentence()
            let runs = text.split(whereSeparator: { $0 == "，" || $0 == "。" }).map(String.init)
            let split = runs.flatMap { segmenter.segment($0) }
            total += 1
            if split == words { right += 1 }
        }
        #expect(right >= 45, "\(right) of \(total) sentences split into their words")
    }

    @Test func countsAreWholeWordUses() throws {
        var language = MadeUpLanguage()
        var made: [String: Int] = [:]
        var texts: [String] = []
        for _ in 0..<2_000 {
            let (text, words) = language.sentence()
            texts.append(text)
            for w in words { made[w, default: 0] += 1 }
        }
        let lexicon = try LexiconDiscovery().discover(in: texts)
        // After re-estimation a word's count is how often it was used whole (within 2 %).
        for word in language.words {
            let count = try #require(lexicon.counts[word], "\(word) not found")
            #expect(Swift.abs(Double(count - made[word]!)) <= 0.02 * Double(made[word]!), "\(word): \(count) vs \(made[word]!)")
        }
        #expect(lexicon.comments.first?.contains("2000 texts") == true)
    }

    @Test func theResultIsDeterministic() throws {
        var one = MadeUpLanguage(), two = MadeUpLanguage()
        let a = try LexiconDiscovery().discover(in: (0..<500).map { _ in one.sentence().text })
        let b = try LexiconDiscovery().discover(in: (0..<500).map { _ in two.sentence().text })
        #expect(a.text == b.text)
    }

    @Test func badSettingsAndTextWithoutIdeographsThrow() {
        var discovery = LexiconDiscovery()
        discovery.maxWordLength = 5
        #expect(throws: TokenizerError.self) { try discovery.discover(in: ["客服态度"]) }
        discovery.maxWordLength = 3
        discovery.minimumCount = 0
        #expect(throws: TokenizerError.self) { try discovery.discover(in: ["客服态度"]) }
        #expect(throws: TokenizerError.self) { try LexiconDiscovery().discover(in: ["only latin text", "123"]) }
        #expect(throws: TokenizerError.self) { try LexiconDiscovery().discover(in: [String]()) }
    }
}
