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

/// The latent JSON documents (`loupe.latent.v1`, `loupe.traversal.v1`, `loupe.interpolation.v1`,
/// `loupe.kl.v1`): ``SchemaDocument``s.
public protocol LatentJSONDocument: SchemaDocument {}

