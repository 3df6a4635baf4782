import LoupeNN
import LoupeTensor

/// The causal self-attention of one decoder block: query/key/value projections (separate, or
/// GPT-2's fused `c_attn`), rotary positions when the model has them, grouped-query attention
/// and the output projection. The attention pattern passes through the hook point
/// `blocks.N.attn.hook_pattern` (`[B, heads, Tq, Tk]`).
public final class DecoderAttention: Module {
    /// Where queries, keys and values come from.
    public enum Inputs {
        /// `q_proj`, `k_proj`, `v_proj` (LLaMA, Qwen2).
        case separate(query: Projection, key: Projection, value: Projection)
        /// One projection to `[Q | K | V]` (GPT-2's `c_attn`).
        case fused(Projection)
    }

    public let path: String
    public let layer: Int
    public let inputs: Inputs
    /// `o_proj` / `c_proj`.
    public let output: Projection
    public let heads: Int
    public let keyValueHeads: Int
    public let headDimension: Int
    /// Multiplies the scores (`1/√d`, GPT-2 possibly also `1/(layer + 1)`).
    public let scale: Float
    /// Rotary inverse frequencies (empty: no rotary embedding).
    public let inverseFrequencies: [Float]
    /// The attention-pattern hook point.
    public let pattern: HookPoint
    /// The context hook point (`blocks.N.attn.hook_z`, `[B, T, heads · headDimension]`).
    public let context: HookPoint

    init(path: String, layer: Int, inputs: Inputs, output: Projection, configuration c: DecoderConfiguration) {
        self.path = path
        self.layer = layer
        self.inputs = inputs
        self.output = output
        heads = c.headCount
        keyValueHeads = c.keyValueHeadCount
        headDimension = c.headDimension
        var scale: Float = c.scaleAttentionWeights ? 1 / Float(c.headDimension).squareRoot() : 1
        if c.scaleAttentionByInverseLayer { scale /= Float(layer + 1) }
        self.scale = scale
        inverseFrequencies = c.rotary?.inverseFrequencies ?? []
        pattern = HookPoint(path: ActivationSiteName.attentionPattern(layer).rawValue)
        context = HookPoint(path: ActivationSiteName.attentionContext(layer).rawValue)
    }

    public var submodules: [Module] {
        switch inputs {
        case .separate(let q, let k, let v): return [q, k, v, output]
        case .fused(let qkv): return [qkv, output]
        }
    }

    /// Attention over `x` `[B, T, E]` whose rows sit at `positions` (`T` shared, or `B·T`).
    /// With `cache`, the keys and values are appended to it (layer ``layer``) and the queries
    /// attend to every cached position too.
    /// With `prefix` (read-only), the queries also attend to its positions, shared by every row.
    func callAsFunction(_ x: Tensor, positions: [Int], keyPadding: [Bool]?, cache: KeyValueCache?,
                        prefix: KeyValueCache? = nil) -> Tensor {
        var q: Tensor, k: Tensor, v: Tensor
        switch inputs {
        case .separate(let qp, let kp, let vp):
            if let fused = Projection.fusedProducts(x, [qp, kp, vp]) {
                (q, k, v) = (fused[0], fused[1], fused[2])
            } else {
                (q, k, v) = (qp(x), kp(x), vp(x))
            }
        case .fused(let qkv):
            let packed = qkv(x)
            let width = heads * headDimension
            q = packed.sliced(alongAxis: 2, 0..<width)
            k = packed.sliced(alongAxis: 2, width..<(2 * width))
            v = packed.sliced(alongAxis: 2, (2 * width)..<(3 * width))
        }
        if !inverseFrequencies.isEmpty {
            q = q.rotaryEmbedded(heads: heads, positions: positions, inverseFrequencies: inverseFrequencies)
            k = k.rotaryEmbedded(heads: keyValueHeads, positions: positions, inverseFrequencies: inverseFrequencies)
        }
        var offset = 0
        if let cache {
            offset = cache.length
            (k, v) = cache.append(layer: layer, key: k, value: v)
        } else if let prefix, let (pk, pv) = prefix.entry(layer: layer) {
            // The shared prefix's keys and values (constants), repeated for every row.
            let rows = x.shape[0]
            offset = prefix.length
            k = Tensor.concatenate([rows == 1 ? pk : Tensor.concatenate(Array(repeating: pk, count: rows), alongAxis: 0), k], alongAxis: 1)
            v = Tensor.concatenate([rows == 1 ? pv : Tensor.concatenate(Array(repeating: pv, count: rows), alongAxis: 0), v], alongAxis: 1)
        }
        let weights = pattern(Tensor.causalAttentionWeights(query: q, key: k, heads: heads, keyValueHeads: keyValueHeads,
                                                            queryOffset: offset, keyPadding: keyPadding, scale: scale))
        let z = context(Tensor.groupedAttentionContext(weights: weights, values: v, keyValueHeads: keyValueHeads))
        return hooked(output(z))
    }
}
