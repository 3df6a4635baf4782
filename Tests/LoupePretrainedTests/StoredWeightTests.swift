import Testing
import LoupeTensor
@testable import LoupePretrained

@Suite struct StoredWeightTests {
    @Test func denseWeightReportsShapeAndFormat() {
        let w = StoredWeight.dense(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        #expect(w.shape == [2, 3])
        #expect(w.storageType == .f32)
    }

    @Test func errorsNameFileAndKey() {
        let e = PretrainedError.badConfig(file: "config.json", key: "hidden_size", detail: "must be positive")
        #expect(e.description == "config.json: key 'hidden_size': must be positive")
    }
}
