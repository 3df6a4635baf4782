import Foundation
import LoupeDefaults
import LoupeNN
import Testing

@Suite("Default corpus")
struct DefaultCorpusTests {
    static let corpus = try! DefaultCorpus.load()
    let tokenizer = Tokenizer()

    /// The shipped resource is exactly what the generator makes; with LOUPE_REGENERATE_CORPUS=1 the
    /// test rewrites it instead (Sources/LoupeDefaults/Resources/default-corpus.jsonl).
    @Test func resourceMatchesGenerator() throws {
        let generated = DefaultCorpus.generate().jsonLines()
        if ProcessInfo.processInfo.environment["LOUPE_REGENERATE_CORPUS"] == "1" {
            let target = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../Sources/LoupeDefaults/Resources/\(DefaultCorpus.resourceFileName)").standardized
            try generated.write(to: target, atomically: true, encoding: .utf8)
            print("wrote \(target.path)")
            return
        }
        let url = try #require(DefaultCorpus.resourceURL)
        let shipped = try String(contentsOf: url, encoding: .utf8)
        #expect(shipped == generated, "regenerate with LOUPE_REGENERATE_CORPUS=1 swift test --filter DefaultCorpusTests")
        #expect(shipped.utf8.count < 2_000_000)
    }

    @Test func generationIsDeterministic() {
        let a = DefaultCorpus.generate(examplesPerLanguage: 200, seed: 5)
        #expect(a == DefaultCorpus.generate(examplesPerLanguage: 200, seed: 5))
        #expect(a != DefaultCorpus.generate(examplesPerLanguage: 200, seed: 6))
    }

    @Test func sizeBalanceAndLanguages() {
        let corpus = Self.corpus
        #expect(corpus.labelNames == ["negative", "positive"])
        #expect(corpus.count == 2 * DefaultCorpus.examplesPerLanguage)
        #expect(corpus.labelCounts == [corpus.count / 2, corpus.count / 2])
        for language in DefaultCorpus.Language.allCases {
            let part = corpus.filter { DefaultCorpus.Language.of($0.text) == language }
            #expect(part.labelCounts == [DefaultCorpus.examplesPerLanguage / 2, DefaultCorpus.examplesPerLanguage / 2],
                    "\(language)")
        }
        #expect(Set(corpus.texts).count == corpus.count, "texts are distinct")
    }

    @Test func containsOrdinarySentences() {
        let texts = Set(Self.corpus.texts)
        let english = Self.corpus.texts.filter { DefaultCorpus.Language.of($0) == .english }
        #expect(english.contains { $0.hasPrefix("I had a ") })
        #expect(english.contains { $0.contains(" but ") })
        #expect(Self.corpus.texts.contains { $0.contains("但是") })
        #expect(Self.corpus.texts.contains { $0.hasPrefix("我今天过得") })
        #expect(texts.count > 0)
    }

    @Test func lexiconPolaritiesAreDisjoint() {
        let lexicon = DefaultCorpus.lexicon
        #expect(lexicon.positive.isDisjoint(with: lexicon.negative),
                "\(lexicon.positive.intersection(lexicon.negative).sorted())")
        #expect(lexicon.negators.isDisjoint(with: lexicon.positive.union(lexicon.negative)))
    }

    /// Every rationale index is a token of the text, lies in a rationale span, and every span is a
    /// sentiment word or negator; the label follows from the words' polarity and the negators.
    @Test func rationalesPointAtSentimentWords() throws {
        let lexicon = DefaultCorpus.lexicon
        for example in Self.corpus.examples {
            let tokens = tokenizer.tokenize(example.text)
            let indices = try #require(example.rationaleTokenIndices)
            let spans = try #require(example.rationaleSpans)
            #expect(!indices.isEmpty && !spans.isEmpty, "\(example.text)")
            for i in indices {
                guard i >= 0 && i < tokens.count else {
                    Issue.record("index \(i) outside \(tokens.count) tokens: \(example.text)")
                    continue
                }
                #expect(spans.contains { $0.start <= tokens[i].start && tokens[i].end <= $0.end }, "\(example.text)")
            }
            // The tokens inside the spans are exactly the rationale.
            let covered = tokens.indices.filter { t in spans.contains { $0.overlaps(tokens[t]) } }
            #expect(covered == indices, "\(example.text)")
            var negators = 0
            var polarities: [Int] = []
            for span in spans {
                let word = span.substring(of: example.text).lowercased()
                if lexicon.negators.contains(word) {
                    negators += 1
                } else if let p = lexicon.polarity(of: word) {
                    polarities.append(p)
                } else {
                    Issue.record("'\(word)' is not a sentiment word: \(example.text)")
                }
            }
            #expect(!polarities.isEmpty, "\(example.text)")
            let expected = polarities.map { negators % 2 == 1 ? 1 - $0 : $0 }
            #expect(expected.allSatisfy { $0 == example.label }, "\(example.text) → \(example.label)")
        }
    }

    @Test func splitIsDeterministicAndStratified() throws {
        let (train, heldOut) = try DefaultCorpus.loadSplit(heldOutFraction: 0.2, seed: 3)
        let again = try DefaultCorpus.loadSplit(heldOutFraction: 0.2, seed: 3)
        #expect(train == again.train && heldOut == again.heldOut)
        let other = try DefaultCorpus.loadSplit(heldOutFraction: 0.2, seed: 4)
        #expect(heldOut != other.heldOut)
        #expect(heldOut.count == Self.corpus.count / 5 && train.count + heldOut.count == Self.corpus.count)
        #expect(heldOut.labelCounts == [heldOut.count / 2, heldOut.count / 2])
        #expect(Set(train.texts).isDisjoint(with: Set(heldOut.texts)))
        let chinese = heldOut.filter { DefaultCorpus.Language.of($0.text) == .chinese }
        #expect(chinese.count == heldOut.count / 2)
    }

    /// A bag-of-tokens naive Bayes trained on the corpus gets hand-written everyday sentences of both
    /// languages right, i.e. the corpus is varied enough to generalize beyond its templates.
    @Test func smallClassifierGeneralizesToEverydaySentences() {
        var counts = [[String: Double]](repeating: [:], count: 2)
        var totals = [Double](repeating: 0, count: 2)
        for example in Self.corpus.examples {
            for token in tokenizer.tokenize(example.text) {
                counts[example.label][token.text, default: 0] += 1
                totals[example.label] += 1
            }
        }
        let vocabularySize = Double(Set(counts[0].keys).union(counts[1].keys).count)
        func predict(_ text: String) -> Int {
            let scores = (0..<2).map { label in
                tokenizer.tokenize(text).reduce(0.0) { score, token in
                    score + Foundation.log((counts[label][token.text, default: 0] + 1) / (totals[label] + vocabularySize))
                }
            }
            return scores[1] > scores[0] ? 1 : 0
        }
        let probes: [(String, Int)] = [
            ("I had a great day today.", 1), ("My weekend was wonderful.", 1), ("What a lovely evening!", 1),
            ("We really enjoyed the concert.", 1), ("The hotel staff were so friendly.", 1),
            ("I feel happy and relaxed.", 1), ("This pizza is delicious!", 1),
            ("The food was terrible.", 0), ("I feel sad and lonely tonight.", 0), ("The movie was boring.", 0),
            ("My phone is broken again.", 0), ("What an awful day.", 0), ("The service was slow and rude.", 0),
            ("我今天过得很好。", 1), ("这部电影太好看了！", 1), ("服务员很热情。", 1), ("今天天气真好。", 1),
            ("我很喜欢这家店。", 1), ("这家店的服务太差了。", 0), ("今天心情很糟糕。", 0), ("这个手机太难用了。", 0),
            ("我很难过。", 0), ("菜很难吃。", 0),
            ("The staff were rude.", 0), ("I love this song.", 1), ("This app is useless.", 0),
            ("The room was clean and quiet.", 1), ("It was a beautiful morning.", 1), ("I hate Mondays.", 0),
            ("The book was dull.", 0), ("今天很开心。", 1), ("这家餐厅的菜很好吃。", 1), ("房间很脏。", 0),
            ("我对这次旅行很失望。", 0), ("电影很无聊。", 0), ("客服态度很差。", 0), ("风景很美。", 1),
        ]
        let wrong = probes.filter { predict($0.0) != $0.1 }
        #expect(wrong.count <= 2, "misclassified: \(wrong.map(\.0))")
    }
}
