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
        let total = corpora.chineseTrain.count + corpora.chineseTest.count + corpora.chineseCalibration.count
        #expect(abs(Double(corpora.chineseTest.count) / Double(total) - 0.2) < 0.001)
    }
}
