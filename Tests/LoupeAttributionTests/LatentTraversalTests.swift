import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

/// A small text VAE: 4 specials + `words` words.
func tinyTextVAE(words: Int = 8, seed: UInt64 = 5) -> TextVAE {
    TextVAE(config: TextVAEConfig(vocabularySize: 4 + words, embedDimension: 6, hiddenDimension: 8, latentDimension: 3,
                                  maxLength: 7), seed: seed)
}

@Suite("Latent traversal")
struct LatentTraversalTests {
    @Test("image cells are the decoder's images with one dimension replaced; default values −3…3")
    func imageTraversal() throws {
        let model = tinyImageVAE()
        let base: [Float] = [0.3, -0.2, 0.1, 0.7, -1]
        let result = try LatentTraversal().run(on: model, from: .vector(base))
        #expect(result.values == [-3, -2, -1, 0, 1, 2, 3])
        #expect(result.valueUnit == "prior-sd" && result.baseKind == "vector" && result.baseZ == base)
        #expect(result.rows.map(\.dimension) == [0, 1, 2, 3, 4])
        #expect(result.rows.allSatisfy { $0.kl == nil && $0.isActive == nil })
        let expected = withoutGradients { model.traversal(base: base, values: [-3, -2, -1, 0, 1, 2, 3]) }
        #expect(result.rows.flatMap { $0.cells.flatMap { $0.image!.pixels } } == expected.scalars)
        #expect(result.decoding == nil)
    }

    @Test("with codes: rows ordered by KL with KL and active flags; top-k; data quantiles")
    func withCodes() throws {
        let model = tinyImageVAE()
        let images = randomImages(40, pixels: model.pixelCount)
        let codes = try LatentCodes(encoding: images, with: model)
        let all = try LatentTraversal().run(on: model, from: .posteriorMean(images[0]), codes: codes)
        #expect(all.rows.map(\.dimension) == codes.ranking)
        #expect(all.rows.map { $0.kl! } == codes.ranking.map { codes.klPerDimension[$0] })
        #expect(all.rows.map { $0.isActive! } == codes.ranking.map { codes.isActive[$0] })
        #expect(zip(all.baseZ, codes.mu[0]).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
        let top = try LatentTraversal(dimensions: .top(2)).run(on: model, from: .zero, codes: codes)
        #expect(top.rows.map(\.dimension) == Array(codes.ranking.prefix(2)))
        #expect(top.baseZ == [0, 0, 0, 0, 0])
        let levels = [0.05, 0.5, 0.95]
        let q = try LatentTraversal(dimensions: .indices([3, 1]), values: .dataQuantiles(levels))
            .run(on: model, from: .zero, codes: codes)
        #expect(q.values == levels && q.valueUnit == "data-quantile")
        #expect(try q.rows[0].values == levels.map { try codes.quantile($0, ofDimension: 3) })
        let pixels = withoutGradients {
            model.decode(Tensor(shape: [1, 5], scalars: [0, Float(q.rows[1].values[2]), 0, 0, 0])).scalars
        }
        #expect(q.rows[1].cells[2].image!.pixels == pixels)
    }

    @Test("text cells are greedy decodings with token ids, spelled with the vocabulary")
    func textTraversal() throws {
        let model = tinyTextVAE()
        let vocabulary = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"] + (0..<8).map { "w\($0)" }
        let traversal = LatentTraversal(values: .explicit([-2, 0, 2]), decoding: LatentDecoding(vocabulary: vocabulary))
        let sentence = [4, 6, 5, 9]
        let result = try traversal.run(on: model, from: .posteriorMean(sentence))
        let mu = withoutGradients { model.encode(tokenIDs: [sentence]).mu.scalars }
        #expect(result.baseZ == mu)
        #expect(result.decoding?.strategy == "greedy")
        for row in result.rows {
            for (v, cell) in zip(row.values, row.cells) {
                var z = mu
                z[row.dimension] = Float(v)
                let ids = model.greedyDecode(z: Tensor(shape: [1, 3], scalars: z))[0]
                let text = try #require(cell.text)
                #expect(text.tokenIDs == ids)
                #expect(text.text == ids.map { vocabulary[$0] }.joined(separator: " "))
            }
        }
        let doc = TraversalDocument(result)
        let data = try doc.prettyJSON()
        #expect(try TraversalDocument.decode(data) == doc)
        let json = String(decoding: data, as: UTF8.self)
        for key in ["\"schema\" : \"loupe.traversal.v1\"", "\"base_z\"", "\"token_ids\"", "\"dimensions\"", "\"value_unit\" : \"latent\""] {
            #expect(json.contains(key), "missing \(key)")
        }
        #expect(doc.cells.count == 3 && doc.cells.allSatisfy { $0.count == 3 })
    }

    @Test("image traversal JSON holds width, height and pixels")
    func imageDocument() throws {
        let model = tinyImageVAE()
        let result = try LatentTraversal(dimensions: .indices([2]), values: .explicit([1])).run(on: model, from: .zero)
        let doc = TraversalDocument(result)
        #expect(doc.cells[0][0].width == 4 && doc.cells[0][0].height == 3 && doc.cells[0][0].pixels?.count == 12)
        #expect(doc.cells[0][0].cell == result.rows[0].cells[0])
        #expect(try TraversalDocument.decode(try doc.prettyJSON()) == doc)
    }

    @Test("beam width 1 is greedy decoding")
    func beamOneIsGreedy() {
        let model = tinyTextVAE()
        var rng = RandomGenerator(seed: 4)
        let z = Tensor.randomNormal([12, 3], standardDeviation: 2, using: &rng)
        #expect(model.beamSearchDecode(z: z, beamWidth: 1) == model.greedyDecode(z: z))
    }

    @Test("a beam as wide as the search space finds the most likely sentence")
    func beamIsExhaustive() throws {
        let model = tinyTextVAE(words: 2, seed: 8)               // vocabulary of 6
        let v = model.config.vocabularySize
        let maxLength = 2
        var rng = RandomGenerator(seed: 2)
        let z = Tensor.randomNormal([3, 3], standardDeviation: 1.5, using: &rng)
        let beams = model.beamSearchDecode(z: z, beamWidth: v * v, maxLength: maxLength)
        for b in 0..<3 {
            let zb = z.sliced(alongAxis: 0, b..<(b + 1))
            // Every sentence of at most `maxLength` tokens: those of length < maxLength end with [EOS].
            let tokens = (0..<v).filter { $0 != model.config.eosID }
            var candidates: [[Int]] = [[]] + tokens.map { [$0] }
            for a in tokens { for c in tokens { candidates.append([a, c]) } }
            func score(_ s: [Int]) -> Double {
                let logits = withoutGradients { model.teacherForcedLogits(z: zb, tokenIDs: [s]).logSoftmax(alongAxis: -1) }
                let targets = s.count < maxLength ? s + [model.config.eosID] : s
                return targets.enumerated().reduce(0.0) { $0 + Double(logits[0, $1.offset, $1.element]) }
            }
            let best = candidates.max { score($0) < score($1) }!
            #expect(Swift.abs(score(beams[b]) - score(best)) < 1e-5, "beam \(beams[b]) vs best \(best)")
        }
    }

    @Test("interpolation runs straight between the two posterior means")
    func interpolation() throws {
        let model = tinyImageVAE()
        let images = randomImages(2, pixels: model.pixelCount, seed: 21)
        let result = try LatentInterpolation(steps: 5).run(on: model, from: images[0], to: images[1])
        let means = try model.posteriorRows(of: images).mu
        #expect(result.alphas == [0, 0.25, 0.5, 0.75, 1])
        #expect(result.latents.first == means[0] && result.latents.last == means[1])
        for d in 0..<5 {
            #expect(Swift.abs(result.latents[2][d] - (means[0][d] + means[1][d]) / 2) < 1e-6)
        }
        let decoded = withoutGradients { model.decode(Tensor(shape: [1, 5], scalars: means[1])).scalars }
        #expect(result.cells.last?.image?.pixels == decoded)
        #expect(try InterpolationResult.decode(try result.prettyJSON()) == result)

        let text = tinyTextVAE()
        let sentences = try LatentInterpolation(steps: 3).run(on: text, from: [4, 5], to: [6, 7, 8])
        #expect(sentences.cells.count == 3 && sentences.cells.allSatisfy { $0.text != nil })
        #expect(sentences.decoding?.strategy == "greedy")
        #expect(try InterpolationResult.decode(Data(try sentences.jsonLine().utf8)) == sentences)
    }

    @Test("bad settings throw")
    func errors() {
        let model = tinyImageVAE()
        #expect(throws: AttributionError.self) { try LatentTraversal(dimensions: .indices([5])).run(on: model, from: .zero) }
        #expect(throws: AttributionError.self) { try LatentTraversal().run(on: model, from: .vector([1, 2])) }
        #expect(throws: AttributionError.self) { try LatentTraversal(values: .dataQuantiles([0.5])).run(on: model, from: .zero) }
        #expect(throws: AttributionError.self) { try LatentTraversal(values: .explicit([])).run(on: model, from: .zero) }
        #expect(throws: AttributionError.self) { try LatentInterpolation(steps: 1).run(on: model, fromCode: [0, 0, 0, 0, 0], toCode: [1, 1, 1, 1, 1]) }
    }
}
