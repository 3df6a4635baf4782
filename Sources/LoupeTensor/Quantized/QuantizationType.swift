/// How a weight matrix's elements are stored: plain floats or one of GGML's block formats
/// (the layouts of llama.cpp's `ggml-common.h`, as GGUF files store them).
///
/// Block formats pack `blockSize` consecutive elements of a row into `bytesPerBlock` bytes.
public enum QuantizationType: String, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case q8_0 = "Q8_0"
    case q4_0 = "Q4_0"
    case q4_1 = "Q4_1"
    case q4_K = "Q4_K"
    case q5_K = "Q5_K"
    case q6_K = "Q6_K"

    public var description: String { rawValue }

    /// GGML's numeric type id (the value in a GGUF tensor-info record).
    public var ggmlTypeID: Int {
        switch self {
        case .f32: return 0
        case .f16: return 1
        case .q4_0: return 2
        case .q4_1: return 3
        case .q8_0: return 8
        case .q4_K: return 12
        case .q5_K: return 13
        case .q6_K: return 14
        case .bf16: return 30
        }
    }

    /// The type with GGML's numeric id `id`, or `nil` for a type Loupe does not read.
    public init?(ggmlTypeID id: Int) {
        guard let type = QuantizationType.allCases.first(where: { $0.ggmlTypeID == id }) else { return nil }
        self = type
    }

    /// Elements per block (1 for the float types).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: return 1
        case .q8_0, .q4_0, .q4_1: return 32
        case .q4_K, .q5_K, .q6_K: return 256
        }
    }

    /// Bytes per block.
    public var bytesPerBlock: Int {
        switch self {
        case .f32: return 4
        case .f16, .bf16: return 2
        case .q8_0: return 34
        case .q4_0: return 18
        case .q4_1: return 20
        case .q4_K: return 144
        case .q5_K: return 176
        case .q6_K: return 210
        }
    }

    /// True for the block (quantized) formats.
    public var isQuantized: Bool { blockSize > 1 }
}
