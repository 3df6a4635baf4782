import Foundation
import LoupeAttribution
import LoupeNN
import Testing

/// Parity with PyTorch + Captum on checkpoints that are not in the shared reference set: a pre-LN
/// GELU Transformer (3 layers, head size 10, 3 classes), a wide post-LN ReLU Transformer (1 layer,
/// head size 24, sentences up to 44 tokens and of 1 token, 4 classes) and a 3-class bag of
/// embeddings, with predicted classes other than 0. Made by
/// `benchmarks/parity/make_parity_fixtures.py` (see `Fixtures/README.md`); every number of their
/// `expected.json` must be reproduced within 1e-4 (absolute, or relative to the largest expected
/// magnitude when that is above 1), as for the reference checkpoints.
@Suite("New-checkpoint parity (Captum)")
struct NewCheckpointParityTests {
    static let models = ["transformer-prenorm-gelu", "transformer-postnorm-wide", "bag-of-embeddings-3class"]

    @Test func everyFixtureFolderIsTested() throws {
        let folders = try FileManager.default.contentsOfDirectory(atPath: try CaptumParityFixture.parityDirectory.path)
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }
        #expect(Set(folders) == Set(Self.models))
    }

    @Test(arguments: models)
    func logitsProbabilitiesAndBaseline(model name: String) throws {
        let fixture = try CaptumParityFixture.parity(name)
        #expect(fixture.cases.count >= 10)
        try fixture.checkOutputs().report(name)
    }

    @Test(arguments: models)
    func integratedGradientsBothRules(model name: String) throws {
        try CaptumParityFixture.parity(name).checkIntegratedGradients().report(name)
    }

    @Test(arguments: models)
    func gradientInputTimesGradientAndLeaveOneOut(model name: String) throws {
        try CaptumParityFixture.parity(name).checkGradientInputXGradientLeaveOneOut().report(name)
    }

    @Test(arguments: models)
    func allClassesInOneCallMatchPerClassCalls(model name: String) throws {
        try CaptumParityFixture.parity(name).checkAllClassesInOneCall()
    }
}
