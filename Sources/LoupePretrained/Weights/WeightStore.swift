import Foundation
import LoupeTensor

/// One tensor of a pretrained checkpoint as it is stored: dense floats, or a matrix kept in its
/// stored (half-precision or block-quantized) format.
public enum StoredWeight {
    case dense(Tensor)
    case quantized(QuantizedMatrix)

    /// The tensor's shape (PyTorch order: outermost first).
    public var shape: [Int] {
        switch self {
        case .dense(let t): return t.shape
        case .quantized(let q): return q.shape
        }
    }

    /// The storage format.
    public var storageType: QuantizationType {
        switch self {
        case .dense: return .f32
        case .quantized(let q): return q.type
        }
    }
}

/// The tensors of a pretrained checkpoint by name (a Hugging Face `model.safetensors`, its
/// shards, or a GGUF file), read lazily from a memory mapping.
public protocol WeightStore: AnyObject {
    /// The file (or folder) the weights come from, for error messages.
    var source: URL { get }
    /// Every tensor name, sorted.
    var names: [String] { get }
    /// The tensor called `name`, in its stored format.
    /// - Throws: ``PretrainedError/missingTensor(file:name:)`` when there is none.
    func weight(named name: String) throws -> StoredWeight
}

/// A bad or unsupported pretrained checkpoint, found while loading: each case names the file
/// and the key or tensor at fault.
public enum PretrainedError: Error, Equatable, CustomStringConvertible {
    /// The file is not what it claims to be (truncated, bad magic, offsets past the end, …).
    case malformed(file: String, detail: String)
    /// A configuration key is missing, has the wrong type, or an impossible value.
    case badConfig(file: String, key: String, detail: String)
    /// The checkpoint names an architecture, dtype or quantization Loupe does not support.
    case unsupported(file: String, detail: String)
    /// A tensor the architecture needs is absent.
    case missingTensor(file: String, name: String)
    /// A tensor has the wrong shape for the configuration.
    case shapeMismatch(file: String, name: String, expected: [Int], found: [Int])
    /// No tokenizer could be found or read.
    case tokenizer(file: String, detail: String)

    public var description: String {
        switch self {
        case .malformed(let file, let detail): return "\(file): \(detail)"
        case .badConfig(let file, let key, let detail): return "\(file): key '\(key)': \(detail)"
        case .unsupported(let file, let detail): return "\(file): unsupported: \(detail)"
        case .missingTensor(let file, let name): return "\(file): tensor '\(name)' is missing"
        case .shapeMismatch(let file, let name, let expected, let found):
            return "\(file): tensor '\(name)' has shape \(found); the configuration needs \(expected)"
        case .tokenizer(let file, let detail): return "\(file): tokenizer: \(detail)"
        }
    }
}

extension WeightStore {
    /// The tensor called `name` as dense floats (dequantized if stored quantized), checked
    /// against `shape` when given.
    public func tensor(named name: String, shape: [Int]? = nil) throws -> Tensor {
        let stored = try weight(named: name)
        if let shape, stored.shape != shape {
            throw PretrainedError.shapeMismatch(file: source.lastPathComponent, name: name, expected: shape,
                                                found: stored.shape)
        }
        switch stored {
        case .dense(let t): return t
        case .quantized(let q): return q.dequantized()
        }
    }

    /// True when the store holds a tensor called `name`.
    public func contains(_ name: String) -> Bool { names.contains(name) }
}
