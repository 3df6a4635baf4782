/// The value types of GGUF metadata (the `gguf_metadata_value_type` ids of the GGUF
/// specification, ggml's `docs/gguf.md`).
public enum GGUFValueType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case uint8 = 0
    case int8 = 1
    case uint16 = 2
    case int16 = 3
    case uint32 = 4
    case int32 = 5
    case float32 = 6
    case bool = 7
    case string = 8
    case array = 9
    case uint64 = 10
    case int64 = 11
    case float64 = 12

    /// Bytes of one value of a fixed-size type; `nil` for strings and arrays.
    public var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// The fewest bytes one value can take (a string's length field, an array's header).
    var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    public var description: String {
        switch self {
        case .uint8: return "u8"
        case .int8: return "i8"
        case .uint16: return "u16"
        case .int16: return "i16"
        case .uint32: return "u32"
        case .int32: return "i32"
        case .float32: return "f32"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        case .uint64: return "u64"
        case .int64: return "i64"
        case .float64: return "f64"
        }
    }
}

/// One GGUF metadata value, typed as the file stores it.
public enum GGUFValue: Equatable, Sendable, CustomStringConvertible {
    case uint8(UInt8)
    case int8(Int8)
    case uint16(UInt16)
    case int16(Int16)
    case uint32(UInt32)
    case int32(Int32)
    case float32(Float)
    case bool(Bool)
    case string(String)
    /// An array, decoded on demand (see ``GGUFArray``).
    case array(GGUFArray)
    case uint64(UInt64)
    case int64(Int64)
    case float64(Double)

    /// The stored type.
    public var type: GGUFValueType {
        switch self {
        case .uint8: return .uint8
        case .int8: return .int8
        case .uint16: return .uint16
        case .int16: return .int16
        case .uint32: return .uint32
        case .int32: return .int32
        case .float32: return .float32
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        case .uint64: return .uint64
        case .int64: return .int64
        case .float64: return .float64
        }
    }

    /// The value as an `Int` when it is an integer that fits.
    public var integerValue: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        default: return nil
        }
    }

    /// The value as a `Double` when it is a float or an integer.
    public var floatValue: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return integerValue.map(Double.init)
        }
    }

    public var description: String {
        switch self {
        case .uint8(let v): return "\(v)"
        case .int8(let v): return "\(v)"
        case .uint16(let v): return "\(v)"
        case .int16(let v): return "\(v)"
        case .uint32(let v): return "\(v)"
        case .int32(let v): return "\(v)"
        case .float32(let v): return "\(v)"
        case .bool(let v): return "\(v)"
        case .string(let v): return "\"\(v)\""
        case .array(let a): return "[\(a.elementType) × \(a.count)]"
        case .uint64(let v): return "\(v)"
        case .int64(let v): return "\(v)"
        case .float64(let v): return "\(v)"
        }
    }
}

/// A GGUF metadata array kept as its bytes in the file mapping and decoded on demand, so that
/// opening a file with a 49 k-token vocabulary does not build 49 k values. Its structure (every
/// length and nested header) was checked when the file was opened.
public struct GGUFArray: Equatable, @unchecked Sendable {
    /// The type of every element.
    public let elementType: GGUFValueType
    /// Number of elements.
    public let count: Int
    /// The encoded elements (after the array's type and count fields).
    let bytes: UnsafeRawBufferPointer
    let owner: AnyObject

    /// Every element, typed (nested arrays stay lazy).
    public func values() -> [GGUFValue] {
        if elementType == .string {
            // Lenient here (invalid UTF-8 is repaired); `GGUFFile.stringArray` is strict.
            var out: [GGUFValue] = []
            out.reserveCapacity(count)  // bounded: the count was checked against the bytes at open
            var offset = 0
            for _ in 0..<count {
                guard let base = bytes.baseAddress else { break }
                let length = Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
                out.append(.string(String(decoding: UnsafeRawBufferPointer(start: base + offset + 8, count: length), as: UTF8.self)))
                offset += 8 + length
            }
            return out
        }
        var reader = GGUFReader(bytes: bytes, file: "")
        var out: [GGUFValue] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            guard let v = try? reader.value(of: elementType, key: "", owner: owner, depth: 1) else { break }
            out.append(v)
        }
        return out
    }

    /// The elements as strings when they are strings: `nil` for another element type, or when a
    /// string is not valid UTF-8 (its index is `badIndex`).
    func strings() -> (strings: [String]?, badIndex: Int?) {
        guard elementType == .string else { return (nil, nil) }
        var out: [String] = []
        out.reserveCapacity(count)
        var offset = 0
        let base = bytes.baseAddress
        for i in 0..<count {
            guard let base else { return (nil, i) }
            let length = Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
            let slice = UnsafeRawBufferPointer(start: base + offset, count: length)
            guard let s = String(validatingUTF8Bytes: slice) else { return (nil, i) }
            out.append(s)
            offset += length
        }
        return (out, nil)
    }

    /// The elements as `Int`s when they are integers that fit.
    func integers() -> [Int]? {
        guard let size = elementType.fixedSize, elementType != .bool, elementType != .float32,
              elementType != .float64 else { return nil }
        var out = [Int]()
        out.reserveCapacity(count)
        guard let base = bytes.baseAddress else { return count == 0 ? [] : nil }
        for i in 0..<count {
            let p = base + i * size
            switch elementType {
            case .uint8: out.append(Int(p.load(as: UInt8.self)))
            case .int8: out.append(Int(p.load(as: Int8.self)))
            case .uint16: out.append(Int(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
            case .int16: out.append(Int(Int16(littleEndian: p.loadUnaligned(as: Int16.self))))
            case .uint32: out.append(Int(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))))
            case .int32: out.append(Int(Int32(littleEndian: p.loadUnaligned(as: Int32.self))))
            case .int64: out.append(Int(Int64(littleEndian: p.loadUnaligned(as: Int64.self))))
            case .uint64:
                guard let v = Int(exactly: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))) else { return nil }
                out.append(v)
            default: return nil
            }
        }
        return out
    }

    /// The elements as `Double`s when they are floats (or integers).
    func floats() -> [Double]? {
        switch elementType {
        case .float32:
            guard let base = bytes.baseAddress else { return count == 0 ? [] : nil }
            return (0..<count).map { i in
                Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))))
            }
        case .float64:
            guard let base = bytes.baseAddress else { return count == 0 ? [] : nil }
            return (0..<count).map { i in
                Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
            }
        default:
            return integers()?.map(Double.init)
        }
    }

    public static func == (a: GGUFArray, b: GGUFArray) -> Bool {
        a.elementType == b.elementType && a.count == b.count && a.bytes.elementsEqual(b.bytes)
    }
}

extension String {
    /// The string these bytes encode, or `nil` when they are not valid UTF-8.
    init?(validatingUTF8Bytes bytes: UnsafeRawBufferPointer) {
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }
}
