import Foundation
import LoupeNN
import LoupeTensor

/// The tensors of a Hugging Face safetensors checkpoint: one `model.safetensors` file or a
/// sharded folder (`model.safetensors.index.json` whose `weight_map` names each tensor's shard),
/// memory-mapped read-only.
///
/// Layout (safetensors format, https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length `N`, `N` bytes of JSON mapping each tensor name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the byte after the
/// header) plus an optional `"__metadata__"` object of strings, then the data.
///
/// Opening validates every header entry (dtype known, shape non-negative without overflow,
/// offsets inside the data and matching the shape, no two tensors overlapping) and maps the
/// files; nothing is copied until ``weight(named:)``, which converts one tensor to dense `Float`
/// values (`F32` is one copy out of the mapping; `F16`, `BF16`, `F64` and the integer and
/// `BOOL` buffers are converted element by element) and rejects non-finite values. The mappings
/// stay alive as long as the store.
public final class SafeTensorsStore: WeightStore {
    /// One validated header entry.
    struct Entry {
        var file: Int
        var dtype: SafeTensorsElementType
        var shape: [Int]
        var elementCount: Int
        /// Absolute byte offsets inside the mapped file.
        var begin: Int
        var end: Int
    }

    /// The file name of a single-file checkpoint.
    public static let fileName = "model.safetensors"
    /// The file name of a sharded checkpoint's index.
    public static let indexFileName = "model.safetensors.index.json"
    /// Largest header accepted, as in the reference implementation (100 MB).
    public static let maximumHeaderLength = 100_000_000

    public let source: URL
    public let names: [String]
    /// Each file's `__metadata__` strings (for a sharded checkpoint, the index's `metadata`
    /// members that are strings, merged over the shards').
    public let metadata: [String: String]
    private let files: [MappedFile]
    private let entries: [String: Entry]

    /// Opens the checkpoint in `folder`: its `model.safetensors.index.json` if present, else its
    /// `model.safetensors`.
    /// - Throws: ``PretrainedError/malformed(file:detail:)`` when neither file exists or one is bad.
    public convenience init(folder: URL) throws {
        let index = folder.appendingPathComponent(Self.indexFileName)
        let single = folder.appendingPathComponent(Self.fileName)
        if FileManager.default.fileExists(atPath: index.path) {
            try self.init(index: index)
        } else if FileManager.default.fileExists(atPath: single.path) {
            try self.init(file: single)
        } else {
            throw PretrainedError.malformed(file: folder.lastPathComponent,
                                            detail: "no \(Self.fileName) or \(Self.indexFileName) in the folder")
        }
    }

    /// Opens one safetensors file.
    /// - Throws: ``PretrainedError/malformed(file:detail:)`` naming the file and the tensor at fault.
    public init(file: URL) throws {
        let mapped = try MappedFile(url: file)
        let (entries, metadata) = try Self.parseHeader(mapped, fileIndex: 0)
        source = file
        files = [mapped]
        self.entries = entries
        self.metadata = metadata
        names = entries.keys.sorted()
    }

    /// Opens a sharded checkpoint from its index (`{"metadata": {...}, "weight_map": {tensor: shard}}`);
    /// shards are looked up next to the index.
    /// - Throws: ``PretrainedError/malformed(file:detail:)`` for a bad index, a shard that is
    ///   missing or bad, or a tensor the index places in a shard that does not hold it.
    public init(index: URL) throws {
        let indexName = index.lastPathComponent
        guard case .object(let root) = try JSONDocument.read(index) else {
            throw PretrainedError.malformed(file: indexName, detail: "the index is not a JSON object")
        }
        guard case .object(let map)? = root["weight_map"] else {
            throw PretrainedError.malformed(file: indexName, detail: "key 'weight_map' is missing or not an object")
        }
        var shardNames: [String] = []
        var shardOf: [String: Int] = [:]
        var shardIndex: [String: Int] = [:]
        for name in map.keys.sorted() {
            guard case .string(let shard)? = map[name] else {
                throw PretrainedError.malformed(file: indexName, detail: "weight_map['\(name)'] is not a file name")
            }
            guard !shard.isEmpty, !shard.contains("/"), !shard.contains("\\"), shard != ".", shard != ".." else {
                throw PretrainedError.malformed(file: indexName,
                                                detail: "weight_map['\(name)'] = '\(shard)' is not a file name in the folder")
            }
            if let at = shardIndex[shard] { shardOf[name] = at } else {
                shardIndex[shard] = shardNames.count
                shardOf[name] = shardNames.count
                shardNames.append(shard)
            }
        }
        let folder = index.deletingLastPathComponent()
        var mapped: [MappedFile] = []
        var all: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (i, shard) in shardNames.enumerated() {
            let url = folder.appendingPathComponent(shard)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw PretrainedError.malformed(file: indexName, detail: "shard '\(shard)' named in weight_map is missing")
            }
            let file = try MappedFile(url: url)
            let (entries, meta) = try Self.parseHeader(file, fileIndex: i)
            mapped.append(file)
            metadata.merge(meta) { old, _ in old }
            for (name, entry) in entries where shardOf[name] == i { all[name] = entry }
        }
        for name in map.keys.sorted() where all[name] == nil {
            throw PretrainedError.malformed(file: shardNames[shardOf[name] ?? 0],
                                            detail: "tensor '\(name)' is placed in this shard by \(indexName) but is not in it")
        }
        if case .object(let indexMetadata)? = root["metadata"] {
            for (key, value) in indexMetadata { if case .string(let text) = value { metadata[key] = text } }
        }
        source = index
        files = mapped
        entries = all
        self.metadata = metadata
        names = all.keys.sorted()
    }

    /// The stored element type of `name`, if the store holds it.
    public func elementType(of name: String) -> SafeTensorsElementType? { entries[name]?.dtype }

    /// The shape of `name`, if the store holds it.
    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    /// The file holding `name` (the shard for a sharded checkpoint).
    func fileName(of name: String) -> String {
        entries[name].map { files[$0.file].url.lastPathComponent } ?? source.lastPathComponent
    }

    /// The tensor called `name` as dense floats (see the type's discussion for the conversions).
    /// - Throws: ``PretrainedError/missingTensor(file:name:)`` when there is none;
    ///   ``PretrainedError/unsupported(file:detail:)`` for a dtype that is not read;
    ///   ``PretrainedError/malformed(file:detail:)`` for a value that is NaN or infinite.
    public func weight(named name: String) throws -> StoredWeight {
        guard let entry = entries[name] else {
            throw PretrainedError.missingTensor(file: source.lastPathComponent, name: name)
        }
        let file = files[entry.file]
        let fileName = file.url.lastPathComponent
        guard entry.dtype.isReadable else {
            throw PretrainedError.unsupported(file: fileName, detail: "tensor '\(name)' has dtype \(entry.dtype.rawValue), "
                                              + "which Loupe does not read")
        }
        let count = entry.elementCount
        let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0, let out = buffer.baseAddress, let base = file.bytes.baseAddress {
                entry.dtype.decode(base + entry.begin, count: count, into: out)
            }
            initialized = count
        }
        file.release(entry.begin..<entry.end)
        if entry.dtype.isFloatingPoint, let bad = scalars.firstIndex(where: { !$0.isFinite }) {
            let converted = entry.dtype == .f32 ? "" : " (after conversion from \(entry.dtype.rawValue))"
            throw PretrainedError.malformed(file: fileName, detail: "tensor '\(name)': value at index \(bad) is "
                                            + "\(scalars[bad])\(converted); weights must be finite")
        }
        return .dense(Tensor(shape: entry.shape, scalars: scalars))
    }
}
