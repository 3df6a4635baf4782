import LoupeIO
import Foundation
import LoupeNN

/// Posterior codes of a few held-out images, stored beside a bundled image VAE
/// (`base-codes.json`) so that a traversal can start from a real digit on a machine without the
/// data set: each code is the encoder's posterior `N(mu, exp(log_variance))` of one image (derived
/// data; the images themselves are not stored).
///
/// ```json
/// {"source": "...", "base": 5, "codes": [{"index": 9003, "label": 0, "mu": [...], "log_variance": [...]}, ...]}
/// ```
public struct ImageVAEBaseCodes: Codable, Equatable, Sendable {
    /// One encoded image.
    public struct Code: Codable, Equatable, Sendable {
        /// Position of the image in its data file (e.g. the MNIST t10k index).
        public var index: Int
        /// The image's class label, when the data has one.
        public var label: Int?
        public var mu: [Float]
        public var logVariance: [Float]

        public init(index: Int, label: Int?, mu: [Float], logVariance: [Float]) {
            self.index = index
            self.label = label
            self.mu = mu
            self.logVariance = logVariance
        }

        enum CodingKeys: String, CodingKey { case index, label, mu, logVariance = "log_variance" }
    }

    /// The file's name inside a model folder.
    public static let fileName = "base-codes.json"

    /// Where the images came from.
    public var source: String
    /// Which entry of `codes` a traversal starts from by default.
    public var base: Int
    public var codes: [Code]

    public init(source: String, base: Int, codes: [Code]) {
        self.source = source
        self.base = base
        self.codes = codes
    }

    /// The code a traversal starts from by default.
    public var baseCode: Code { codes[base] }

    /// Reads `base-codes.json` from `folder` and checks it against a model of `latentDimension`
    /// dimensions.
    /// - Throws: ``CheckpointError`` naming the file and the first problem (unreadable JSON, no
    ///   codes, a `base` outside them, a row of the wrong length or with non-finite values).
    public static func read(from folder: URL, latentDimension: Int) throws -> ImageVAEBaseCodes {
        let url = folder.appendingPathComponent(fileName)
        let codes: ImageVAEBaseCodes
        do {
            codes = try JSONDecoder().decode(ImageVAEBaseCodes.self, from: Data(contentsOf: url))
        } catch {
            throw CheckpointError(.io, file: fileName, "cannot read \(url.path): \(error)")
        }
        guard !codes.codes.isEmpty, codes.codes.indices.contains(codes.base) else {
            throw CheckpointError(.invalidArgument, file: fileName,
                                  "base \(codes.base) is not one of the \(codes.codes.count) codes")
        }
        for (i, code) in codes.codes.enumerated() {
            guard code.mu.count == latentDimension, code.logVariance.count == latentDimension else {
                throw CheckpointError(.invalidArgument, file: fileName,
                                      "codes[\(i)] has \(code.mu.count) / \(code.logVariance.count) values for a \(latentDimension)-dimensional latent")
            }
            guard (code.mu + code.logVariance).allSatisfy(\.isFinite) else {
                throw CheckpointError(.invalidArgument, file: fileName, "codes[\(i)] holds NaN or infinity")
            }
        }
        return codes
    }

    /// Writes the codes as `base-codes.json` (sorted keys, one line per code) into `folder`.
    public func write(to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try codes.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let sourceJSON = String(decoding: try encoder.encode(source), as: UTF8.self)
        let text = "{\"base\": \(base), \"source\": \(sourceJSON), \"codes\": [\n" + lines.joined(separator: ",\n") + "\n]}\n"
        try AtomicFile.write(text, to: folder.appendingPathComponent(Self.fileName))
    }
}
