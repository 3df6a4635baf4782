import Foundation
import LoupeTensor

/// Validating parser for the safetensors container (see ``SafeTensorsFile``).
///
/// Every check runs before any value is trusted: header length against the file and the 100 MB
/// limit, header JSON and entry structure, dtype, shape (non-negative integers, no overflow of the
/// element count or byte count), offsets (inside the data section, begin ≤ end, no overlaps), the
/// element count against the byte span, and finally the values themselves (no NaN or infinity).
/// Malformed input throws a ``CheckpointError``; nothing about the content can trap.
enum SafeTensorsReader {
    /// Largest header accepted, as in the reference implementation.
    static let maxHeaderLength: UInt64 = 100_000_000

    /// One validated header entry.
    private struct Entry {
        var name: String
        var dtype: SafeTensorsDType
        var shape: [Int]
        var elementCount: Int
        var begin: Int
        var end: Int
    }

    static func parse(_ data: Data, fileName: String) throws -> SafeTensorsFile {
        try data.withUnsafeBytes { raw in try parse(raw, fileName: fileName) }
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, fileName: String) throws -> SafeTensorsFile {
        func fail(_ kind: CheckpointError.Kind, key: String? = nil, _ message: String) -> CheckpointError {
            CheckpointError(kind, file: fileName, key: key, message)
        }
        guard raw.count >= 8 else {
            throw fail(.truncated, "file is \(raw.count) bytes, shorter than the 8-byte header length")
        }
        let declared = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        guard declared <= maxHeaderLength else {
            throw fail(.headerTooLarge, "header length \(declared) exceeds the \(maxHeaderLength)-byte (100 MB) limit")
        }
        let available = raw.count - 8
        guard declared <= UInt64(available) else {
            throw fail(.headerTooLarge, "header length \(declared) is larger than the \(available) bytes after it (file truncated?)")
        }
        let headerLength = Int(declared)
        let dataStart = 8 + headerLength
        let dataCount = raw.count - dataStart

        let header = try CheckpointJSONParser.parse(Array(raw[8..<dataStart]), fileName: fileName, label: "header is not valid JSON")
        guard case .object(var members) = header else {
            throw fail(.invalidEntry, "header is \(header.briefDescription), not a JSON object")
        }
        let metadata = try parseMetadata(members.removeValue(forKey: "__metadata__"), fileName: fileName)

        var entries: [Entry] = []
        for name in members.keys.sorted() {
            entries.append(try parseEntry(name: name, members[name] ?? .null, dataCount: dataCount, fileName: fileName))
        }
        let warnings = try checkLayout(entries, dataCount: dataCount, fileName: fileName)

        var tensors: [String: Tensor] = [:]
        for entry in entries {
            let scalars = entry.dtype.decode(raw, offset: dataStart + entry.begin, count: entry.elementCount)
            if let bad = scalars.firstIndex(where: { !$0.isFinite }) {
                let converted = entry.dtype == .f32 ? "" : " (after conversion from \(entry.dtype.rawValue))"
                throw fail(.nonFinite, key: entry.name, "value at index \(bad)\(multiIndex(bad, shape: entry.shape)) is "
                           + "\(scalars[bad])\(converted); weights must be finite")
            }
            tensors[entry.name] = Tensor(shape: entry.shape, scalars: scalars)
        }
        return SafeTensorsFile(tensors: tensors, metadata: metadata, warnings: warnings)
    }

    private static func parseMetadata(_ value: JSONValue?, fileName: String) throws -> [String: String] {
        guard let value else { return [:] }
        guard case .object(let members) = value else {
            throw CheckpointError(.invalidEntry, file: fileName, key: "__metadata__", subject: "entry",
                                  "must be an object of strings, found \(value.briefDescription)")
        }
        var metadata: [String: String] = [:]
        for (key, item) in members {
            guard case .string(let text) = item else {
                throw CheckpointError(.invalidEntry, file: fileName, key: key, subject: "metadata",
                                      "value must be a string, found \(item.briefDescription)")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseEntry(name: String, _ value: JSONValue, dataCount: Int,
                                   fileName: String) throws -> Entry {
        func fail(_ kind: CheckpointError.Kind, _ message: String) -> CheckpointError {
            CheckpointError(kind, file: fileName, key: name, message)
        }
        guard case .object(let fields) = value else {
            throw fail(.invalidEntry, "entry must be an object, found \(value.briefDescription)")
        }
        guard let dtypeValue = fields["dtype"] else { throw fail(.invalidEntry, "missing 'dtype'") }
        guard case .string(let dtypeName) = dtypeValue else {
            throw fail(.invalidEntry, "'dtype' must be a string, found \(dtypeValue.briefDescription)")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw fail(.unsupportedDType, SafeTensorsDType.rejection(of: dtypeName))
        }

        guard let shapeValue = fields["shape"] else { throw fail(.invalidEntry, "missing 'shape'") }
        guard case .array(let dims) = shapeValue else {
            throw fail(.invalidEntry, "'shape' must be an array of integers, found \(shapeValue.briefDescription)")
        }
        var shape: [Int] = []
        for (axis, dim) in dims.enumerated() {
            guard case .number(let number) = dim else {
                throw fail(.invalidShape, "dimension \(axis) is \(dim.briefDescription), not an integer")
            }
            guard number == number.rounded() else {
                throw fail(.invalidShape, "dimension \(axis) is \(number), not an integer")
            }
            guard number >= 0 else { throw fail(.invalidShape, "dimension \(axis) is \(Int(exactly: number).map(String.init) ?? "\(number)"), negative") }
            guard let size = Int(exactly: number) else {
                throw fail(.invalidShape, "dimension \(axis) is \(number), too large")
            }
            shape.append(size)
        }
        var elementCount = 1
        for size in shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail(.invalidShape, "shape \(shape) overflows the element count") }
            elementCount = product
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteCount)
        guard !overflow else { throw fail(.invalidShape, "shape \(shape) overflows the byte count") }

        guard let offsetsValue = fields["data_offsets"] else { throw fail(.invalidEntry, "missing 'data_offsets'") }
        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
              let begin = offsets[0].intValue, let end = offsets[1].intValue
        else {
            throw fail(.invalidEntry, "'data_offsets' must be two integers [begin, end], found \(offsetsValue.briefDescription)")
        }
        guard begin >= 0, end >= 0, end <= dataCount else {
            throw fail(.offsetsOutOfRange, "data_offsets [\(begin), \(end)] are outside the data section of \(dataCount) bytes")
        }
        guard begin <= end else {
            throw fail(.offsetsOutOfRange, "data_offsets [\(begin), \(end)] begin after they end")
        }
        guard byteCount == end - begin else {
            throw fail(.sizeMismatch, "shape \(shape) needs \(byteCount) bytes, data span is \(end - begin)")
        }
        return Entry(name: name, dtype: dtype, shape: shape, elementCount: elementCount, begin: begin, end: end)
    }

    /// Rejects overlapping spans; returns warnings for unused bytes (gaps are legal but suspicious).
    private static func checkLayout(_ entries: [Entry], dataCount: Int, fileName: String) throws -> [String] {
        let spans = entries.filter { $0.end > $0.begin }.sorted {
            ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name)
        }
        var warnings: [String] = []
        var covered = 0
        var previous: Entry?
        for span in spans {
            if let previous, span.begin < covered {
                throw CheckpointError(.overlappingData, file: fileName, key: span.name,
                                      "data_offsets [\(span.begin), \(span.end)] overlap tensor '\(previous.name)' "
                                      + "[\(previous.begin), \(previous.end)]")
            }
            if span.begin > covered {
                warnings.append("\(fileName): \(span.begin - covered) unused bytes before tensor '\(span.name)'")
            }
            covered = span.end
            previous = span
        }
        if dataCount > covered {
            warnings.append("\(fileName): \(dataCount - covered) unused bytes after the last tensor")
        }
        return warnings
    }

    /// " ([i, j, k])" for a flat index into a tensor of rank ≥ 2, else "".
    static func multiIndex(_ flat: Int, shape: [Int]) -> String {
        guard shape.count >= 2 else { return "" }
        var rest = flat
        var index = [Int](repeating: 0, count: shape.count)
        for axis in stride(from: shape.count - 1, through: 0, by: -1) where shape[axis] > 0 {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return " (\(index))"
    }
}
