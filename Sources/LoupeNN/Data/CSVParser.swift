import Foundation

/// One record of a CSV file: its fields, or why it could not be parsed, and the line it starts on.
struct CSVRecord {
    var line: Int
    var fields: [String]
    /// Set when the record is malformed; `fields` is then incomplete.
    var problem: String?
}

/// An RFC 4180 CSV parser over UTF-8 bytes.
///
/// Fields are separated by `delimiter` and records by LF or CRLF. A field that starts with `"` is
/// quoted: it may contain delimiters, line breaks and doubled quotes (`""` → `"`), and must be followed
/// by a delimiter or the end of the record. A quote inside an unquoted field is kept literally (common
/// in real files, and unambiguous). Empty lines between records are ignored. Each record remembers the
/// 1-based line it starts on; a record with a stray character after a closing quote, invalid UTF-8 or
/// an unterminated quote carries a `problem` instead of failing the whole parse, so callers can skip it.
struct CSVParser {
    static func parse(_ data: Data, delimiter: UInt8 = UInt8(ascii: ",")) -> [CSVRecord] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [CSVRecord] = []
        var position = 0
        var line = 1
        let count = bytes.count

        func isRecordEnd(_ i: Int) -> Bool {
            i >= count || bytes[i] == newline || (bytes[i] == cr && i + 1 < count && bytes[i + 1] == newline)
        }
        /// Moves past a record terminator at `i` (if any) and returns the new position.
        func skipTerminator(_ i: Int) -> Int {
            if i >= count { return i }
            if bytes[i] == cr { return i + 2 }
            return i + 1
        }

        while position < count {
            let recordLine = line
            var fields: [String] = []
            var problem: String?
            var field: [UInt8] = []
            var atFieldStart = true
            var quoted = false
            var sawQuote = false
            var finished = false
            while !finished {
                if position >= count {
                    if quoted { problem = "unterminated quoted field (the record starts on this line)" }
                    finished = true
                    break
                }
                let byte = bytes[position]
                if quoted {
                    if byte == quote {
                        if position + 1 < count && bytes[position + 1] == quote {
                            field.append(quote)
                            position += 2
                        } else {
                            quoted = false
                            position += 1
                            if !(isRecordEnd(position) || bytes[position] == delimiter) {
                                problem = "unexpected character after a closing quote (line \(line))"
                                // Recover: drop the rest of this physical line.
                                while !isRecordEnd(position) { position += 1 }
                            }
                        }
                    } else {
                        if byte == newline { line += 1 }
                        field.append(byte)
                        position += 1
                    }
                    continue
                }
                if atFieldStart && byte == quote {
                    quoted = true
                    sawQuote = true
                    atFieldStart = false
                    position += 1
                } else if byte == delimiter {
                    fields.append(String(decoding: field, as: UTF8.self))
                    if String(validating: field, as: UTF8.self) == nil { problem = problem ?? "not UTF-8 text" }
                    field.removeAll(keepingCapacity: true)
                    atFieldStart = true
                    position += 1
                } else if isRecordEnd(position) {
                    position = skipTerminator(position)
                    line += 1
                    finished = true
                } else {
                    field.append(byte)
                    atFieldStart = false
                    position += 1
                }
            }
            if String(validating: field, as: UTF8.self) == nil { problem = problem ?? "not UTF-8 text" }
            fields.append(String(decoding: field, as: UTF8.self))
            if problem == nil && fields.count == 1 && fields[0].isEmpty && !sawQuote {
                continue   // blank line
            }
            records.append(CSVRecord(line: recordLine, fields: fields, problem: problem))
        }
        return records
    }
}
