import Foundation

/// Temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural Networks"): one scalar
/// `T > 0` divides a trained classifier's logits so that the softmax probabilities match how often
/// the model is right. `T` minimises the negative log-likelihood of held-out labels; the argmax,
/// and so the accuracy, does not change.
public enum TemperatureScaling {
    /// The temperature minimising the mean NLL of `labels` under `softmax(logits / T)`, found by
    /// golden-section search of `log T` in `[log 0.05, log 20]` (the NLL is convex in `1/T`).
    /// - Parameter weights: a weight per example (e.g. to give two languages of unequal size an equal
    ///   say), or nil for equal weights.
    /// - Precondition: as many logit rows as labels (and weights), each label a valid class index.
    public static func fit(logits: [[Double]], labels: [Int], weights: [Double]? = nil) -> Double {
        precondition(logits.count == labels.count && !labels.isEmpty, "one logit row per label, at least one")
        precondition(weights.map { $0.count == labels.count } ?? true, "one weight per label")
        func loss(_ logT: Double) -> Double {
            meanNLL(logits: logits, labels: labels, temperature: exp(logT), weights: weights)
        }
        var low = log(0.05), high = log(20.0)
        let ratio = (sqrt(5.0) - 1) / 2
        var a = high - ratio * (high - low), b = low + ratio * (high - low)
        var fa = loss(a), fb = loss(b)
        for _ in 0..<80 {
            if fa < fb { high = b; b = a; fb = fa; a = high - ratio * (high - low); fa = loss(a) }
            else { low = a; a = b; fa = fb; b = low + ratio * (high - low); fb = loss(b) }
        }
        return exp((low + high) / 2)
    }

    /// (Weighted) mean negative log-likelihood of `labels` under `softmax(logits / temperature)`.
    public static func meanNLL(logits: [[Double]], labels: [Int], temperature: Double, weights: [Double]? = nil) -> Double {
        var total = 0.0, weightSum = 0.0
        for (i, (row, label)) in zip(logits, labels).enumerated() {
            let scaled = row.map { $0 / temperature }
            let top = scaled.max() ?? 0
            let logSum = top + log(scaled.reduce(0) { $0 + exp($1 - top) })
            let w = weights?[i] ?? 1
            total += w * (logSum - scaled[label])
            weightSum += w
        }
        return total / max(weightSum, .leastNonzeroMagnitude)
    }

    /// `softmax(row / temperature)`.
    public static func probabilities(_ row: [Double], temperature: Double = 1) -> [Double] {
        let scaled = row.map { $0 / temperature }
        let top = scaled.max() ?? 0
        let exps = scaled.map { exp($0 - top) }
        let sum = exps.reduce(0, +)
        return exps.map { $0 / sum }
    }
}

/// How well a classifier's confidence matches its accuracy on labelled data.
public struct CalibrationReport: Equatable, Sendable, Codable {
    /// Fraction of predictions that are right.
    public var accuracy: Double
    /// Mean probability of the predicted class.
    public var meanConfidence: Double
    /// Expected calibration error (Naeini et al. 2015; Guo et al. 2017): predictions binned by
    /// confidence into `binCount` equal-width bins of `[0, 1]`, the count-weighted mean of
    /// |accuracy − mean confidence| over the bins.
    public var expectedCalibrationError: Double
    /// Fraction of predictions made with p ≥ 0.99, and the accuracy among them (nil when none).
    public var confidentFraction: Double
    public var confidentAccuracy: Double?
    public var binCount: Int
    public var count: Int

    /// The report of `probabilities` (one row per example) against `labels`.
    public init(probabilities: [[Double]], labels: [Int], binCount: Int = 15) {
        precondition(probabilities.count == labels.count && binCount > 0, "one probability row per label")
        var binCorrect = [Double](repeating: 0, count: binCount)
        var binConfidence = [Double](repeating: 0, count: binCount)
        var binSize = [Int](repeating: 0, count: binCount)
        var correct = 0, confident = 0, confidentCorrect = 0
        var confidenceSum = 0.0
        for (row, label) in zip(probabilities, labels) {
            let predicted = row.indices.max { row[$0] < row[$1] } ?? 0
            let confidence = row[predicted]
            let right = predicted == label
            if right { correct += 1 }
            if confidence >= 0.99 { confident += 1; if right { confidentCorrect += 1 } }
            confidenceSum += confidence
            // Bin b holds confidences in (b/n, (b+1)/n]; 0 goes to the first bin.
            let bin = min(binCount - 1, max(0, Int((confidence * Double(binCount)).rounded(.up)) - 1))
            binSize[bin] += 1
            binConfidence[bin] += confidence
            if right { binCorrect[bin] += 1 }
        }
        let n = Double(max(1, labels.count))
        var ece = 0.0
        for b in 0..<binCount where binSize[b] > 0 {
            ece += abs(binCorrect[b] - binConfidence[b]) / n
        }
        self.accuracy = Double(correct) / n
        self.meanConfidence = confidenceSum / n
        self.expectedCalibrationError = ece
        self.confidentFraction = Double(confident) / n
        self.confidentAccuracy = confident > 0 ? Double(confidentCorrect) / Double(confident) : nil
        self.binCount = binCount
        self.count = labels.count
    }
}
