import LoupeIO
import Foundation
import LoupeTensor

/// The tensors and metadata of one safetensors file.
///
/// Layout: an 8-byte little-endian header length `N`, `N` bytes of UTF-8 JSON
/// (`{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}`),
/// then the raw row-major data; offsets are relative to the start of the data.
///
/// Reading validates everything (see ``parse(_:fileName:)``) and returns `Float` tensors: `F32` is
/// read exactly, `F16`/`BF16`/`F64` are converted to `Float32`, every other dtype is rejected.
/// Writing always produces `F32` with sorted keys, contiguous offsets and a header padded with
/// spaces to a multiple of 8 bytes, so the same tensors always serialise to the same bytes.
public struct SafeTensorsFile {
    /// The tensors by name (PyTorch `state_dict()` keys).
    public var tensors: [String: Tensor]
    /// The string-to-string `__metadata__` map (empty when the file has none).
    public var metadata: [String: String]
    /// Non-fatal observations made while reading, such as unused bytes between tensors.
    public var warnings: [String]

    /// Creates a file from tensors and metadata (for writing).
    public init(tensors: [String: Tensor] = [:], metadata: [String: String] = [:]) {
        self.init(tensors: tensors, metadata: metadata, warnings: [])
    }

    init(tensors: [String: Tensor], metadata: [String: String], warnings: [String]) {
        self.tensors = tensors
        self.metadata = metadata
        self.warnings = warnings
    }

    /// Reads and validates the file at `url`. Errors name the file's last path component.
    public static func read(from url: URL) throws -> SafeTensorsFile {
        let data = try readCheckpointFile(url)
        return try parse(data, fileName: url.lastPathComponent)
    }

    /// Parses and validates safetensors bytes, throwing a ``CheckpointError`` that names `fileName`
    /// and the offending tensor for: a file shorter than 8 bytes; a header length beyond the file or
    /// 100 MB; a header that is not a UTF-8 JSON object; an entry missing `dtype`, `shape` or
    /// `data_offsets` or giving them the wrong type; an unsupported dtype; a negative, non-integer or
    /// overflowing dimension; offsets outside the data section, reversed or overlapping another
    /// tensor's; an element count that disagrees with the byte span; and NaN or infinite values
    /// (naming the first bad index). Unused bytes between or after tensors are allowed and reported
    /// in ``warnings``.
    public static func parse(_ data: Data, fileName: String) throws -> SafeTensorsFile {
        try SafeTensorsReader.parse(data, fileName: fileName)
    }

    /// Writes the file atomically: the bytes go to a temporary sibling `.<name>.tmp-<random>` that is
    /// flushed to disk and then renamed over `url`, so readers see either the old file or the new
    /// one, never a partial write. The temporary file is removed if anything fails.
    public func write(to url: URL) throws {
        let data = try serialized(fileName: url.lastPathComponent)
        try CheckpointError.writing { try AtomicFile.write(data, to: url) }
    }

    /// The file's bytes: F32 data for every tensor in UTF-8 byte order of the names, contiguous
    /// offsets, `__metadata__` only when non-empty, header padded with spaces to a multiple of 8.
    /// Throws for a tensor named `__metadata__` and for NaN or infinite values (which no reader
    /// accepts).
    public func serialized() throws -> Data {
        try serialized(fileName: "safetensors")
    }

    func serialized(fileName: String) throws -> Data {
        var header: [String: JSONValue] = [:]
        if !metadata.isEmpty {
            header["__metadata__"] = .object(metadata.mapValues { .string($0) })
        }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            guard name != "__metadata__" else {
                throw CheckpointError(.invalidArgument, file: fileName, key: name, "this name is reserved for metadata")
            }
            let tensor = tensors[name] ?? Tensor(0)
            if let bad = tensor.scalars.firstIndex(where: { !$0.isFinite }) {
                throw CheckpointError(.nonFinite, file: fileName, key: name,
                                      "value at index \(bad)\(SafeTensorsReader.multiIndex(bad, shape: tensor.shape)) "
                                      + "is \(tensor.scalars[bad]); weights must be finite")
            }
            let end = offset + 4 * tensor.count
            header[name] = .object([
                "dtype": .string(SafeTensorsDType.f32.rawValue),
                "shape": .array(tensor.shape.map { .number(Double($0)) }),
                "data_offsets": .array([.number(Double(offset)), .number(Double(end))]),
            ])
            offset = end
        }
        var headerBytes = Array(try JSONValue.object(header).serialized().utf8)
        let padding = (8 - headerBytes.count % 8) % 8
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: headerBytes)
        for name in names {
            SafeTensorsDType.encodeF32(tensors[name]?.scalars ?? [], into: &bytes)
        }
        return Data(bytes)
    }
}

/// Reads a whole file, turning Foundation's errors into a ``CheckpointError`` naming the path.
func readCheckpointFile(_ url: URL) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
        throw CheckpointError(.io, file: url.path, "file does not exist")
    }
    guard !isDirectory.boolValue else {
        throw CheckpointError(.io, file: url.path, "is a folder, expected a file")
    }
    do {
        return try Data(contentsOf: url, options: .mappedIfSafe)
    } catch {
        throw CheckpointError(.io, file: url.path, "cannot be read: \(error.localizedDescription)")
    }
}
