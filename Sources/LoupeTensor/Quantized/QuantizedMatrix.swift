/// A read-only `[rows, columns]` weight matrix kept in its stored format (F16, BF16, or a GGML
/// block quantization), usually inside a memory-mapped file: no float copy is made until a
/// kernel needs one.
///
/// Rows are contiguous; a row of `columns` elements occupies
/// `columns / type.blockSize * type.bytesPerBlock` bytes. The matrix keeps `owner` (the mapping)
/// alive as long as it exists.
public struct QuantizedMatrix: @unchecked Sendable {
    public let type: QuantizationType
    public let rows: Int
    public let columns: Int
    /// The matrix's bytes, `rows * bytesPerRow` of them.
    public let bytes: UnsafeRawBufferPointer
    /// Whatever owns `bytes` (a file mapping, a `Data`).
    public let owner: AnyObject
    /// The SGEMM panels of this weight once it has been multiplied twice (``WeightPanelCache``).
    private(set) var panelSlot = PanelSlot()

    /// - Precondition: `columns` is a multiple of the type's block size and `bytes` holds
    ///   exactly `rows * bytesPerRow` bytes (callers that read files check this and throw first).
    public init(type: QuantizationType, rows: Int, columns: Int, bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        precondition(columns % type.blockSize == 0, "\(type) rows need a multiple of \(type.blockSize) columns, got \(columns)")
        precondition(bytes.count == rows * (columns / type.blockSize) * type.bytesPerBlock,
                     "\(type) [\(rows), \(columns)] needs \(rows * (columns / type.blockSize) * type.bytesPerBlock) bytes, got \(bytes.count)")
        self.type = type
        self.rows = rows
        self.columns = columns
        self.bytes = bytes
        self.owner = owner
    }

    /// Bytes per stored row.
    public var bytesPerRow: Int { columns / type.blockSize * type.bytesPerBlock }

    /// The shape `[rows, columns]`.
    public var shape: [Int] { [rows, columns] }

    /// This matrix with a panel cache of its own that draws on `budget` (tests).
    func withPanelBudget(_ budget: PanelBudget) -> QuantizedMatrix {
        var copy = self
        copy.panelSlot = PanelSlot(budget: budget)
        return copy
    }
}
