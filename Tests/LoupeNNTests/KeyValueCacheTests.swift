import LoupeNN
import LoupeTensor
import LoupeTestSupport
import Testing

/// `KeyValueCache`: appends equal concatenation along the position axis (batch 1 grown in
/// place, larger batches concatenated), tensors returned earlier keep their values after later
/// appends, and on the tape the returned keys carry the new rows' gradient.
@Suite struct KeyValueCacheTests {
    @Test(arguments: [1, 2])
    func appendsEqualConcatenation(batch: Int) {
        let cache = KeyValueCache(layerCount: 2)
        var expectedKeys: Tensor? = nil, expectedValues: Tensor? = nil
        var held: [(Tensor, [Float])] = []
        for (step, n) in [5, 1, 1, 3, 1].enumerated() {
            let key = testTensor([batch, n, 6], seed: UInt64(10 + step)), value = testTensor([batch, n, 6], seed: UInt64(40 + step))
            expectedKeys = expectedKeys.map { Tensor.concatenate([$0, key], alongAxis: 1) } ?? key
            expectedValues = expectedValues.map { Tensor.concatenate([$0, value], alongAxis: 1) } ?? value
            let (k, v) = cache.append(layer: 1, key: key, value: value)
            cache.advance(by: n)
            #expect(k.shape == expectedKeys!.shape && k.scalars == expectedKeys!.scalars, "step \(step)")
            #expect(v.shape == expectedValues!.shape && v.scalars == expectedValues!.scalars, "step \(step)")
            #expect(cache.keys[1]?.scalars == expectedKeys!.scalars && cache.keys[0] == nil)
            held.append((k, k.scalars))
        }
        #expect(cache.length == 11)
        for (i, (tensor, copy)) in held.enumerated() { #expect(tensor.scalars == copy, "keys returned at step \(i) changed") }
        cache.reset()
        #expect(cache.length == 0 && cache.keys.allSatisfy { $0 == nil } && cache.values.allSatisfy { $0 == nil })
    }

    @Test func onTheTapeTheNewRowsCarryTheirGradient() throws {
        let cache = KeyValueCache(layerCount: 1)
        _ = cache.append(layer: 0, key: testTensor([1, 2, 3], seed: 1), value: testTensor([1, 2, 3], seed: 2))
        let key = testTensor([1, 1, 3], seed: 3).requiringGradient(), value = testTensor([1, 1, 3], seed: 4).requiringGradient()
        let (k, v) = cache.append(layer: 0, key: key, value: value)
        #expect(k.shape == [1, 3, 3] && k.requiresGradient && v.requiresGradient)
        let g = try gradients(of: (k * k).sum() + v.sum(), withRespectTo: [key, value])
        expectClose(g[0].scalars, key.scalars.map { 2 * $0 })
        expectClose(g[1].scalars, [1, 1, 1])
        #expect(cache.keys[0]?.requiresGradient == false, "the cache itself holds constants")
    }
}
