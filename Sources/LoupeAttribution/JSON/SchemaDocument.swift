import Foundation

/// A JSON document with a `schema` name (`loupe.attribution.v1`, `loupe.generation.v1`, …),
/// written and read one way: sorted keys, no escaped slashes, an error (not `null` or a string)
/// for NaN or infinity, and a check of the schema name on reading.
public protocol SchemaDocument: Codable {
    /// The `schema` value this document type writes and accepts.
    static var schemaName: String { get }
    /// The document's `schema` field.
    var schema: String { get }
}

extension SchemaDocument {
    /// Indented JSON.
    public func prettyJSON() throws -> Data { try encoded(pretty: true) }

    /// JSON on one line (for JSON Lines).
    public func compactJSON() throws -> Data { try encoded(pretty: false) }

    /// ``compactJSON()`` as text.
    public func jsonLine() throws -> String {
        String(decoding: try compactJSON(), as: UTF8.self)
    }

    func encoded(pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        return try encoder.encode(self)
    }

    /// Reads a document, checking its `schema`.
    /// - Throws: a decoding error, or ``AttributionError/invalidParameter(_:)`` naming both
    ///   schema names when they differ.
    public static func decode(_ data: Data) throws -> Self {
        let doc = try JSONDecoder().decode(Self.self, from: data)
        guard doc.schema == schemaName else {
            throw AttributionError.invalidParameter("schema '\(doc.schema)' is not \(schemaName)")
        }
        return doc
    }
}
