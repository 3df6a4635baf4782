import Foundation
import Loupe
import Testing

@Suite("Progress reporter")
struct ProgressReporterTests {
    /// What a reporter of `style` writes for one two-step epoch and a message.
    static func output(_ style: ProgressReporter.Style) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("loupe-progress-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        let reporter = ProgressReporter(style: style, fileDescriptor: descriptor)
        let observer: any TrainingObserver = reporter
        observer.observe(.message("resuming after epoch 1 (step 2)"))
        observer.observe(.epochBegan(TrainingEpochStart(epoch: 2, epochs: 3, steps: 2)))
        for step in 1...2 {
            observer.observe(.stepFinished(TrainingStepReport(epoch: 2, epochs: 3, step: step, steps: 2,
                                                              globalStep: 2 + step, loss: 0.5, learningRate: 0.1,
                                                              processed: 10 * step, unit: "tok")))
        }
        observer.observe(.epochEnded(TrainingEpochSummary(epoch: 2, epochs: 3, loss: 0.5, score: nil, isBest: true,
                                                          stopsEarly: false, seconds: 0.1, line: "epoch 2/3  done")))
        close(descriptor)
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func linesStyleWritesStepsAndTheSummary() throws {
        let lines = try Self.output(.lines).split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(lines)")
        #expect(lines.first == "resuming after epoch 1 (step 2)")
        #expect(lines[1].hasPrefix("epoch 2/3 step 1/2 loss 0.5000") && lines[2].hasPrefix("epoch 2/3 step 2/2"))
        #expect(lines.last == "epoch 2/3  done")
    }

    @Test func quietWritesNothing() throws {
        #expect(try Self.output(.quiet).isEmpty)
    }
}
