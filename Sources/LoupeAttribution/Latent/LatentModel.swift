import LoupeNN
import LoupeTensor

/// A variational autoencoder whose latent space Loupe can analyse: it maps a batch of examples
/// to the diagonal Gaussian posterior `q(z|x) = N(μ, diag(exp(logvar)))` and a batch of latent
/// codes to something a person can look at (an image or a sentence).
///
/// ``TextVAE`` (examples are token ids) and ``ImageVAE`` (examples are pixel vectors) conform;
/// any other VAE can conform by implementing the two requirements (see ``ImageLatentModel`` for
/// the shortcut image models take). Latent codes (``LatentCodes``), traversals
/// (``LatentTraversal``) and interpolations (``LatentInterpolation``) work on any conforming model.
///
/// The posterior and KL follow Kingma & Welling, "Auto-Encoding Variational Bayes" (ICLR 2014):
/// `KL(q(z|x) ‖ N(0, I)) = ½ Σ_d (μ_d² + exp(logvar_d) − 1 − logvar_d)`.
public protocol LatentModel: VariationalAutoencoder {
    /// One input example (token ids for a text VAE, `P` pixel intensities for an image VAE).
    associatedtype Example

    /// The architecture's name as written in JSON (`text-vae`, `image-vae`, …).
    var architectureName: String { get }

    /// The posterior of a batch: `mu` and `logVariance`, each `[B, Z]`.
    func posterior(of examples: [Example]) -> (mu: Tensor, logVariance: Tensor)

    /// Decodes latent codes `[N, Z]` into `N` cells, in order.
    func decodedCells(for latents: Tensor, decoding: LatentDecoding) -> [DecodedCell]
}

/// How a text VAE turns latent codes into sentences (image VAEs ignore these settings).
public struct LatentDecoding: Equatable, Sendable {
    /// Beams kept by beam search; 1 (the default) is greedy decoding.
    public var beamWidth: Int
    /// Most tokens decoded per sentence; `nil` uses the model's `max_len`.
    public var maximumLength: Int?
    /// Token strings by id, used to spell decoded sentences (``LoupeNN/TokenSpelling``).
    /// Without one, text cells carry only token ids.
    public var vocabulary: [String]?
    /// Never decode [UNK] (default true; needs the vocabulary to know its id): a decoded sentence is
    /// read by a person, and the decoder's next-best word says more than "unknown word". The
    /// held-out metrics (`TextVAE.metrics(of:)`) decode without this.
    public var suppressesUnknown: Bool

    public init(beamWidth: Int = 1, maximumLength: Int? = nil, vocabulary: [String]? = nil, suppressesUnknown: Bool = true) {
        precondition(beamWidth >= 1, "beam width must be at least 1, got \(beamWidth)")
        self.beamWidth = beamWidth
        self.maximumLength = maximumLength
        self.vocabulary = vocabulary
        self.suppressesUnknown = suppressesUnknown
    }

    /// Token ids the decoder may not choose: [UNK]'s, when suppressed and the vocabulary has it.
    public var excludedTokenIDs: Set<Int> {
        guard suppressesUnknown, let index = vocabulary?.firstIndex(of: Vocabulary.unknown) else { return [] }
        return [index]
    }

    /// `greedy` or `beam-search`, as written in JSON.
    public var strategy: String { beamWidth == 1 ? "greedy" : "beam-search" }
}

extension LatentModel {
    /// The posterior of `examples` in batches of at most `batchSize`, without recording gradients:
    /// `mu`, `logVariance` as one row of `Z` values per example.
    /// - Throws: ``AttributionError/invalidParameter(_:)`` for a batch size below 1.
    public func posteriorRows(of examples: [Example], batchSize: Int = 256) throws -> (mu: [[Float]], logVariance: [[Float]]) {
        guard batchSize >= 1 else { throw AttributionError.invalidParameter("batch size must be at least 1, got \(batchSize)") }
        var mus: [[Float]] = [], logVariances: [[Float]] = []
        mus.reserveCapacity(examples.count)
        logVariances.reserveCapacity(examples.count)
        var start = 0
        while start < examples.count {
            let end = Swift.min(examples.count, start + batchSize)
            let (mu, logVariance) = withoutGradients { posterior(of: Array(examples[start..<end])) }
            mus.append(contentsOf: rows(of: mu))
            logVariances.append(contentsOf: rows(of: logVariance))
            start = end
        }
        return (mus, logVariances)
    }

    /// Decodes latent rows in chunks of at most `batchSize`, without recording gradients.
    /// - Throws: ``AttributionError/invalidInput(_:)`` for a code without ``latentDimension``
    ///   finite values, ``AttributionError/invalidParameter(_:)`` for a batch size below 1.
    public func decodedCells(for latents: [[Float]], decoding: LatentDecoding = LatentDecoding(),
                             batchSize: Int = 512) throws -> [DecodedCell] {
        let z = latentDimension
        guard batchSize >= 1 else { throw AttributionError.invalidParameter("batch size must be at least 1, got \(batchSize)") }
        if let bad = latents.firstIndex(where: { $0.count != z }) {
            throw AttributionError.invalidInput("latent code \(bad) has \(latents[bad].count) values; the model's codes have \(z)")
        }
        if let bad = latents.firstIndex(where: { !$0.allSatisfy(\.isFinite) }) {
            throw AttributionError.invalidInput("latent code \(bad) holds a value that is not finite")
        }
        var cells: [DecodedCell] = []
        cells.reserveCapacity(latents.count)
        var start = 0
        while start < latents.count {
            let end = Swift.min(latents.count, start + batchSize)
            let tensor = Tensor(shape: [end - start, z], scalars: latents[start..<end].flatMap { $0 })
            cells.append(contentsOf: withoutGradients { decodedCells(for: tensor, decoding: decoding) })
            start = end
        }
        return cells
    }
}

/// The rows of a `[B, Z]` tensor.
func rows(of t: Tensor) -> [[Float]] {
    precondition(t.rank == 2, "expected a [B, Z] tensor, got \(t.shape)")
    let width = t.shape[1]
    return (0..<t.shape[0]).map { Array(t.scalars[($0 * width)..<(($0 + 1) * width)]) }
}
