// Placeholder: the GGUF/quantization work fills in the block decoders (see QuantizationType).
extension QuantizedMatrix {
    /// The matrix as dense floats `[rows, columns]`.
    public func dequantized() -> Tensor {
        preconditionFailure("QuantizedMatrix.dequantized(): \(type) not implemented yet")
    }
}
