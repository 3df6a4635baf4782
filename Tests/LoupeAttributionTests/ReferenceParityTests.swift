import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTestSupport
import Testing

/// Every deterministic attribution number of the PyTorch/Captum reference results
/// (`expected.json` of the two classifiers) reproduced within 1e-4, from the checkpoints.
/// The loading and comparisons are shared with ``NewCheckpointParityTests`` (``CaptumParityFixture``).
@Suite("Reference parity (Captum)")
struct ReferenceParityTests {
    static let models = ["bag-of-embeddings", "transformer-classifier"]

    @Test(arguments: models)
    func integratedGradientsBothRules(model name: String) throws {
        let fixture = try CaptumParityFixture.reference(name)
        let errors = try fixture.checkIntegratedGradients()
        print("\(name) integrated gradients: max |error| = \(errors.worst)")
    }

    @Test(arguments: models)
    func gradientInputTimesGradientAndLeaveOneOut(model name: String) throws {
        let fixture = try CaptumParityFixture.reference(name)
        let errors = try fixture.checkGradientInputXGradientLeaveOneOut()
        print("\(name) gradient / input×gradient / leave-one-out: max |error| = \(errors.worst)")
    }

    @Test(arguments: models)
    func allClassesInOneCallMatchPerClassCalls(model name: String) throws {
        try CaptumParityFixture.reference(name).checkAllClassesInOneCall()
    }
}
