import Foundation
import LoupeTensor

/// A tiny GGUF writer for tests: well-formed files by default, with a knob for every field a
/// robustness test needs to break (magic, version, counts, string lengths, array counts, value
/// and tensor type ids, dimensions, offsets, alignment).
struct GGUFTestWriter {
    /// A metadata value as written: typed cases, plus raw forms for malformed files.
    indirect enum Value {
        case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32), f32(Float), bool(Bool)
        case string(String)
        case array(UInt32, [Value])
        case u64(UInt64), i64(Int64), f64(Double)
        /// A value of type id `type` followed by `bytes` verbatim.
        case raw(type: UInt32, bytes: [UInt8])
        /// A string whose length field says `length`, followed by `bytes`.
        case stringWithLength(UInt64, bytes: [UInt8])
        /// An array header of `elementType` claiming `count` elements, then `bytes`.
        case arrayWithCount(elementType: UInt32, count: UInt64, bytes: [UInt8])

        var typeID: UInt32 {
            switch self {
            case .u8: return 0
            case .i8: return 1
            case .u16: return 2
            case .i16: return 3
            case .u32: return 4
            case .i32: return 5
            case .f32: return 6
            case .bool: return 7
            case .string, .stringWithLength: return 8
            case .array, .arrayWithCount: return 9
            case .u64: return 10
            case .i64: return 11
            case .f64: return 12
            case .raw(let type, _): return type
            }
        }
    }

    struct TensorRecord {
        var name: String
        /// PyTorch order (outermost first); written reversed.
        var shape: [Int]
        var typeID: UInt32
        var data: [UInt8]
        /// Written in place of the computed data offset.
        var offsetOverride: UInt64? = nil
        /// Written in place of the (reversed) shape.
        var dimsOverride: [UInt64]? = nil
    }

    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var metadata: [(String, Value)] = []
    var tensors: [TensorRecord] = []
    var alignment = 32
    var tensorCountOverride: UInt64? = nil
    var kvCountOverride: UInt64? = nil

    /// Byte offsets of each section's start in the last `bytes()` result.
    struct Layout { var metadataStart = 0, tensorInfoStart = 0, dataStart = 0, end = 0 }

    mutating func add(_ key: String, _ value: Value) { metadata.append((key, value)) }

    mutating func addTensor(_ name: String, shape: [Int], type: QuantizationType, data: [UInt8]) {
        tensors.append(TensorRecord(name: name, shape: shape, typeID: UInt32(type.ggmlTypeID), data: data))
    }

    mutating func addTensor(_ name: String, shape: [Int], floats: [Float]) {
        var data: [UInt8] = []
        for f in floats { Self.append(&data, f.bitPattern) }
        addTensor(name, shape: shape, type: .f32, data: data)
    }

    static func append<T: FixedWidthInteger>(_ out: inout [UInt8], _ v: T) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func appendString(_ out: inout [UInt8], _ s: String) {
        append(&out, UInt64(s.utf8.count))
        out.append(contentsOf: s.utf8)
    }

    static func appendPayload(_ out: inout [UInt8], _ v: Value) {
        switch v {
        case .u8(let x): append(&out, x)
        case .i8(let x): append(&out, x)
        case .u16(let x): append(&out, x)
        case .i16(let x): append(&out, x)
        case .u32(let x): append(&out, x)
        case .i32(let x): append(&out, x)
        case .f32(let x): append(&out, x.bitPattern)
        case .bool(let x): append(&out, UInt8(x ? 1 : 0))
        case .string(let s): appendString(&out, s)
        case .array(let type, let items):
            append(&out, type)
            append(&out, UInt64(items.count))
            for item in items { appendPayload(&out, item) }  // elements carry no type of their own
        case .u64(let x): append(&out, x)
        case .i64(let x): append(&out, x)
        case .f64(let x): append(&out, x.bitPattern)
        case .raw(_, let bytes): out.append(contentsOf: bytes)
        case .stringWithLength(let n, let bytes):
            append(&out, n)
            out.append(contentsOf: bytes)
        case .arrayWithCount(let type, let count, let bytes):
            append(&out, type)
            append(&out, count)
            out.append(contentsOf: bytes)
        }
    }

    /// The file's bytes and where its sections start.
    func bytesAndLayout() -> ([UInt8], Layout) {
        var layout = Layout()
        var out: [UInt8] = magic
        Self.append(&out, version)
        Self.append(&out, tensorCountOverride ?? UInt64(tensors.count))
        Self.append(&out, kvCountOverride ?? UInt64(metadata.count))
        layout.metadataStart = out.count
        for (key, value) in metadata {
            Self.appendString(&out, key)
            Self.append(&out, value.typeID)
            Self.appendPayload(&out, value)
        }
        layout.tensorInfoStart = out.count
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset += (t.data.count + alignment - 1) / alignment * alignment
        }
        for (t, o) in zip(tensors, offsets) {
            Self.appendString(&out, t.name)
            let dims = t.dimsOverride ?? t.shape.reversed().map(UInt64.init)
            Self.append(&out, UInt32(dims.count))
            for d in dims { Self.append(&out, d) }
            Self.append(&out, t.typeID)
            Self.append(&out, t.offsetOverride ?? UInt64(o))
        }
        while out.count % alignment != 0 { out.append(0) }
        layout.dataStart = out.count
        for (t, o) in zip(tensors, offsets) {
            while out.count < layout.dataStart + o { out.append(0) }
            out.append(contentsOf: t.data)
        }
        layout.end = out.count
        return (out, layout)
    }

    func bytes() -> [UInt8] { bytesAndLayout().0 }

    /// Writes `bytes` to a fresh temporary file called `name`.
    static func write(_ bytes: [UInt8], name: String = "test.gguf") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-gguf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func write(name: String = "test.gguf") throws -> URL { try Self.write(bytes(), name: name) }
}
