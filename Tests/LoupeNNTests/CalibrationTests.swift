import Foundation
import LoupeNN
import Testing

/// Temperature scaling and the calibration report (ECE, mean confidence, confident predictions).
@Suite struct CalibrationTests {
    /// Logits drawn so that the true temperature is known: labels sampled from softmax(z / 2.5)
    /// while the model reports z.
    static func overconfident(count: Int, temperature: Double) -> (logits: [[Double]], labels: [Int]) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        var logits: [[Double]] = [], labels: [Int] = []
        for _ in 0..<count {
            let margin = (uniform() - 0.5) * 16
            let row = [0, margin]
            let p1 = TemperatureScaling.probabilities(row, temperature: temperature)[1]
            logits.append(row)
            labels.append(uniform() < p1 ? 1 : 0)
        }
        return (logits, labels)
    }

    @Test(arguments: [0.5, 1.0, 2.5])
    func fitRecoversTheTemperatureOfTheLabels(_ truth: Double) {
        let (logits, labels) = Self.overconfident(count: 20_000, temperature: truth)
        let fitted = TemperatureScaling.fit(logits: logits, labels: labels)
        #expect(abs(fitted / truth - 1) < 0.08, "fitted \(fitted) for \(truth)")
        // The fitted temperature is a minimum of the NLL.
        let best = TemperatureScaling.meanNLL(logits: logits, labels: labels, temperature: fitted)
        for factor in [0.8, 1.25] {
            #expect(best <= TemperatureScaling.meanNLL(logits: logits, labels: labels, temperature: fitted * factor))
        }
    }

    @Test func scalingLowersTheCalibrationErrorOfAnOverconfidentModel() {
        let (logits, labels) = Self.overconfident(count: 20_000, temperature: 2.5)
        let raw = CalibrationReport(probabilities: logits.map { TemperatureScaling.probabilities($0) }, labels: labels)
        let t = TemperatureScaling.fit(logits: logits, labels: labels)
        let scaled = CalibrationReport(probabilities: logits.map { TemperatureScaling.probabilities($0, temperature: t) },
                                       labels: labels)
        #expect(raw.expectedCalibrationError > 0.05)
        #expect(scaled.expectedCalibrationError < 0.02)
        #expect(scaled.accuracy == raw.accuracy, "a temperature never changes the prediction")
        #expect(scaled.meanConfidence < raw.meanConfidence)
    }

    @Test func reportCountsBinsByHand() {
        // Two bins used: (0.6, 0.667] holds 0.62 (right) and 0.65 (wrong); (0.933, 1] holds 0.995 (right).
        let probabilities = [[0.38, 0.62], [0.65, 0.35], [0.005, 0.995]]
        let report = CalibrationReport(probabilities: probabilities, labels: [1, 1, 1], binCount: 15)
        #expect(abs(report.accuracy - 2.0 / 3) < 1e-12)
        #expect(abs(report.meanConfidence - (0.62 + 0.65 + 0.995) / 3) < 1e-12)
        let expected = abs(1 - (0.62 + 0.65)) / 3 + abs(1 - 0.995) / 3
        #expect(abs(report.expectedCalibrationError - expected) < 1e-12)
        #expect(abs(report.confidentFraction - 1.0 / 3) < 1e-12)
        #expect(report.confidentAccuracy == 1)
    }

    @Test func aPerfectlyCalibratedCoinHasNoError() {
        let report = CalibrationReport(probabilities: [[0.5, 0.5], [0.5, 0.5]], labels: [0, 1])
        #expect(report.expectedCalibrationError == 0)
        #expect(report.confidentAccuracy == nil)
    }
}
