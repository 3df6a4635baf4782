import Foundation
import LoupeNN
import LoupeTensor

/// Reads a decoder's tensors by their Hugging Face names from a store whose names may differ
/// (GGUF's `blk.N.attn_q.weight`, GPT-2 checkpoints without the `transformer.` prefix), applying
/// the layout changes the file's writer made: GPT-2's `Conv1D` `[in, out]` weights are
/// transposed, and llama.cpp's row permutation of Q and K is undone.
struct DecoderWeightReader {
    let store: WeightStore
    /// The store's name for a Hugging Face name.
    let storeName: (String) -> String
    /// Undo llama.cpp's `permute` of `q_proj` / `k_proj` rows (GGUF files of the `llama` architecture).
    let unpermuteQueryKey: Bool
    let configuration: DecoderConfiguration

    var file: String { store.source.lastPathComponent }

    func contains(_ name: String) -> Bool { store.contains(storeName(name)) }

    /// The tensor `name` as dense floats of shape `shape`.
    func dense(_ name: String, shape: [Int]) throws -> Tensor {
        let stored = try weight(name, shape: shape)
        switch stored {
        case .dense(let t): return t
        case .quantized(let q): return q.dequantized()
        }
    }

    /// The optional tensor `name` (`nil` when absent) as dense floats.
    func optionalDense(_ name: String, shape: [Int]) throws -> Tensor? {
        contains(name) ? try dense(name, shape: shape) : nil
    }

    /// The matrix `name` (`[out, in]`), dense or quantized as stored.
    func weight(_ name: String, shape: [Int]) throws -> StoredWeight {
        let key = storeName(name)
        let stored = try store.weight(named: key)
        guard stored.shape == shape else {
            throw PretrainedError.shapeMismatch(file: file, name: key, expected: shape, found: stored.shape)
        }
        guard unpermuteQueryKey, let heads = permutedHeads(name) else { return stored }
        return try Self.unpermutingRows(stored, heads: heads, file: file, name: key)
    }

    /// A GPT-2 `Conv1D` weight stored `[in, out]`, returned as `[out, in]`.
    func conv1DWeight(_ name: String, input: Int, output: Int) throws -> Tensor {
        let key = storeName(name)
        let stored = try store.weight(named: key)
        guard stored.shape == [input, output] else {
            throw PretrainedError.shapeMismatch(file: file, name: key, expected: [input, output], found: stored.shape)
        }
        let tensor: Tensor
        switch stored {
        case .dense(let t): tensor = t
        case .quantized(let q): tensor = q.dequantized()
        }
        return withoutGradients { tensor.transposed() }
    }

    /// The number of heads whose rows llama.cpp permuted in `name`, or `nil` for other tensors.
    private func permutedHeads(_ name: String) -> Int? {
        if name.hasSuffix("self_attn.q_proj.weight") || name.hasSuffix("self_attn.q_proj.bias") {
            return configuration.headCount
        }
        if name.hasSuffix("self_attn.k_proj.weight") || name.hasSuffix("self_attn.k_proj.bias") {
            return configuration.keyValueHeadCount
        }
        return nil
    }

    /// Undoes llama.cpp's `permute(w, n_head)`: within each head of `d` rows, GGUF row `2i + j`
    /// holds Hugging Face row `j·d/2 + i` (`j ∈ {0, 1}`), so GGML's adjacent-pair rotation of
    /// the file equals transformers' `rotate_half` of the original.
    static func unpermutedRowOrder(rows: Int, heads: Int) -> [Int] {
        let d = rows / heads, half = d / 2
        var source = [Int](repeating: 0, count: rows)
        for h in 0..<heads {
            for j in 0..<2 {
                for i in 0..<half { source[h * d + j * half + i] = h * d + 2 * i + j }
            }
        }
        return source
    }

    static func unpermutingRows(_ stored: StoredWeight, heads: Int, file: String, name: String) throws -> StoredWeight {
        let rows = stored.shape.first ?? 0
        guard heads > 0, rows > 0, rows % heads == 0, (rows / heads) % 2 == 0 else {
            throw PretrainedError.shapeMismatch(file: file, name: name, expected: [heads * 2], found: stored.shape)
        }
        let order = unpermutedRowOrder(rows: rows, heads: heads)
        switch stored {
        case .dense(let t):
            let width = t.count / Swift.max(rows, 1)
            var out = [Float](repeating: 0, count: t.count)
            t.scalars.withUnsafeBufferPointer { src in
                for (row, from) in order.enumerated() {
                    for j in 0..<width { out[row * width + j] = src[from * width + j] }
                }
            }
            return .dense(Tensor(shape: t.shape, scalars: out))
        case .quantized(let q):
            let bytes = OwnedBytes(count: q.bytes.count)
            let stride = q.bytesPerRow
            if let destination = bytes.buffer.baseAddress, let source = q.bytes.baseAddress {
                for (row, from) in order.enumerated() {
                    (destination + row * stride).copyMemory(from: source + from * stride, byteCount: stride)
                }
            }
            return .quantized(QuantizedMatrix(type: q.type, rows: q.rows, columns: q.columns,
                                              bytes: UnsafeRawBufferPointer(bytes.buffer), owner: bytes))
        }
    }
}

/// A heap buffer that lives as long as the matrices that point into it.
final class OwnedBytes {
    let buffer: UnsafeMutableRawBufferPointer

    init(count: Int) {
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
    }

    deinit { buffer.deallocate() }
}
