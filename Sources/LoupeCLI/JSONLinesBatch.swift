import Foundation

/// The stdin batch mode of `lens`, `generate` and `patch`: one JSON object per line of standard input,
/// one compact JSON line out per line in, streamed by ``LineStream`` (each line read, processed and
/// written before the next is read); a line that fails yields `{"error": …, "line": N}` in its
/// place and the run goes on, exiting with status 1 at the end when any line failed.
enum JSONLinesBatch {
    /// Runs the workers `makeWorker` makes (one per `--jobs`) on the lines; the records go to
    /// standard output, or to `file` as JSON Lines (renamed into place when the stream ends).
    /// `expected` shows the form of a request in the error of a line that is not a JSON object.
    static func run(console: Console, options: StreamOptions, file: URL? = nil, expected: String = #"{"prompt": "..."}"#,
                    makeWorker: () throws -> (_ number: Int, _ request: Request) throws -> Data) throws {
        var reader = LineReader(maximumLineBytes: options.maxLineBytes)
        let sink = try LineSink(console: console, file: file)
        try LineStream(options: options, console: console).run(reader: &reader, sink: sink) {
            let body = try makeWorker()
            return { number, text in String(decoding: try body(number, try Request(Data(text.utf8), expected: expected)), as: UTF8.self) }
        }
    }

    /// One line's JSON object: string (or null) values by key.
    struct Request {
        let object: [String: Any]

        /// Parses one line.
        /// - Throws: a usage error for text that is not UTF-8, a blank line, or not a JSON object.
        init(_ line: Data, expected: String = #"{"prompt": "..."}"#) throws {
            guard String(data: line, encoding: .utf8) != nil else { throw CLIError.usage("not valid UTF-8 text") }
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { throw CLIError.usage("empty line") }
            guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                throw CLIError.usage("not a JSON object (expected \(expected))")
            }
            self.object = object
        }

        /// Throws unless every key is one of `known` (listed in the message, in the order given).
        func check(known: [String]) throws {
            if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
                throw CLIError.usage("unknown key '\(unknown)' (expected \(known.joined(separator: ", ")))")
            }
        }

        /// The string at `key`, which must be present.
        func required(_ key: String) throws -> String {
            guard let value = object[key] as? String else { throw CLIError.usage("\"\(key)\" is missing or not a string") }
            return value
        }

        /// The string at `key`, or nil when absent or null.
        func optional(_ key: String) throws -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else { throw CLIError.usage("\"\(key)\" is not a string") }
            return text
        }
    }
}
