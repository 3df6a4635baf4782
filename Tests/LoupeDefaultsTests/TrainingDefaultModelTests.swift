import Foundation
import LoupeDefaults
@testable import LoupeNN
import LoupeTensor
import Testing

@Suite("Training: default model")
struct TrainingDefaultModelTests {
    @Test(arguments: [("I had a great day today.", 1), ("我今天过得很好。", 1), ("The food was terrible.", 0),
                      ("这家店的服务太差了。", 0)])
    func shippedModelClassifiesPlainSentences(text: String, label: Int) throws {
        let (classifier, encoder) = try DefaultModel.classifier()
        #expect(classifier.labels == ["negative", "positive"])
        let p = classifier.probabilities(tokenIDs: [encoder.encode(text).ids]).scalars
        #expect(p[label] > 0.95, "p = \(p) for \(text)")
    }

    @Test func shippedModelIsSmall() throws {
        let directory = try #require(DefaultModel.directory)
        let size = try ["config.json", "model.safetensors", "vocab.txt"].reduce(0) { total, name in
            let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            return total + ((attributes[.size] as? Int) ?? 0)
        }
        #expect(size < 1_500_000)
    }
}
