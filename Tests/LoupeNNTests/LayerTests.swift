import Foundation
import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// Checks d(Σ w·f())/dθ accumulated by `backward()` into each parameter against central finite
/// differences obtained by perturbing the parameter's value in place.
func checkParameterGradients(_ parameters: [Parameter], step: Float = 1e-2, absolute: Float = 2e-3,
                             relative: Float = 2e-2, seed: UInt64 = 11,
                             sourceLocation: SourceLocation = #_sourceLocation, _ f: () -> Tensor) {
    let output = f()
    var rng = RandomGenerator(seed: seed)
    let weights = Tensor.randomUniform(output.shape, lower: 0.5, upper: 1.5, using: &rng)
    parameters.forEach { $0.zeroGradient() }
    do { try (output * weights).sum().backward() } catch {
        Issue.record("backward failed: \(error)", sourceLocation: sourceLocation)
        return
    }
    func objective() -> Double {
        let y = withoutGradients { f() }
        return zip(y.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    for p in parameters {
        let analytic = p.denseGradient
        let original = p.value
        var numeric = [Float](repeating: 0, count: original.count)
        for j in 0..<original.count {
            var s = original.scalars
            s[j] = original.scalars[j] + step
            p.value = Tensor(shape: original.shape, scalars: s)
            let plus = objective()
            s[j] = original.scalars[j] - step
            p.value = Tensor(shape: original.shape, scalars: s)
            let minus = objective()
            numeric[j] = Float((plus - minus) / (2 * Double(step)))
        }
        p.value = original
        expectClose(analytic.scalars, numeric, absolute: absolute, relative: relative, "parameter \(p.name)",
                    sourceLocation: sourceLocation)
    }
}

@Suite("Layers")
struct LayerTests {
    // MARK: LayerNorm

    @Test func layerNormMatchesDefinition() {
        let x = testTensor([3, 5], seed: 2)
        let norm = LayerNorm(5, path: "norm")
        norm.weight.value = testTensor([5], seed: 3)
        norm.bias.value = testTensor([5], seed: 4)
        let y = norm(x)
        for r in 0..<3 {
            let row = (0..<5).map { x[r, $0] }
            let mean = row.reduce(0, +) / 5
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
            for j in 0..<5 {
                let expected = (row[j] - mean) / (variance + 1e-5).squareRoot() * norm.weight.value[j] + norm.bias.value[j]
                expectClose(y[r, j], expected)
            }
        }
        #expect(norm.parameters.map(\.name) == ["norm.weight", "norm.bias"])
    }

    @Test func layerNormGradients() {
        GradientChecker().check([testTensor([2, 3, 6], seed: 5), testTensor([6], seed: 6), testTensor([6], seed: 7)]) {
            $0[0].layerNormalized(weight: $0[1], bias: $0[2], epsilon: 1e-5)
        }
        // Fused add & norm (width 11: vector body and scalar tail), gradients to both summands.
        GradientChecker().check([testTensor([2, 3, 11], seed: 8), testTensor([2, 3, 11], seed: 9),
                                 testTensor([11], seed: 10), testTensor([11], seed: 11)]) {
            $0[0].layerNormalized(adding: $0[1], weight: $0[2], bias: $0[3], epsilon: 1e-5)
        }
        let (x, r) = (testTensor([4, 11], seed: 12), testTensor([4, 11], seed: 13))
        let (w, b) = (testTensor([11], seed: 14), testTensor([11], seed: 15))
        expectClose(x.layerNormalized(adding: r, weight: w, bias: b), (x + r).layerNormalized(weight: w, bias: b))
    }

    // MARK: Linear

    @Test func fusedLinearGradients() {
        GradientChecker().check([testTensor([2, 3, 4], seed: 61), testTensor([5, 4], seed: 62), testTensor([5], seed: 63)]) {
            $0[0].linear(weight: $0[1], bias: $0[2])
        }
        GradientChecker().check([testTensor([3, 4], seed: 64), testTensor([2, 4], seed: 65)]) {
            $0[0].linear(weight: $0[1], bias: nil)
        }
        let x = testTensor([3, 4], seed: 66), w = testTensor([2, 4], seed: 67), b = testTensor([2], seed: 68)
        expectClose(x.linear(weight: w, bias: b), x.matmul(w, transposeOther: true) + b)
    }

    // MARK: Attention

    static let padding: [Bool] = [false, false, false, true,  false, false, false, false]

    @Test func fusedAttentionMatchesComposedOps() {
        let (b, t, e, heads) = (2, 4, 6, 3)
        let qkv = testTensor([b, t, 3 * e], seed: 9, range: -2...2)
        let weights = qkv.attentionWeights(heads: heads, keyPadding: Self.padding)
        let context = qkv.attentionContext(weights: weights)
        // Reference: split heads with reshape/permute, masked softmax, matmul.
        let d = e / heads
        let parts = qkv.chunked(3, alongAxis: 2).map { $0.reshaped([b, t, heads, d]).permuted([0, 2, 1, 3]) }
        var scores = parts[0].matmul(parts[1], transposeOther: true) * (1 / Float(d).squareRoot())
        let mask = Tensor(shape: [b, 1, 1, t], scalars: Self.padding.map { $0 ? 1 : 0 })
        scores = scores.filling(where: mask, with: -.infinity)
        let reference = scores.softmax(alongAxis: -1)
        expectClose(weights, reference)
        let referenceContext = reference.matmul(parts[2]).permuted([0, 2, 1, 3]).reshaped([b, t, e])
        expectClose(context, referenceContext)
        // Padded keys get no weight.
        for h in 0..<heads { for q in 0..<t { #expect(weights[0, h, q, 3] == 0) } }
        // The fused op gives the same context and weights.
        let fused = qkv.selfAttention(heads: heads, keyPadding: Self.padding)
        expectClose(fused.context, referenceContext)
        expectClose(fused.weights, reference)
        #expect(!fused.weights.requiresGradient)
    }

    @Test func attentionGradientsWithPadding() {
        let qkv = testTensor([2, 4, 18], seed: 10)
        GradientChecker().check([qkv]) { $0[0].attentionWeights(heads: 3, keyPadding: Self.padding) }
        GradientChecker().check([qkv]) { x in
            x[0].attentionContext(weights: x[0].attentionWeights(heads: 3, keyPadding: Self.padding))
        }
        GradientChecker().check([qkv, testTensor([2, 3, 4, 4], seed: 12, range: 0...1)]) { x in
            x[0].attentionContext(weights: x[1])
        }
        GradientChecker().check([qkv]) { $0[0].selfAttention(heads: 3, keyPadding: Self.padding).context }
        // Large enough to run on several threads.
        let big = testTensor([8, 16, 3 * 64], seed: 13)
        let padding = (0..<(8 * 16)).map { $0 % 16 >= 12 + $0 / 16 % 4 }
        let split = big.selfAttention(heads: 4, keyPadding: padding).context
        expectClose(split, big.attentionContext(weights: big.attentionWeights(heads: 4, keyPadding: padding)))
        let seed = testTensor(split.shape, seed: 14)
        let leaf = big.requiringGradient()
        let fusedGradient = try! gradient(of: (leaf.selfAttention(heads: 4, keyPadding: padding).context * seed).sum(),
                                          withRespectTo: leaf)
        let composed = leaf.attentionContext(weights: leaf.attentionWeights(heads: 4, keyPadding: padding))
        expectClose(fusedGradient, try! gradient(of: (composed * seed).sum(), withRespectTo: leaf))
    }

    @Test func multiheadAttentionModule() {
        var rng = RandomGenerator(seed: 1)
        let attention = MultiheadSelfAttention(embedDimension: 4, heads: 2, path: "attn", generator: &rng)
        attention.inProjBias.value = testTensor([12], seed: 13)
        attention.outProj.bias!.value = testTensor([4], seed: 14)
        #expect(attention.parameters.map(\.name) == ["attn.in_proj_weight", "attn.in_proj_bias",
                                                     "attn.out_proj.weight", "attn.out_proj.bias"])
        let mask = KeyPaddingMask([[false, false, true], [false, false, false]])
        let x = testTensor([2, 3, 4], seed: 15)
        GradientChecker().check([x]) { attention($0[0], keyPaddingMask: mask) }
        checkParameterGradients(attention.parameters) { attention(x, keyPaddingMask: mask) }
        // A padded key's content does not reach the other positions.
        var changed = x.scalars
        for j in 0..<4 { changed[2 * 4 + j] += 5 }
        let a = attention(x, keyPaddingMask: mask), b = attention(Tensor(shape: x.shape, scalars: changed), keyPaddingMask: mask)
        expectClose(Array(a.scalars[0..<8]), Array(b.scalars[0..<8]))
        let (output, weights) = attention.attend(x, keyPaddingMask: mask)
        #expect(weights.shape == [2, 2, 3, 3])
        // The two-op path (weights on the tape) agrees with the fused one, and its gradients are right.
        let differentiable = attention.attend(x, keyPaddingMask: mask, differentiableWeights: true)
        expectClose(differentiable.output, output)
        expectClose(differentiable.weights, weights)
        #expect(differentiable.weights.requiresGradient)
        GradientChecker().check([x]) { attention.attend($0[0], keyPaddingMask: mask, differentiableWeights: true).output }
        GradientChecker().check([x]) { attention.attend($0[0], keyPaddingMask: mask, differentiableWeights: true).weights }
    }

    // MARK: Transformer encoder layer

    @Test(arguments: [(TransformerEncoderLayer.NormPlacement.post, Activation.relu),
                      (.post, .gelu), (.pre, .relu), (.pre, .gelu)])
    func encoderLayerGradients(placement: TransformerEncoderLayer.NormPlacement, activation: Activation) {
        var rng = RandomGenerator(seed: 21)
        let layer = TransformerEncoderLayer(embedDimension: 4, heads: 2, feedForwardDimension: 6,
                                            activation: activation, normPlacement: placement,
                                            path: "layers.0", generator: &rng)
        for p in layer.parameters where p.name.hasSuffix("norm1.weight") || p.name.hasSuffix("bias") {
            p.value = Tensor(shape: p.value.shape, scalars: p.value.scalars.enumerated().map { Float($0.offset % 3) * 0.1 + $0.element + 0.5 })
        }
        let mask = KeyPaddingMask([[false, false, false], [false, true, true]])
        let x = testTensor([2, 3, 4], seed: 25, range: -2...2)  // no ReLU input within 0.05 of its kink
        let checker = GradientChecker(step: 1e-3, absolute: 5e-3, relative: 3e-2)
        checker.check([x], "\(placement) \(activation)") { layer($0[0], keyPaddingMask: mask) }
        checkParameterGradients(layer.parameters, step: 1e-3, absolute: 5e-3, relative: 3e-2) {
            layer(x, keyPaddingMask: mask)
        }
        #expect(layer.modulePaths.contains("layers.0.self_attn.out_proj"))
        #expect(Set(layer.parameters.map(\.name)) == Set([
            "layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias",
            "layers.0.self_attn.out_proj.weight", "layers.0.self_attn.out_proj.bias",
            "layers.0.linear1.weight", "layers.0.linear1.bias", "layers.0.linear2.weight", "layers.0.linear2.bias",
            "layers.0.norm1.weight", "layers.0.norm1.bias", "layers.0.norm2.weight", "layers.0.norm2.bias"]))
    }

    @Test func encoderLayerDropoutOnlyWhileTraining() {
        var rng = RandomGenerator(seed: 2)
        let layer = TransformerEncoderLayer(embedDimension: 4, heads: 2, feedForwardDimension: 8, dropout: 0.5,
                                            path: "l", generator: &rng)
        let x = testTensor([1, 3, 4])
        let a = layer(x), b = layer(x)
        #expect(a.scalars == b.scalars)
        layer.isTraining = true
        let c = layer(x)
        #expect(c.scalars != a.scalars)
    }

    // MARK: GRU

    /// One GRU step written with elementary ops, straight from the PyTorch formula.
    static func referenceStep(_ x: Tensor, _ h: Tensor, _ gru: GRU) -> Tensor {
        let gi = x.matmul(gru.weightIH.value, transposeOther: true) + gru.biasIH.value
        let gh = h.matmul(gru.weightHH.value, transposeOther: true) + gru.biasHH.value
        let (i, a) = (gi.chunked(3, alongAxis: 1), gh.chunked(3, alongAxis: 1))
        let r = (i[0] + a[0]).sigmoid(), z = (i[1] + a[1]).sigmoid()
        let n = (i[2] + r * a[2]).tanh()
        return (1 - z) * n + z * h
    }

    @Test func gruMatchesReferenceAndHonoursLengths() {
        var rng = RandomGenerator(seed: 31)
        let gru = GRU(inputSize: 3, hiddenSize: 5, path: "encoder", generator: &rng)
        #expect(gru.parameters.map(\.name) == ["encoder.weight_ih_l0", "encoder.weight_hh_l0",
                                               "encoder.bias_ih_l0", "encoder.bias_hh_l0"])
        let x = testTensor([2, 4, 3], seed: 32)
        let h0 = testTensor([2, 5], seed: 33)
        let (outputs, last) = gru(x, initialState: h0, lengths: [4, 2])
        var h = h0
        for t in 0..<4 {
            h = Self.referenceStep(x.sliced(alongAxis: 1, t..<(t + 1)).reshaped([2, 3]), h, gru)
            expectClose(Array(outputs.scalars[(t * 5)..<(t * 5 + 5)]), Array(h.scalars[0..<5]))
            if t == 1 { expectClose(Array(last.scalars[5..<10]), Array(h.scalars[5..<10])) }
        }
        expectClose(Array(last.scalars[0..<5]), Array(h.scalars[0..<5]))
        // The short sequence alone gives the same final state.
        let short = x.sliced(alongAxis: 0, 1..<2).sliced(alongAxis: 1, 0..<2)
        let alone = gru(short, initialState: h0.sliced(alongAxis: 0, 1..<2)).last
        expectClose(Array(last.scalars[5..<10]), alone.scalars)
    }

    @Test func gruGradientsWithLengths() {
        let (b, t, h) = (3, 4, 2)
        GradientChecker().check([testTensor([b, t, 3 * h], seed: 41), testTensor([3 * h, h], seed: 42),
                                 testTensor([3 * h], seed: 43), testTensor([b, h], seed: 44)]) { x in
            x[0].gruRecurrence(hiddenWeight: x[1], hiddenBias: x[2], initialState: x[3], lengths: [4, 1, 2])
        }
        var rng = RandomGenerator(seed: 45)
        let gru = GRU(inputSize: 3, hiddenSize: 2, path: "decoder", generator: &rng)
        let x = testTensor([2, 3, 3], seed: 46)
        GradientChecker().check([x, testTensor([2, 2], seed: 47)]) { v in
            let (outputs, last) = gru(v[0], initialState: v[1], lengths: [3, 2])
            return Tensor.concatenate([outputs.reshaped([2, 6]), last], alongAxis: 1)
        }
        checkParameterGradients(gru.parameters) { gru(x, lengths: [3, 2]).outputs }
    }

    // MARK: Embedding and dropout

    @Test func embeddingPaddingRowStaysZeroAndGetsNoGradient() throws {
        var rng = RandomGenerator(seed: 51)
        let embedding = Embedding(vocabularySize: 6, dimension: 3, paddingIndex: 0, path: "embedding", generator: &rng)
        #expect((0..<3).allSatisfy { embedding.weight.value[0, $0] == 0 })
        let ids = [2, 0, 5, 2, 0, 1]
        let looked = embedding(ids, shape: [2, 3])
        #expect(looked.shape == [2, 3, 3])
        let weights = testTensor([2, 3, 3], seed: 52)
        try (looked * weights).sum().backward()
        let sparse = try #require(embedding.weight.sparseGradient)
        #expect(sparse.rows == [1, 2, 5])
        // Row 2 was used twice: its gradient is the sum of both weight rows.
        expectClose(Array(sparse.values[3..<6]), (0..<3).map { weights.scalars[$0] + weights.scalars[9 + $0] })
        let dense = embedding.weight.denseGradient
        #expect((0..<3).allSatisfy { dense[0, $0] == 0 })
        #expect((0..<3).allSatisfy { dense[3, $0] == 0 && dense[4, $0] == 0 })
    }

    @Test func dropoutScalesSurvivorsAndIsSeeded() {
        let x = Tensor.ones([1000])
        let dropout = Dropout(probability: 0.25, path: "dropout", seed: 3)
        #expect(dropout(x).scalars == x.scalars)
        dropout.isTraining = true
        let y = dropout(x)
        #expect(y.scalars.allSatisfy { $0 == 0 || Swift.abs($0 - 4.0 / 3.0) < 1e-6 })
        let dropped = y.scalars.filter { $0 == 0 }.count
        #expect(dropped > 180 && dropped < 320)
        let again = Dropout(probability: 0.25, path: "dropout", seed: 3)
        again.isTraining = true
        #expect(again(x).scalars == y.scalars)
    }

    @Test func activationsByName() {
        let x = Tensor([-1, 0.5])
        #expect(Activation(name: "ReLU")!(x).scalars == [0, 0.5])
        expectClose(Activation.gelu(x).scalars, [-0.15865526, 0.34573123])
        #expect(Activation(name: "swish") == nil)
    }
}
