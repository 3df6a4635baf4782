import Foundation
@testable import LoupeDefaults
import LoupeNN
import LoupeTestSupport
import Testing

/// The splits of the real data the default classifier learns from: nothing tested on is trained on.
@Suite struct SentimentCorporaTests {
    static func data(_ texts: [String]) -> TextDataSet {
        TextDataSet(examples: texts.enumerated().map { TextExample(text: $0.element, label: $0.offset % 2) },
                    labelNames: SentimentCorpora.labelNames)
    }

    @Test func sentenceSplitHoldsWholeSentencesAndDropsTheirPhrases() {
        let long = "the film is a slow , dull and very long affair that goes nowhere at all"
        let other = "a warm , funny and wise film about growing old with grace and style"
        let set = Self.data([long, "a slow , dull", "dull", "goes nowhere at all", other, "funny and wise", "unrelated phrase"])
        let (train, heldOut) = SentimentCorpora.sentenceSplit(set, sentenceCount: 1, seed: 1)
        #expect(heldOut.count == 1)
        let held = heldOut.examples[0].text
        #expect(held == long || held == other)
        for example in train.examples {
            #expect(!held.contains(example.text), "'\(example.text)' is part of the held-out sentence")
        }
        #expect(train.examples.contains { $0.text == "unrelated phrase" })
        #expect(train.count + heldOut.count < set.count, "phrases of the held sentence are dropped, not moved")
    }

    /// A long phrase of a longer sentence is never drawn: its sentence would stay in training.
    @Test(arguments: UInt64(0)..<8)
    func sentenceSplitNeverDrawsAPartOfALongerRow(seed: UInt64) {
        let sentence = "the film is a slow , dull and very long affair that goes nowhere at all in the end"
        let phrase = "the film is a slow , dull and very long affair that goes nowhere"
        let other = "a warm , funny and wise film about growing old with grace and style"
        let set = Self.data([phrase, sentence, "dull", other])
        let (train, heldOut) = SentimentCorpora.sentenceSplit(set, sentenceCount: 1, seed: seed)
        #expect(heldOut.count == 1)
        #expect(heldOut.examples[0].text != phrase)
        for example in train.examples {
            #expect(!example.text.contains(heldOut.examples[0].text), "'\(example.text)' holds the held-out sentence")
        }
    }

    @Test(.enabled(if: SharedData.isPresent("sst2/train.tsv", "zh/waimai_10k.csv", "zh/online_shopping_9cats.csv"),
                   "real data not present (../shared/data)"))
    func realSplitsDoNotOverlap() throws {
        let corpora = try SentimentCorpora.load(from: SharedData.folder)
        #expect(corpora.englishTest.count == 872)
        #expect(corpora.englishCalibration.count == 600)
        let chineseTrain = Set(corpora.chineseTrain.examples.map { SentimentCorpora.normalizedReview($0.text) })
        for part in [corpora.chineseTest, corpora.chineseCalibration] {
            #expect(!part.examples.contains { chineseTrain.contains(SentimentCorpora.normalizedReview($0.text)) })
        }
        let englishTrain = Set(corpora.englishTrain.examples.map(\.text))
        #expect(!corpora.englishCalibration.examples.contains { englishTrain.contains($0.text) })
        // No training row holds a calibration sentence either (it would be a longer sentence).
        let calibration = Set(corpora.englishCalibration.examples.map(\.text))
        let lengths = Set(calibration.map { $0.split(separator: " ").count })
        let holding = corpora.englishTrain.examples.filter { row in
            let w = row.text.split(separator: " ")
            return lengths.contains { n in
                n < w.count && (0...(w.count - n)).contains { calibration.contains(w[$0..<($0 + n)].joined(separator: " ")) }
            }
        }
        #expect(holding.isEmpty, "\(holding.count) training rows hold a calibration sentence, e.g. '\(holding.first?.text ?? "")'")
        let total = corpora.chineseTrain.count + corpora.chineseTest.count + corpora.chineseCalibration.count
        #expect(abs(Double(corpora.chineseTest.count) / Double(total) - 0.2) < 0.001)
    }
}
