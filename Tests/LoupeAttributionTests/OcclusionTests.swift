import LoupeAttribution
import LoupeNN
import LoupeTensor
import Testing

@Suite("Occlusion and leave-one-out")
struct OcclusionTests {
    @Test("leave-one-out by hand: F(x) − F(x with token i → [PAD])", arguments: TinyModel.allCases, AttributionOutput.allCases)
    func leaveOneOut(kind: TinyModel, output: AttributionOutput) throws {
        let model = kind.make()
        for ids in sentences {
            let results = try LeaveOneOut().attribute(ids, targets: [0, 1, 2], model: model, output: output)
            let full = outputs(model, ids, output)
            for a in results {
                #expect(a.method == "leave-one-out")
                let expected = ids.indices.map { i -> Double in
                    var occluded = ids
                    occluded[i] = model.paddingID
                    return full[a.target.index] - outputs(model, occluded, output)[a.target.index]
                }
                #expect(maxDifference(a.scores, expected) < 1e-6)
            }
        }
    }

    @Test("a window of two averages the drops of the windows covering each token")
    func windowOfTwo() throws {
        let model = BagOfEmbeddingsClassifier()
        let ids = sentences[0]
        let a = try Occlusion(window: 2).attribute(ids, targets: [1], model: model)[0]
        let full = outputs(model, ids)[1]
        let drops = (0..<(ids.count - 1)).map { s -> Double in
            var occluded = ids
            occluded[s] = 0
            occluded[s + 1] = 0
            return full - outputs(model, occluded)[1]
        }
        let expected = ids.indices.map { i -> Double in
            let covering = drops.indices.filter { $0 == i || $0 + 1 == i }
            return covering.reduce(0.0) { $0 + drops[$1] } / Double(covering.count)
        }
        #expect(maxDifference(a.scores, expected) < 1e-6)
    }

    @Test("a stride skips window starts; the last window still ends at the last token", arguments: [2, 3, 10])
    func stride(_ stride: Int) throws {
        let model = BagOfEmbeddingsClassifier()
        let ids = sentences[2]                                   // 7 tokens
        let window = 2
        let a = try Occlusion(window: window, stride: stride).attribute(ids, targets: [1], model: model)[0]
        #expect(a.parameters["stride"] == .int(stride))
        let full = outputs(model, ids)[1]
        let last = ids.count - window
        var starts = Array(Swift.stride(from: 0, through: last, by: stride))
        if starts.last != last { starts.append(last) }
        let drops = starts.map { s -> Double in
            var occluded = ids
            for i in s..<(s + window) { occluded[i] = 0 }
            return full - outputs(model, occluded)[1]
        }
        let expected = ids.indices.map { i -> Double in
            let covering = starts.indices.filter { starts[$0] <= i && i < starts[$0] + window }
            return covering.reduce(0.0) { $0 + drops[$1] } / Double(covering.count)
        }
        #expect(maxDifference(a.scores, expected) < 1e-6)
        #expect(throws: AttributionError.self) { try Occlusion(window: 1, stride: 0).attribute(ids, targets: [1], model: model) }
    }
}
