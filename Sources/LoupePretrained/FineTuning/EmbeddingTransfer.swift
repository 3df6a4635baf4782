import LoupeNN
import LoupeTensor
import LoupeTokenizers

/// Word vectors of a pretrained encoder carried over to another vocabulary, reduced to a smaller
/// dimension: a way to start a small student's embedding table from its teacher's (as DistilBERT
/// starts from BERT's layers; Sanh et al., 2019) when the two share neither vocabulary nor width.
///
/// Each target token is looked up in the teacher's vocabulary (a `##` continuation as itself); one
/// the teacher lacks is read as its surface text by the teacher's tokenizer and gets the mean of
/// those pieces' vectors. The vectors are then centred and projected on their top principal
/// directions (PCA of the vectors that were found; cf. Raunak et al., 2019, "Effective
/// Dimensionality Reduction for Word Embeddings", RepL4NLP), and scaled to a chosen standard
/// deviation per entry so that they can replace a randomly initialised table.
public struct EmbeddingTransfer {
    /// The teacher's word vectors `[vocabulary, width]`, row-major.
    public let vectors: [Float]
    public let width: Int
    let tokenizer: PretrainedTokenizer
    let rows: Int

    /// The word embedding table and tokenizer of the BERT-family encoder `teacher`.
    /// - Throws: ``CheckpointError`` when the model has no encoder word embeddings.
    public init(teacher: PretrainedModel) throws {
        guard let embeddings = teacher.module.allModules.lazy.compactMap({ $0 as? EncoderEmbeddings }).first else {
            throw CheckpointError(.invalidArgument, file: teacher.source.path, "has no encoder word embeddings to transfer")
        }
        let weight = embeddings.word.weight.value
        vectors = weight.scalars
        rows = weight.shape[0]
        width = weight.shape[1]
        tokenizer = teacher.tokenizer
    }

    /// The teacher vector of `token` (WordPiece spelling; `##x` continues a word), or nil when the
    /// teacher's tokenizer gives no piece for it.
    public func teacherVector(of token: String) -> [Float]? {
        var ids: [Int]
        if let id = tokenizer.id(forToken: token), id < rows {
            ids = [id]
        } else {
            let surface = token.hasPrefix("##") ? String(token.dropFirst(2)) : token
            ids = tokenizer.encode(surface, addSpecialTokens: false).map(\.id).filter { $0 >= 0 && $0 < rows }
        }
        guard !ids.isEmpty else { return nil }
        var sum = [Float](repeating: 0, count: width)
        for id in ids {
            for j in 0..<width { sum[j] += vectors[id * width + j] }
        }
        return sum.map { $0 / Float(ids.count) }
    }

    /// Vectors of `dimension` numbers for `tokens` (nil where `include` is false or the teacher has
    /// no piece), with standard deviation `standardDeviation` over all their entries.
    /// - Throws: ``CheckpointError`` when `dimension` is not in 1...width or fewer than `dimension`
    ///   tokens were found.
    public func reducedVectors(for tokens: [String], dimension: Int, standardDeviation: Float,
                               include: (String) -> Bool = { _ in true }) throws -> [[Float]?] {
        guard (1...width).contains(dimension) else {
            throw CheckpointError(.invalidArgument, file: "embedding transfer", "dimension \(dimension) is not in 1...\(width)")
        }
        let found = tokens.map { include($0) ? teacherVector(of: $0) : nil }
        let present = found.compactMap { $0 }
        guard present.count >= dimension else {
            throw CheckpointError(.invalidArgument, file: "embedding transfer",
                                  "only \(present.count) of \(tokens.count) tokens have teacher vectors (need \(dimension))")
        }
        let basis = PrincipalDirections(rows: present, width: width, count: dimension)
        let projected = found.map { $0.map(basis.project) }
        let entries = projected.compactMap { $0 }.flatMap { $0 }
        let variance = entries.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(entries.count, 1))
        let factor = variance > 0 ? Float(Double(standardDeviation) / variance.squareRoot()) : 0
        return projected.map { $0.map { $0.map { $0 * factor } } }
    }
}

/// The mean and top principal directions of a set of vectors (eigenvectors of their covariance
/// with the largest eigenvalues, by orthogonal subspace iteration in Double).
struct PrincipalDirections {
    let mean: [Double]
    /// `count` orthonormal directions of `width` numbers each.
    let directions: [[Double]]

    init(rows: [[Float]], width: Int, count: Int, iterations: Int = 100) {
        let n = Double(rows.count)
        var mean = [Double](repeating: 0, count: width)
        for row in rows { for j in 0..<width { mean[j] += Double(row[j]) / n } }
        var covariance = [Double](repeating: 0, count: width * width)
        for row in rows {
            let centred = (0..<width).map { Double(row[$0]) - mean[$0] }
            for i in 0..<width where centred[i] != 0 {
                let ci = centred[i] / n
                for j in i..<width { covariance[i * width + j] += ci * centred[j] }
            }
        }
        for i in 0..<width { for j in 0..<i { covariance[i * width + j] = covariance[j * width + i] } }
        // A fixed, non-degenerate start (deterministic), then Q ← orth(C Q).
        var q: [[Double]] = (0..<count).map { k -> [Double] in
            (0..<width).map { j -> Double in
                let ripple = Double((j * 7 + k * 13) % 29) - 14
                return j == k ? ripple + 50 : ripple
            }
        }
        var next = [Double](repeating: 0, count: width)
        for _ in 0..<iterations {
            for k in q.indices {
                for i in 0..<width {
                    var sum = 0.0
                    let rowStart = i * width
                    for j in 0..<width { sum += covariance[rowStart + j] * q[k][j] }
                    next[i] = sum
                }
                q[k] = next
            }
            Self.orthonormalize(&q)
        }
        self.mean = mean
        directions = q
    }

    /// Modified Gram–Schmidt, in place.
    static func orthonormalize(_ q: inout [[Double]]) {
        for k in q.indices {
            for p in 0..<k {
                let dot = zip(q[k], q[p]).reduce(0.0) { $0 + $1.0 * $1.1 }
                q[k] = zip(q[k], q[p]).map { $0 - dot * $1 }
            }
            let norm = q[k].reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { q[k] = q[k].map { $0 / norm } }
        }
    }

    /// The coordinates of `vector` − mean along the directions.
    func project(_ vector: [Float]) -> [Float] {
        directions.map { d -> Float in
            var sum = 0.0
            for j in d.indices { sum += (Double(vector[j]) - mean[j]) * d[j] }
            return Float(sum)
        }
    }
}
