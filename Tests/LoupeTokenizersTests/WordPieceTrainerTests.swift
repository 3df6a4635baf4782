import Foundation
import Testing
@testable import LoupeTokenizers

/// The WordPiece trainer: what it learns from small corpora, its determinism, its errors, and the
/// committed fixture it trained (whose encodings `tokenizers` confirms in ``TokenizerParityTests``).
@Suite struct WordPieceTrainerTests {
    static let corpus = Array(repeating: "low lower lowest newer newest wider widest", count: 5)
        + ["the lowest price", "new and newer", "我今天很好", "今天很好"]

    @Test func specialTokensComeFirstThenTheAlphabetThenMerges() throws {
        let trained = try WordPieceTrainer(vocabularySize: 60).train(texts: Self.corpus)
        #expect(Array(trained.tokens.prefix(4)) == ["[PAD]", "[UNK]", "[BOS]", "[EOS]"])
        #expect(trained.tokens.count <= 60)
        #expect(Set(trained.tokens).count == trained.tokens.count, "no token twice")
        // Frequent words are whole tokens or a stem with continuations.
        #expect(trained.tokens.contains("low"))
        #expect(trained.tokens.contains("lowest"), "a word seen 6 times becomes one token")
        #expect(trained.tokens.contains("##st"))
        #expect(trained.tokens.contains("今"), "a Chinese character is its own word")
    }

    @Test func encodesFrequentWordsWholeAndRareOnesInPieces() throws {
        let tokenizer = try WordPieceTrainer(vocabularySize: 60).train(texts: Self.corpus).tokenizer()
        let lowest = tokenizer.encode("lowest", addSpecialTokens: true).map(\.text)
        #expect(lowest.count <= 2 && lowest.joined().replacingOccurrences(of: "##", with: "") == "lowest")
        let pieces = tokenizer.encode("Slowest!", addSpecialTokens: true)
        #expect(pieces.first?.text == "[UNK]", "'s' never starts a word in the corpus: the word is unknown")
        #expect(pieces.last?.text == "[UNK]" || pieces.last?.text == "!")
        let chinese = tokenizer.encode("今天很好", addSpecialTokens: true)
        #expect(chinese.map(\.text) == ["今", "天", "很", "好"])
        #expect(chinese.map { $0.start ?? -1 } == [0, 1, 2, 3])
    }

    @Test func mergesTheMostFrequentPairFirst() throws {
        // "ab" is in every word, "cd" only in one: "##b" joins "a" before anything else.
        let texts = ["ab ab ab abx", "cd"]
        let trained = try WordPieceTrainer(vocabularySize: 4 + 5 + 2, minimumFrequency: 1).train(texts: texts)
        #expect(Array(trained.tokens[4..<9]) == ["##b", "a", "##d", "##x", "c"], "alphabet by frequency, then spelling")
        #expect(trained.tokens[9] == "ab")
    }

    @Test func rareCharactersStayOutOfTheAlphabet() throws {
        let trained = try WordPieceTrainer(vocabularySize: 100, minimumFrequency: 2).train(texts: ["aa aa", "z"])
        #expect(!trained.tokens.contains("z"))
        #expect(try trained.tokenizer().encode("z", addSpecialTokens: true).map(\.id) == [1])
    }

    @Test func theSameTextsGiveTheSameBytes() throws {
        let a = try WordPieceTrainer(vocabularySize: 50).train(texts: Self.corpus).tokenizerJSON()
        let b = try WordPieceTrainer(vocabularySize: 50).train(texts: Self.corpus.reversed()).tokenizerJSON()
        #expect(a == b, "word counts do not depend on the order of the texts")
    }

    @Test(arguments: [
        (WordPieceTrainer(unknownToken: "<unk>"), "unknownToken"),
        (WordPieceTrainer(vocabularySize: 3), "vocabularySize"),
        (WordPieceTrainer(specialTokens: ["[PAD]", "[UNK]", "[PAD]"]), "specialTokens"),
    ])
    func badSettingsThrow(_ trainer: WordPieceTrainer, key: String) {
        #expect(throws: TokenizerError.self) { try trainer.train(texts: ["some text"]) }
        do { _ = try trainer.train(texts: ["some text"]) } catch let error as TokenizerError {
            #expect(error.key == key)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func textsWithoutWordsThrow() {
        #expect(throws: TokenizerError.self) { try WordPieceTrainer().train(texts: ["", "   "]) }
    }

    /// The committed `loupe_wordpiece.tokenizer.json` is what the trainer makes from the parity
    /// strings today (set LOUPE_REGENERATE_FIXTURES=1 to rewrite it, then rerun
    /// benchmarks/fixtures/make_tokenizer_fixtures.py for its expected encodings).
    @Test func committedFixtureIsWhatTheTrainerMakes() throws {
        let made = try Self.fixtureTrainer.train(texts: ParityFixtures.strings).tokenizerJSON()
        if ProcessInfo.processInfo.environment["LOUPE_REGENERATE_FIXTURES"] == "1" {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/tokenizers/loupe_wordpiece.tokenizer.json")
            try made.write(to: url)
        }
        let committed = try Data(contentsOf: try ParityFixtures.url("loupe_wordpiece.tokenizer.json"))
        #expect(made == committed)
    }

    static let fixtureTrainer = WordPieceTrainer(vocabularySize: 1_500, minimumFrequency: 2)
}
