import Foundation
import LoupeNN
import LoupeTensor
@testable import LoupePretrained

/// A ``WeightStore`` over tensors in memory (the F32 safetensors of a fixture read with
/// LoupeNN's `SafeTensorsFile`), for tests that must not depend on the mapped stores.
final class InMemoryWeightStore: WeightStore {
    let source: URL
    var tensors: [String: StoredWeight]

    init(source: URL, tensors: [String: StoredWeight]) {
        self.source = source
        self.tensors = tensors
    }

    /// Every tensor of an F32 `.safetensors` file.
    convenience init(safetensors url: URL) throws {
        let file = try SafeTensorsFile.read(from: url)
        self.init(source: url, tensors: file.tensors.mapValues { .dense($0) })
    }

    var names: [String] { tensors.keys.sorted() }

    func weight(named name: String) throws -> StoredWeight {
        guard let weight = tensors[name] else {
            throw PretrainedError.missingTensor(file: source.lastPathComponent, name: name)
        }
        return weight
    }
}
