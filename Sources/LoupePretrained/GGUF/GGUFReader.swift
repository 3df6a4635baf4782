/// A bounds-checked little-endian cursor over a GGUF file's bytes. Every read names what it was
/// reading, so a truncated file fails with one error that says where.
struct GGUFReader {
    let bytes: UnsafeRawBufferPointer
    /// The file name, for errors.
    let file: String
    var offset = 0

    init(bytes: UnsafeRawBufferPointer, file: String, offset: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
    }

    /// Bytes left after the cursor.
    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes can be read.
    func require(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, count <= remaining else {
            throw PretrainedError.malformed(
                file: file,
                detail: "truncated: \(what()) needs \(count) bytes at offset \(offset), but the file ends at \(bytes.count)")
        }
    }

    @inline(__always)
    mutating func load<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try require(MemoryLayout<T>.size, what())
        let v = T(littleEndian: bytes.baseAddress!.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return v
    }

    mutating func u32(_ what: @autoclosure () -> String) throws -> UInt32 { try load(UInt32.self, what()) }
    mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 { try load(UInt64.self, what()) }

    /// Skips `count` bytes.
    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws {
        try require(count, what())
        offset += count
    }

    /// A `gguf_string_t` (u64 length, then UTF-8 bytes) as its byte range, checked against the
    /// file's end before anything is allocated.
    mutating func stringBytes(_ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        let length = try u64("length of \(what())")
        guard length <= UInt64(remaining) else {
            throw PretrainedError.malformed(
                file: file,
                detail: "truncated: \(what()) has length \(length) at offset \(offset - 8), but only \(remaining) bytes follow")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(length))])
        offset += Int(length)
        return slice
    }

    /// A `gguf_string_t` decoded (it must be valid UTF-8).
    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let start = offset
        let slice = try stringBytes(what())
        guard let s = String(validatingUTF8Bytes: slice) else {
            throw PretrainedError.malformed(file: file, detail: "\(what()) at offset \(start) is not valid UTF-8")
        }
        return s
    }

    /// A value type id.
    mutating func valueType(_ what: @autoclosure () -> String) throws -> GGUFValueType {
        let start = offset
        let id = try u32("type of \(what())")
        guard let type = GGUFValueType(rawValue: id) else {
            throw PretrainedError.malformed(file: file,
                                            detail: "\(what()) has unknown value type \(id) at offset \(start)")
        }
        return type
    }

    /// Deepest nesting of arrays accepted (the format has no limit; real files use 1).
    static let maximumArrayDepth = 8

    /// One metadata value of `type` for `key`; arrays are checked through and kept as their bytes.
    mutating func value(of type: GGUFValueType, key: String, owner: AnyObject, depth: Int = 0) throws -> GGUFValue {
        let what = "value of '\(key)'"
        switch type {
        case .uint8: return .uint8(try load(UInt8.self, what))
        case .int8: return .int8(try load(Int8.self, what))
        case .uint16: return .uint16(try load(UInt16.self, what))
        case .int16: return .int16(try load(Int16.self, what))
        case .uint32: return .uint32(try load(UInt32.self, what))
        case .int32: return .int32(try load(Int32.self, what))
        case .float32: return .float32(Float(bitPattern: try load(UInt32.self, what)))
        case .uint64: return .uint64(try load(UInt64.self, what))
        case .int64: return .int64(try load(Int64.self, what))
        case .float64: return .float64(Double(bitPattern: try load(UInt64.self, what)))
        case .bool:
            let byte = try load(UInt8.self, what)
            guard byte <= 1 else {
                throw PretrainedError.malformed(file: file, detail: "\(what) is a bool stored as \(byte) (must be 0 or 1)")
            }
            return .bool(byte == 1)
        case .string:
            return .string(try string(what))
        case .array:
            guard depth < Self.maximumArrayDepth else {
                throw PretrainedError.malformed(file: file,
                                                detail: "\(what) nests arrays deeper than \(Self.maximumArrayDepth)")
            }
            let elementType = try valueType("elements of '\(key)'")
            let rawCount = try u64("element count of '\(key)'")
            // Each element takes at least `minimumSize` bytes: a count the file cannot hold is
            // rejected before anything is walked or allocated.
            guard rawCount <= UInt64(remaining / elementType.minimumSize) else {
                throw PretrainedError.malformed(
                    file: file,
                    detail: "array '\(key)' claims \(rawCount) \(elementType) elements, more than the \(remaining) bytes left can hold")
            }
            let count = Int(rawCount)
            let start = offset
            if let size = elementType.fixedSize {
                try skip(count * size, "elements of '\(key)'")
            } else if elementType == .string {
                for i in 0..<count { _ = try stringBytes("element \(i) of '\(key)'") }
            } else {
                for i in 0..<count {
                    _ = try value(of: .array, key: "\(key)[\(i)]", owner: owner, depth: depth + 1)
                }
            }
            let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<offset])
            return .array(GGUFArray(elementType: elementType, count: count, bytes: slice, owner: owner))
        }
    }
}
