import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// Carrying a teacher's word vectors over to another vocabulary: look-up, piece means, PCA.
@Suite struct EmbeddingTransferTests {
    /// The tiny BERT sentiment fixture (800-token WordPiece vocabulary, width 32).
    static func teacher() throws -> PretrainedModel {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("LoupeCLITests/Fixtures/pretrained/tiny-bert-sentiment")
        return try PretrainedModel.load(folder)
    }

    static func row(_ transfer: EmbeddingTransfer, _ id: Int) -> [Float] {
        Array(transfer.vectors[(id * transfer.width)..<((id + 1) * transfer.width)])
    }

    @Test func knownTokensReadTheirRowAndUnknownOnesTheMeanOfTheirPieces() throws {
        let model = try Self.teacher()
        let transfer = try EmbeddingTransfer(teacher: model)
        #expect(transfer.width == 32)
        let movie = try #require(model.tokenizer.id(forToken: "movie"))
        #expect(transfer.teacherVector(of: "movie") == Self.row(transfer, movie))
        let ing = try #require(model.tokenizer.id(forToken: "##ing"))
        #expect(transfer.teacherVector(of: "##ing") == Self.row(transfer, ing))
        // A word the fixture lacks: the mean of the pieces its tokenizer gives.
        let word = "moviexyz"
        #expect(model.tokenizer.id(forToken: word) == nil)
        let pieces = model.tokenizer.encode(word, addSpecialTokens: false).map(\.id)
        #expect(pieces.count > 1)
        let expected = (0..<transfer.width).map { j in pieces.reduce(Float(0)) { $0 + Self.row(transfer, $1)[j] } / Float(pieces.count) }
        let got = try #require(transfer.teacherVector(of: word))
        for (a, b) in zip(got, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func reducedVectorsHaveTheWidthAndSpreadAskedForAndSkipExcludedTokens() throws {
        let transfer = try EmbeddingTransfer(teacher: try Self.teacher())
        let tokens = ["[PAD]", "movie", "good", "bad", "##ing", "film", "great", "awful", "a", "the", "plot", "我"]
        let rows = try transfer.reducedVectors(for: tokens, dimension: 4, standardDeviation: 0.1) { $0 != "[PAD]" && $0 != "我" }
        #expect(rows[0] == nil && rows[11] == nil)
        let present = rows.compactMap { $0 }
        #expect(present.count == 10 && present.allSatisfy { $0.count == 4 })
        let entries = present.flatMap { $0 }
        let rms = (entries.reduce(0.0) { $0 + Double($1 * $1) } / Double(entries.count)).squareRoot()
        #expect(abs(rms - 0.1) < 1e-4)
        // Centred: each coordinate averages to zero over the tokens that were found.
        for j in 0..<4 { #expect(abs(present.reduce(Float(0)) { $0 + $1[j] }) < 1e-4) }
        #expect(throws: CheckpointError.self) { try transfer.reducedVectors(for: tokens, dimension: 33, standardDeviation: 0.1) }
        #expect(throws: CheckpointError.self) { try transfer.reducedVectors(for: ["movie"], dimension: 4, standardDeviation: 0.1) }
    }

    /// Data spread along known orthogonal directions: the top directions are found, in order.
    @Test func principalDirectionsRecoverTheAxesOfLargestVariance() {
        let width = 6
        // An orthonormal basis: a rotation of the first two axes by 30° and the rest as is.
        let c = Double(cos(Double.pi / 6)), s = Double(sin(Double.pi / 6))
        var basis = (0..<width).map { i in (0..<width).map { Double($0 == i ? 1 : 0) } }
        basis[0] = [c, s, 0, 0, 0, 0]
        basis[1] = [-s, c, 0, 0, 0, 0]
        let spreads: [Double] = [5, 2, 0.5, 0.3, 0.2, 0.1]
        var rng = RandomGenerator(seed: 4)
        let rows: [[Float]] = (0..<2_000).map { _ in
            let coefficients = spreads.map { $0 * Double(rng.nextNormal()) }
            return (0..<width).map { j in Float(3 + (0..<width).reduce(0.0) { $0 + coefficients[$1] * basis[$1][j] }) }
        }
        let pca = PrincipalDirections(rows: rows, width: width, count: 2)
        for k in 0..<2 {
            let dot = zip(pca.directions[k], basis[k]).reduce(0.0) { $0 + $1.0 * $1.1 }
            #expect(abs(abs(dot) - 1) < 1e-3, "direction \(k): |cos| = \(abs(dot))")
        }
        #expect(abs(pca.mean[0] - 3) < 0.3)
        let projected = pca.project(rows[0])
        #expect(projected.count == 2)
    }
}
