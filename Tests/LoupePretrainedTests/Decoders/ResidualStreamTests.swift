import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing
@testable import LoupePretrained

/// The residual-stream view of the decoders: the stream decomposes into the embeddings and the
/// sub-layer outputs, the unembedding of the last block's output is the model's logits, direct
/// logit contributions add up to the logit, and per-head outputs add up to the attention output.
@Suite struct ResidualStreamTests {
    @Test(arguments: DecoderFixtures.huggingFaceModels)
    func streamDecomposesAndDirectLogitsAddUp(_ name: String) throws {
        let model = try DecoderFixtures.model(name)
        let ids = [[5, 17, 99, 3, 42]]
        var captures: [ActivationSiteName: ActivationCapture] = [:]
        var hooks: [Hook] = []
        for site in model.activationSites where !site.name.isAttentionPattern {
            let c = ActivationCapture()
            captures[site.name] = c
            hooks.append(.capture(site.module, into: c))
        }
        let logits = withHooks(hooks) { withoutGradients { model.logits(tokenIDs: ids) } }
        func value(_ n: ActivationSiteName) throws -> Tensor { try #require(captures[n]?.last) }
        let last = model.layerCount - 1
        let residual = try value(.residualPost(last))
        expectClose(model.unembed(residual: residual).scalars, logits.scalars, absolute: 1e-4)

        // resid_post(L) = embed (+ pos) + Σ attn_out + mlp_out.
        var components = [try value(.embed)]
        if model.positionEmbedding != nil { components.append(try value(.positionEmbed).reshaped([1, 5, model.residualWidth])) }
        for l in 0..<model.layerCount {
            components += [try value(.attentionOutput(l)), try value(.mlpOutput(l))]
            expectClose(try value(.residualMid(l)).scalars,
                        (try value(.residualPre(l)) + (try value(.attentionOutput(l)))).scalars, absolute: 1e-5)
        }
        expectClose(components.dropFirst().reduce(components[0], +).scalars, residual.scalars, absolute: 1e-4)

        // Direct logits of the components add up to the logit less the final norm's bias term.
        let tokens = [7, 3]
        let direct = components.map { model.directLogits(of: $0, residual: residual, tokens: tokens) }
        let total = direct.dropFirst().reduce(direct[0], +)
        var biasTerm = Tensor.zeros([1, 1, tokens.count])
        if let norm = model.finalNorm as? LayerNorm {
            let b = norm.bias.value.reshaped([1, 1, model.residualWidth])
            biasTerm = b.linear(weight: model.tokenEmbedding.weight.value.gatherRows(tokens), bias: nil)
        }
        let v = model.vocabularySize
        for t in 0..<5 {
            for (k, token) in tokens.enumerated() {
                let expected = logits.scalars[t * v + token] - biasTerm.scalars[k]
                #expect(Swift.abs(total.scalars[t * tokens.count + k] - expected) < 1e-3,
                        "\(name) position \(t) token \(token): \(total.scalars[t * tokens.count + k]) vs \(expected)")
            }
        }

        // Per-head outputs add up to the attention output less the output projection's bias.
        for l in 0..<model.layerCount {
            let heads = model.headOutputs(layer: l, context: try value(.attentionContext(l)))
            #expect(heads.count == model.headCount)
            var sum = heads.dropFirst().reduce(heads[0], +)
            if let bias = model.blocks[l].attention.output.bias { sum = sum + bias.value }
            expectClose(sum.scalars, try value(.attentionOutput(l)).scalars, absolute: 1e-4)
        }
    }
}
