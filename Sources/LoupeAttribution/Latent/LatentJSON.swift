import Foundation

/// The model block shared by the latent JSON formats (`loupe.latent.v1`, `loupe.traversal.v1`,
/// `loupe.interpolation.v1`, `loupe.kl.v1`; docs/latent.md).
public struct LatentModelInfo: Codable, Equatable, Sendable {
    /// Checkpoint folder, when the model came from one.
    public var path: String?
    /// `text-vae`, `image-vae`, …
    public var architecture: String
    /// Size of the latent vector.
    public var latentDimension: Int

    public init(path: String? = nil, architecture: String, latentDimension: Int) {
        self.path = path
        self.architecture = architecture
        self.latentDimension = latentDimension
    }

    /// The block for `model`.
    public init<M: LatentModel>(_ model: M, path: String? = nil) {
        self.init(path: path, architecture: model.architectureName, latentDimension: model.latentDimension)
    }

    enum CodingKeys: String, CodingKey { case path, architecture, latentDimension = "latent_dim" }
}

/// Writing and reading the latent JSON documents: sorted keys, no escaped slashes, and an error
/// (not `null` or a string) for NaN or infinity.
public protocol LatentJSONDocument: Codable {
    /// The `schema` value this document type writes and accepts.
    static var schemaName: String { get }
    /// The document's `schema` field.
    var schema: String { get }
}

extension LatentJSONDocument {
    /// Compact JSON on one line (for JSON Lines).
    public func jsonLine() throws -> String {
        String(decoding: try encoded(pretty: false), as: UTF8.self)
    }

    /// Indented JSON.
    public func prettyJSON() throws -> Data { try encoded(pretty: true) }

    func encoded(pretty: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                                          : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .throw
        return try encoder.encode(self)
    }

    /// Reads a document, checking its `schema`.
    public static func decode(_ data: Data) throws -> Self {
        let doc = try JSONDecoder().decode(Self.self, from: data)
        guard doc.schema == schemaName else {
            throw AttributionError.invalidParameter("schema '\(doc.schema)' is not \(schemaName)")
        }
        return doc
    }
}
