import Foundation

extension ClassifierEvaluation {
    /// Figures already counted.
    init(labels: [String], confusion: [[Int]], loss: Double, predictions: [Int]) {
        self.labels = labels
        self.confusion = confusion
        self.loss = loss
        self.predictions = predictions
    }

    /// The figures of a ``ClassifierEvaluation`` gathered one example at a time, for a stream of
    /// unknown length: memory is the confusion table, whatever the number of examples.
    ///
    /// ```swift
    /// var figures = try ClassifierEvaluation.Accumulator(labels: classifier.labels)
    /// for (logits, label) in stream { try figures.add(logits: logits, label: label) }
    /// print(figures.evaluation.accuracy)
    /// ```
    public struct Accumulator: Sendable {
        /// Label names, index = class id.
        public let labels: [String]
        private var confusion: [[Int]]
        private var lossSum = 0.0
        /// Examples added.
        public private(set) var count = 0

        /// An empty accumulator for these classes.
        /// - Throws: ``ModelInputError`` when `labels` is empty.
        public init(labels: [String]) throws {
            guard !labels.isEmpty else { throw ModelInputError.invalidArgument("labels", "the label list is empty") }
            self.labels = labels
            confusion = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
        }

        /// Adds one example: its logits (one per class) and its true class. Returns the predicted
        /// class (the first largest logit, as ``ClassifierEvaluation`` picks).
        /// - Throws: ``ModelInputError`` when the logits are not one per class or not finite, or the
        ///   label is outside `0..<labels.count`.
        @discardableResult
        public mutating func add(logits: [Float], label: Int) throws -> Int {
            guard logits.count == labels.count else {
                throw ModelInputError.invalidArgument("logits", "\(logits.count) logits for \(labels.count) classes")
            }
            guard labels.indices.contains(label) else {
                throw ModelInputError.invalidArgument("label", "label \(label) is outside 0..<\(labels.count)")
            }
            guard logits.allSatisfy(\.isFinite) else { throw ModelInputError.invalidArgument("logits", "a logit is not finite") }
            var best = 0
            for j in logits.indices where logits[j] > logits[best] { best = j }
            let largest = Double(logits[best])
            let logSum = largest + Foundation.log(logits.reduce(0.0) { $0 + Foundation.exp(Double($1) - largest) })
            lossSum += logSum - Double(logits[label])
            confusion[label][best] += 1
            count += 1
            return best
        }

        /// The figures so far (``ClassifierEvaluation/predictions`` stays empty: a stream keeps
        /// no per-example list).
        public var evaluation: ClassifierEvaluation {
            ClassifierEvaluation(labels: labels, confusion: confusion, loss: count > 0 ? lossSum / Double(count) : 0,
                                 predictions: [])
        }
    }
}
