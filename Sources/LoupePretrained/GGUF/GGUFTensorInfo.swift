import LoupeTensor

/// One tensor-info record of a GGUF file, checked against the file when it was opened.
public struct GGUFTensorInfo: Equatable, Sendable {
    /// The tensor's name (`blk.0.attn_q.weight`, …).
    public let name: String
    /// The shape in PyTorch order, outermost first: GGUF stores dimensions fastest-first
    /// (`ne[0]` is the row length), so this is the file's dimension list reversed.
    public let shape: [Int]
    /// The storage format.
    public let type: QuantizationType
    /// Byte offset of the data from the start of the (aligned) data section.
    public let offset: Int
    /// Bytes of data: rows of `shape.last` elements packed in `type`'s blocks.
    public let byteCount: Int

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
}

/// GGML type ids Loupe recognises by name but does not decode, for error messages.
enum GGMLTypeNames {
    static func name(of id: UInt32) -> String? {
        let names: [UInt32: String] = [
            6: "Q5_0", 7: "Q5_1", 9: "Q8_1", 10: "Q2_K", 11: "Q3_K", 15: "Q8_K", 16: "IQ2_XXS", 17: "IQ2_XS",
            18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 24: "I8", 25: "I16",
            26: "I32", 27: "I64", 28: "F64", 29: "IQ1_M", 34: "TQ1_0", 35: "TQ2_0", 39: "MXFP4",
        ]
        return names[id]
    }
}
