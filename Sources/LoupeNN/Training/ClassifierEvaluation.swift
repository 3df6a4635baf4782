import LoupeTensor

/// Accuracy, loss and confusion counts of a classifier over a labelled data set.
public struct ClassifierEvaluation: Equatable, Sendable {
    /// Label names, index = class id.
    public var labels: [String]
    /// `confusion[true][predicted]`: how many examples of class `true` were predicted as `predicted`.
    public var confusion: [[Int]]
    /// Mean cross-entropy.
    public var loss: Double
    /// The predicted class of each example, in data-set order.
    public var predictions: [Int]

    /// Number of examples.
    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Correctly classified examples.
    public var correct: Int { confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }
    /// `correct / count` (0 for no examples).
    public var accuracy: Double { count > 0 ? Double(correct) / Double(count) : 0 }

    /// Recall of each class: `confusion[c][c] / Σ confusion[c]` (0 for a class without examples).
    public var recall: [Double] {
        confusion.indices.map { c in
            let n = confusion[c].reduce(0, +)
            return n > 0 ? Double(confusion[c][c]) / Double(n) : 0
        }
    }

    /// Precision of each class: `confusion[c][c] / Σ_t confusion[t][c]` (0 when never predicted).
    public var precision: [Double] {
        confusion.indices.map { c in
            let n = confusion.reduce(0) { $0 + $1[c] }
            return n > 0 ? Double(confusion[c][c]) / Double(n) : 0
        }
    }

    /// Evaluates `classifier` on `dataSet` (no gradients, dropout as currently set on the model).
    ///
    /// Texts are encoded with `encoder` (truncated to its `maximumLength`); a text that encodes to
    /// no tokens is fed as a single [UNK]. The data set's labels must be the classifier's classes by
    /// index (`dataSet.labelNames.count == classifier.classCount`).
    /// - Throws: ``ModelInputError`` as ``init(classifier:encodedTexts:labels:batchSize:)``.
    public init(classifier: TextClassifier, encoder: TextEncoder, dataSet: TextDataSet, batchSize: Int = 128) throws {
        let ids = dataSet.examples.map { ClassifierBatching.encode($0.text, encoder: encoder) }
        try self.init(classifier: classifier, encodedTexts: ids, labels: dataSet.labels, batchSize: batchSize)
    }

    /// Evaluates already-encoded texts (each non-empty) with integer labels.
    /// - Throws: ``ModelInputError`` for a label count that differs from the text count, a label
    ///   outside the classifier's classes, a batch size below 1, or a text the model cannot take
    ///   (empty, an id outside the vocabulary, longer than the model allows).
    public init(classifier: TextClassifier, encodedTexts: [[Int]], labels targets: [Int], batchSize: Int = 128) throws {
        guard encodedTexts.count == targets.count else {
            throw ModelInputError.invalidArgument("labels", "\(targets.count) labels for \(encodedTexts.count) texts")
        }
        guard batchSize > 0 else { throw ModelInputError.invalidArgument("batchSize", "must be at least 1, got \(batchSize)") }
        let classes = classifier.classCount
        if let bad = targets.firstIndex(where: { $0 < 0 || $0 >= classes }) {
            throw ModelInputError.invalidArgument("labels", "label \(targets[bad]) of text \(bad) is outside 0..<\(classes)")
        }
        if !encodedTexts.isEmpty { try classifier.validate(tokenIDs: encodedTexts) }
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var predictions = [Int](repeating: 0, count: targets.count)
        var lossSum = 0.0
        // Sort by length so batches carry little padding; results are written back in order.
        let order = encodedTexts.indices.sorted { (encodedTexts[$0].count, $0) < (encodedTexts[$1].count, $1) }
        withoutGradients {
            var start = 0
            while start < order.count {
                let chunk = Array(order[start..<Swift.min(start + batchSize, order.count)])
                start += batchSize
                let logits = classifier.logits(tokenIDs: chunk.map { encodedTexts[$0] })
                let chunkTargets = chunk.map { targets[$0] }
                lossSum += Double(crossEntropy(logits: logits, targets: chunkTargets, reduction: .sum).scalar)
                for (i, predicted) in logits.argmax().enumerated() {
                    predictions[chunk[i]] = predicted
                    confusion[chunkTargets[i]][predicted] += 1
                }
            }
        }
        self.labels = classifier.labels
        self.confusion = confusion
        self.loss = targets.isEmpty ? 0 : lossSum / Double(targets.count)
        self.predictions = predictions
    }

    /// A small text table of the confusion counts (rows: true class, columns: predicted).
    public var confusionTable: String {
        let width = Swift.max(8, labels.map(\.count).max() ?? 0)
        func pad(_ s: String) -> String { String(repeating: " ", count: Swift.max(0, width - s.count)) + s }
        var lines = [pad("true\\pred") + labels.map { " " + pad($0) }.joined()]
        for (i, row) in confusion.enumerated() {
            lines.append(pad(labels[i]) + row.map { " " + pad(String($0)) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
