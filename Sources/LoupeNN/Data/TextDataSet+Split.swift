import LoupeTensor

extension TextDataSet {
    /// The same examples in a seeded random order (deterministic across runs and platforms).
    public func shuffled(seed: UInt64) -> TextDataSet {
        subset(seededPermutation(count: count, seed: seed))
    }

    /// A seeded train / held-out split.
    ///
    /// With `stratified` (the default) each label contributes `round(n_label × heldOutFraction)` of its
    /// examples to the held-out part, so both parts keep the label balance; otherwise the whole set is
    /// shuffled and the first `round(count × heldOutFraction)` examples are held out. Both parts are in
    /// shuffled order. The same seed always gives the same split.
    /// - Parameter heldOutFraction: in `0...1`, e.g. 0.2 for a 80 / 20 split.
    public func split(heldOutFraction: Double, seed: UInt64, stratified: Bool = true)
        -> (train: TextDataSet, heldOut: TextDataSet) {
        precondition((0...1).contains(heldOutFraction), "heldOutFraction \(heldOutFraction) is not in 0...1")
        var generator = RandomGenerator(seed: seed)
        let order = seededPermutation(count: count, using: &generator)
        var train: [Int] = []
        var heldOut: [Int] = []
        if stratified {
            var byLabel = [[Int]](repeating: [], count: labelNames.count)
            for index in order { byLabel[examples[index].label].append(index) }
            for group in byLabel {
                let take = Int((Double(group.count) * heldOutFraction).rounded())
                heldOut += group.prefix(take)
                train += group.dropFirst(take)
            }
            // Interleave labels again so neither part is sorted by label.
            train = seededPermutation(count: train.count, using: &generator).map { train[$0] }
            heldOut = seededPermutation(count: heldOut.count, using: &generator).map { heldOut[$0] }
        } else {
            let take = Int((Double(count) * heldOutFraction).rounded())
            heldOut = Array(order.prefix(take))
            train = Array(order.dropFirst(take))
        }
        return (subset(train), subset(heldOut))
    }
}
