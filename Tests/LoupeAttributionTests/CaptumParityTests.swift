import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTestSupport
import Testing

/// Parity with PyTorch + Captum on every checkpoint we hold results for: the two classifiers of
/// the shared reference set (`shared/reference`, copied into LoupeNNTests' fixtures) and three
/// of our own made by `benchmarks/parity/make_parity_fixtures.py` (a pre-LN GELU Transformer with
/// 3 layers and 3 classes, a wide post-LN ReLU Transformer with sentences of 1 to 44 tokens and
/// 4 classes, a 3-class bag of embeddings). Every number of each `expected.json` — logits,
/// probabilities, baseline logit, integrated gradients (Gauss–Legendre and Captum's trapezoid,
/// 50 steps), gradient, input × gradient, leave-one-out — must be reproduced within 1e-4
/// (absolute, or relative to the largest expected magnitude when that is above 1).
@Suite("Captum parity")
struct CaptumParityTests {
    enum Checkpoint: String, CaseIterable, CustomTestStringConvertible {
        case referenceBag = "bag-of-embeddings"
        case referenceTransformer = "transformer-classifier"
        case prenormGELU = "transformer-prenorm-gelu"
        case postnormWide = "transformer-postnorm-wide"
        case bagThreeClasses = "bag-of-embeddings-3class"

        var isSharedReference: Bool { self == .referenceBag || self == .referenceTransformer }

        func fixture() throws -> CaptumParityFixture {
            isSharedReference ? try .reference(rawValue) : try .parity(rawValue)
        }

        var testDescription: String { rawValue }
    }

    @Test("every fixture folder of ours is in the list")
    func everyFixtureFolderIsTested() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: try CaptumParityFixture.parityDirectory.path)
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }
        #expect(Set(folders) == Set(Checkpoint.allCases.filter { !$0.isSharedReference }.map(\.rawValue)))
    }

    @Test("logits, probabilities, predicted class and baseline logit", arguments: Checkpoint.allCases)
    func outputs(checkpoint: Checkpoint) throws {
        let fixture = try checkpoint.fixture()
        #expect(fixture.cases.count >= 5)
        try fixture.checkOutputs().report(checkpoint.rawValue)
    }

    @Test("integrated gradients, Gauss–Legendre and trapezoid", arguments: Checkpoint.allCases)
    func integratedGradients(checkpoint: Checkpoint) throws {
        try checkpoint.fixture().checkIntegratedGradients().report(checkpoint.rawValue)
    }

    @Test("gradient, input × gradient and leave-one-out", arguments: Checkpoint.allCases)
    func gradientInputTimesGradientAndLeaveOneOut(checkpoint: Checkpoint) throws {
        try checkpoint.fixture().checkGradientInputXGradientLeaveOneOut().report(checkpoint.rawValue)
    }

    @Test("all classes in one call equal per-class calls", arguments: Checkpoint.allCases)
    func allClassesInOneCallMatchPerClassCalls(checkpoint: Checkpoint) throws {
        try checkpoint.fixture().checkAllClassesInOneCall()
    }
}
