import Foundation
import LoupeTensor

/// Tensors held in memory under their state-dict names, as a ``WeightStore`` (for building new
/// layers, such as a fresh classification head, through the checkpoint loader).
final class FreshTensorStore: WeightStore {
    let source: URL
    private let tensors: [String: Tensor]

    init(_ tensors: [String: Tensor], source: String) {
        self.tensors = tensors
        self.source = URL(fileURLWithPath: source)
    }

    var names: [String] { tensors.keys.sorted() }

    func weight(named name: String) throws -> StoredWeight {
        guard let t = tensors[name] else { throw PretrainedError.missingTensor(file: source.lastPathComponent, name: name) }
        return .dense(t)
    }
}
