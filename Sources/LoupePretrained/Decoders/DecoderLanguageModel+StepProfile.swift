import Dispatch
import LoupeNN
import LoupeTensor

/// Where the time of one greedy decode step goes, phase by phase (for `loupe-bench llm-generate`).
public struct DecodeStepProfile: Sendable {
    /// Seconds per step of each phase, in the order of the forward pass.
    public var phases: [(name: String, seconds: Double)]
    /// Seconds per step of the same steps run without the timers (``GreedyGenerator``'s loop).
    public var stepSeconds: Double
    /// Steps averaged.
    public var steps: Int

    /// What the phases do not account for: `stepSeconds − Σ phases` (dispatch, bookkeeping).
    public var unaccountedSeconds: Double { stepSeconds - phases.reduce(0) { $0 + $1.seconds } }
}

extension DecoderLanguageModel {
    /// Profiles `steps` greedy decode steps after `prompt` (read first, untimed): each step is
    /// the forward pass of ``lastLogits(appending:cache:)`` taken apart — embedding, norms,
    /// Q/K/V and output projections, rotary embedding, key/value cache append, attention, MLP
    /// projections and activation, residual adds, head, token choice — with a clock read
    /// around each, for LLaMA-family models (rotary, separate Q/K/V, gated MLP). Then the same
    /// number of steps runs untimed on a fresh cache for ``DecodeStepProfile/stepSeconds``.
    /// `arithmetic` is that of the quantized products (``QuantizedArithmetic``).
    /// - Throws: ``ModelInputError`` for a bad prompt; `nil` for GPT-2 models.
    public func profileDecodeSteps(prompt: [Int], steps: Int, arithmetic: QuantizedArithmetic.Mode) throws -> DecodeStepProfile? {
        guard positionEmbedding == nil else { return nil }
        return try QuantizedArithmetic.with(arithmetic) {
            try withoutGradients { try self.profiledSteps(prompt: prompt, steps: steps) }
        }
    }

    private func profiledSteps(prompt: [Int], steps: Int) throws -> DecodeStepProfile? {
        let names = ["embedding", "norms", "q/k/v projections", "rotary", "kv-cache append", "attention",
                     "output projection", "residual adds", "gate/up projections", "SiLU ⊙ up", "down projection",
                     "final norm", "head (tied unembedding)", "token choice"]
        var totals = [Double](repeating: 0, count: names.count)
        var clock = DispatchTime.now().uptimeNanoseconds
        func lap(_ phase: Int) {
            let now = DispatchTime.now().uptimeNanoseconds
            totals[phase] += Double(now - clock) / 1e9
            clock = now
        }
        let cache = makeCache()
        var token = GreedyGenerator.choose(try lastLogits(appending: prompt, cache: cache).scalars, alternatives: 5).id
        for _ in 0..<steps {
            let positions = [cache.length]
            clock = DispatchTime.now().uptimeNanoseconds
            var h = tokenEmbedding([token], shape: [1, 1])
            lap(0)
            for block in blocks {
                let a = block.attention
                guard case .separate(let qp, let kp, let vp) = a.inputs,
                      case .gated(let gate, let up, let down) = block.mlp.kind else { return nil }
                var x = block.attentionNorm(h)
                lap(1)
                var q: Tensor, k: Tensor, v: Tensor
                if let fused = Projection.fusedProducts(x, [qp, kp, vp]) {
                    (q, k, v) = (fused[0], fused[1], fused[2])
                } else {
                    (q, k, v) = (qp(x), kp(x), vp(x))
                }
                lap(2)
                q = q.rotaryEmbedded(heads: a.heads, positions: positions, inverseFrequencies: a.inverseFrequencies)
                k = k.rotaryEmbedded(heads: a.keyValueHeads, positions: positions, inverseFrequencies: a.inverseFrequencies)
                lap(3)
                let offset = cache.length
                let (keys, values) = cache.append(layer: a.layer, key: k, value: v)
                lap(4)
                let weights = Tensor.causalAttentionWeights(query: q, key: keys, heads: a.heads, keyValueHeads: a.keyValueHeads,
                                                            queryOffset: offset, keyPadding: nil, scale: a.scale)
                let z = Tensor.groupedAttentionContext(weights: weights, values: values, keyValueHeads: a.keyValueHeads)
                lap(5)
                let attended = a.output(z)
                lap(6)
                h = h + attended
                lap(7)
                x = block.mlpNorm(h)
                lap(1)
                let fused = Projection.fusedProducts(x, [gate, up])
                let g = fused?[0] ?? gate(x), u = fused?[1] ?? up(x)
                lap(8)
                let activated = block.mlp.gated(g, u)
                lap(9)
                let y = down(activated)
                lap(10)
                h = h + y
                lap(7)
            }
            cache.advance(by: 1)
            let normalized = finalNorm(h)
            lap(11)
            let logits: Tensor
            if let outputHead { logits = outputHead(normalized) }
            else if QuantizedArithmetic.current != .decodedTiles, let stored = storedTokenEmbedding {
                logits = normalized.linear(quantized: stored, bias: nil)
            } else {
                logits = normalized.linear(weight: tokenEmbedding.weight.tensor, bias: nil)
            }
            lap(12)
            token = GreedyGenerator.choose(logits.scalars, alternatives: 5).id
            lap(13)
        }
        // The same steps without timers.
        let fresh = makeCache()
        token = GreedyGenerator.choose(try lastLogits(appending: prompt, cache: fresh).scalars, alternatives: 5).id
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<steps {
            token = GreedyGenerator.choose(try lastLogits(appending: [token], cache: fresh).scalars, alternatives: 5).id
        }
        let untimed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let n = Double(Swift.max(steps, 1))
        return DecodeStepProfile(phases: zip(names, totals).map { ($0, $1 / n) }, stepSeconds: untimed / n, steps: steps)
    }
}
