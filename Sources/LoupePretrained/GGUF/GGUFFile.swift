import Foundation
import LoupeTensor

/// A GGUF model file (llama.cpp's single-file format, ggml `docs/gguf.md`), memory-mapped and
/// parsed once: header, metadata, tensor infos. Tensor data stays in the mapping; quantized
/// matrices point into it and keep it alive.
///
/// Versions 2 and 3 (little-endian) are read. Every structural fault of the file — truncation
/// at any point, a bad magic, an unknown value or tensor type, counts or lengths the file cannot
/// hold, offsets past its end or off the alignment, duplicate names — throws one
/// ``PretrainedError`` naming the file and the key or tensor; nothing is allocated from an
/// unchecked number.
public final class GGUFFile: WeightStore {
    /// The file.
    public let source: URL
    /// The format version (2 or 3).
    public let version: Int
    /// Every metadata value by key.
    public let metadata: [String: GGUFValue]
    /// The metadata keys in file order.
    public let metadataKeys: [String]
    /// The tensor infos in file order.
    public let tensorInfos: [GGUFTensorInfo]
    /// The data alignment (`general.alignment`, 32 when absent).
    public let alignment: Int
    /// Absolute file offset of the data section.
    public let dataOffset: Int

    let mapping: MappedFile
    private let tensorIndex: [String: Int]
    /// The file name, for errors.
    var fileName: String { source.lastPathComponent }

    /// The GGUF magic, "GGUF" in file order.
    static let magic: UInt32 = 0x4655_4747
    /// Default `general.alignment`.
    public static let defaultAlignment = 32

    /// Maps and parses the GGUF file at `url`.
    /// - Throws: ``PretrainedError`` naming the file and the fault.
    public static func open(_ url: URL) throws -> GGUFFile {
        try GGUFFile(url: url)
    }

    private init(url: URL) throws {
        source = url
        mapping = try MappedFile(url: url)
        let file = url.lastPathComponent
        var reader = GGUFReader(bytes: mapping.bytes, file: file)

        let magic = try reader.u32("the header's magic")
        guard magic == Self.magic else {
            let shown = withUnsafeBytes(of: magic.littleEndian) { raw in
                raw.map { (0x20...0x7E).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
            }
            throw PretrainedError.malformed(file: file, detail: "not a GGUF file (magic \"\(shown)\", expected \"GGUF\")")
        }
        let rawVersion = try reader.u32("the header's version")
        guard rawVersion == 2 || rawVersion == 3 else {
            if rawVersion.byteSwapped == 2 || rawVersion.byteSwapped == 3 {
                throw PretrainedError.unsupported(file: file, detail: "big-endian GGUF (version \(rawVersion.byteSwapped))")
            }
            throw PretrainedError.unsupported(file: file, detail: "GGUF version \(rawVersion) (Loupe reads versions 2 and 3)")
        }
        version = Int(rawVersion)
        let tensorCount = try reader.u64("the header's tensor count")
        let kvCount = try reader.u64("the header's metadata count")
        // Each metadata entry takes at least 13 bytes (key length, type, one byte), each tensor
        // info at least 32 (name length, n_dims, one dimension, type, offset).
        guard kvCount <= UInt64(reader.remaining / 13) else {
            throw PretrainedError.malformed(
                file: file, detail: "truncated or corrupt: the header claims \(kvCount) metadata entries, impossible in a file of \(mapping.bytes.count) bytes")
        }
        guard tensorCount <= UInt64(reader.remaining / 32) else {
            throw PretrainedError.malformed(
                file: file, detail: "truncated or corrupt: the header claims \(tensorCount) tensors, impossible in a file of \(mapping.bytes.count) bytes")
        }

        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        for i in 0..<Int(kvCount) {
            let key = try reader.string("key of metadata entry \(i)")
            let type = try reader.valueType("metadata '\(key)'")
            let value = try reader.value(of: type, key: key, owner: mapping)
            guard metadata.updateValue(value, forKey: key) == nil else {
                throw PretrainedError.malformed(file: file, detail: "metadata key '\(key)' appears twice")
            }
            keys.append(key)
        }
        self.metadata = metadata
        metadataKeys = keys

        var alignment = Self.defaultAlignment
        if let value = metadata["general.alignment"] {
            guard let a = value.integerValue, a > 0, a & (a - 1) == 0 else {
                throw PretrainedError.badConfig(file: file, key: "general.alignment",
                                                detail: "must be a positive power of two, got \(value)")
            }
            alignment = a
        }
        self.alignment = alignment

        var infos: [GGUFTensorInfo] = []
        var index: [String: Int] = [:]
        for i in 0..<Int(tensorCount) {
            let info = try Self.readTensorInfo(&reader, number: i, file: file)
            guard index.updateValue(infos.count, forKey: info.name) == nil else {
                throw PretrainedError.malformed(file: file, detail: "tensor '\(info.name)' appears twice")
            }
            infos.append(info)
        }

        // The data section starts at the next multiple of the alignment.
        let (padded, overflow) = reader.offset.addingReportingOverflow(alignment - 1)
        dataOffset = overflow ? Int.max : padded / alignment * alignment
        let size = mapping.bytes.count
        for info in infos {
            guard info.offset % alignment == 0 else {
                throw PretrainedError.malformed(
                    file: file, detail: "tensor '\(info.name)': data offset \(info.offset) is not a multiple of the alignment \(alignment)")
            }
            let (start, o1) = dataOffset.addingReportingOverflow(info.offset)
            let (end, o2) = start.addingReportingOverflow(info.byteCount)
            guard !o1, !o2, end <= size else {
                throw PretrainedError.malformed(
                    file: file,
                    detail: "truncated: data of tensor '\(info.name)' (\(info.byteCount) bytes at data offset \(info.offset)) runs past the end of the file (\(size) bytes)")
            }
        }
        tensorInfos = infos
        tensorIndex = index
        names = infos.map(\.name).sorted()
    }

    /// One tensor-info record: name, n_dims, dims (fastest first), ggml type id, data offset.
    private static func readTensorInfo(_ reader: inout GGUFReader, number i: Int, file: String) throws -> GGUFTensorInfo {
        let name = try reader.string("name of tensor info \(i)")
        let what = "tensor '\(name)'"
        let rank = try reader.u32("rank of \(what)")
        guard (1...4).contains(rank) else {
            throw PretrainedError.malformed(file: file, detail: "\(what) has \(rank) dimensions (GGUF allows 1 to 4)")
        }
        var dims: [Int] = []
        var elements = 1
        for d in 0..<Int(rank) {
            let raw = try reader.u64("dimension \(d) of \(what)")
            guard raw >= 1, let dim = Int(exactly: raw) else {
                throw PretrainedError.malformed(file: file, detail: "\(what) has dimension \(d) of size \(raw)")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
            guard !overflow else {
                throw PretrainedError.malformed(file: file, detail: "\(what) has an element count that overflows")
            }
            elements = product
            dims.append(dim)
        }
        let typeID = try reader.u32("type of \(what)")
        guard let type = QuantizationType(ggmlTypeID: Int(typeID)) else {
            let known = GGMLTypeNames.name(of: typeID).map { " (\($0))" } ?? ""
            throw PretrainedError.unsupported(file: file, detail: "\(what) has ggml type id \(typeID)\(known), which Loupe does not read")
        }
        let rawOffset = try reader.u64("data offset of \(what)")
        guard let offset = Int(exactly: rawOffset) else {
            throw PretrainedError.malformed(file: file, detail: "\(what) has data offset \(rawOffset), past any file")
        }
        guard dims[0] % type.blockSize == 0 else {
            throw PretrainedError.malformed(
                file: file, detail: "\(what) is \(type) with rows of \(dims[0]) elements, not a multiple of its block size \(type.blockSize)")
        }
        let (byteCount, overflow) = (elements / type.blockSize).multipliedReportingOverflow(by: type.bytesPerBlock)
        guard !overflow else {
            throw PretrainedError.malformed(file: file, detail: "\(what) has a byte count that overflows")
        }
        return GGUFTensorInfo(name: name, shape: dims.reversed(), type: type, offset: offset, byteCount: byteCount)
    }

    // MARK: Tensors

    /// Every tensor name, sorted.
    public let names: [String]

    /// True when the file holds a tensor called `name` (a dictionary look-up).
    public func contains(_ name: String) -> Bool { tensorIndex[name] != nil }

    /// The info of the tensor called `name`, if any.
    public func tensorInfo(named name: String) -> GGUFTensorInfo? {
        tensorIndex[name].map { tensorInfos[$0] }
    }

    /// The bytes of a tensor's data inside the mapping.
    func dataBytes(of info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        let start = dataOffset + info.offset
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + info.byteCount)])
    }

    /// The tensor called `name` in its stored format: F32 as a dense tensor; F16, BF16 and the
    /// block formats as a ``QuantizedMatrix`` `[rows, columns]` pointing into the mapping, except
    /// vectors and tensors of rank 3 or 4, which are decoded to dense floats of their full shape.
    /// - Throws: ``PretrainedError/missingTensor(file:name:)`` when there is none.
    public func weight(named name: String) throws -> StoredWeight {
        guard let info = tensorInfo(named: name) else {
            throw PretrainedError.missingTensor(file: fileName, name: name)
        }
        let data = dataBytes(of: info)
        if info.type == .f32 {
            let scalars = [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
                if info.elementCount > 0 {
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: data)
                }
                initialized = info.elementCount
            }
            return .dense(Tensor(shape: info.shape, scalars: scalars))
        }
        let columns = info.shape[info.shape.count - 1]
        let matrix = QuantizedMatrix(type: info.type, rows: info.elementCount / columns, columns: columns,
                                     bytes: data, owner: mapping)
        if info.shape.count == 2 { return .quantized(matrix) }
        return .dense(matrix.dequantized().reshaped(info.shape))
    }
}
