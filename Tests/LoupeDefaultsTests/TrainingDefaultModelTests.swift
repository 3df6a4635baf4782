import Foundation
import LoupeDefaults
@testable import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// The bundled default classifier: its probes, its size, its sub-word vocabulary, and — when the
/// real data is present — the accuracy and calibration its README claims, on data it never saw.
@Suite("Training: default model")
struct TrainingDefaultModelTests {
    @Test(arguments: DefaultModelRecipe.probes.map { ($0.text, $0.label) })
    func shippedModelGetsTheProbesRight(text: String, label: String) throws {
        let (classifier, encoder) = try DefaultModel.classifier()
        #expect(classifier.labels == ["negative", "positive"])
        let p = classifier.probabilities(tokenIDs: [encoder.encode(text).ids]).scalars
        #expect(classifier.labels[p[1] > p[0] ? 1 : 0] == label, "p = \(p) for \(text)")
    }

    @Test func shippedModelIsSmallAndCarriesItsProvenance() throws {
        let directory = try #require(DefaultModel.directory)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(Set(names).isSuperset(of: ["config.json", "model.safetensors", "vocab.txt", "tokenizer.json", "README.md"]))
        let size = try names.reduce(0) { total, name in
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            return total + ((attributes[.size] as? Int) ?? 0)
        }
        #expect(size < 10_000_000)
        let readme = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
        for fact in ["sst2/train.tsv", "waimai_10k.csv", "online_shopping_9cats.csv", "loupe-regenerate-defaults classifier",
                     "ECE", "temperature"] {
            #expect(readme.contains(fact), "README.md should say \(fact)")
        }
        let metadata = try Checkpoint.load(from: directory).metadata
        #expect(metadata[DefaultModels.recipeKey] == DefaultModelRecipe.tag)
    }

    @Test func ordinaryWordsAreNeverUnknown() throws {
        let (_, encoder) = try DefaultModel.classifier()
        #expect(encoder.usesSubwords)
        let text = "No, the movement of this unbelievably overlong documentary was not what I expected; 外卖送得很快。"
        let encoded = encoder.encode(text)
        #expect(encoded.unknownTokenIndices.isEmpty, "unknown: \(encoded.unknownTokenIndices.map { encoded.tokens[$0].text })")
        #expect(encoded.tokens.contains { $0.text.hasPrefix("##") }, "rare words are split into pieces")
    }

    @Test(.enabled(if: SharedData.isPresent("sst2/dev.tsv", "zh/waimai_10k.csv", "zh/online_shopping_9cats.csv"),
                   "real data not present (../shared/data)"))
    func unseenDataMeetsTheTargets() throws {
        let corpora = try SentimentCorpora.load(from: SharedData.folder)
        let (classifier, encoder) = try DefaultModel.classifier()
        func report(_ set: TextDataSet) -> CalibrationReport {
            let ids = set.examples.map { example -> [Int] in
                let ids = encoder.encode(example.text).ids
                return ids.isEmpty ? [Vocabulary.unknownID] : ids
            }
            let rows = classifier.logitRows(tokenIDs: ids, batchSize: 256)
            return CalibrationReport(probabilities: rows.map { TemperatureScaling.probabilities($0.map(Double.init)) },
                                     labels: set.labels)
        }
        let english = report(corpora.englishTest), chinese = report(corpora.chineseTest)
        // The figures of the bundle's README (SST-2 dev 82.34 %, ECE 0.054; Chinese 90.59 %, ECE 0.011),
        // so a regenerated bundle cannot silently get worse. Issue 14 asks ≥ 84 % and ECE ≤ 0.05:
        // met for Chinese, not yet for English.
        #expect(english.accuracy >= 0.823, "SST-2 dev \(english.accuracy)")
        #expect(chinese.accuracy >= 0.90, "Chinese test part \(chinese.accuracy)")
        #expect(english.expectedCalibrationError <= 0.06, "English ECE \(english.expectedCalibrationError)")
        #expect(chinese.expectedCalibrationError <= 0.03, "Chinese ECE \(chinese.expectedCalibrationError)")
        for r in [english, chinese] where r.confidentFraction > 0.01 {
            #expect(try #require(r.confidentAccuracy) >= 0.97, "p ≥ 0.99 only where the model is right that often")
        }
    }
}
