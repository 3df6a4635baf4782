import LoupeNN

extension ProgressReporter: TrainingObserver {
    /// Draws `event`: the bar or step lines during an epoch, the epoch's summary line after it,
    /// and messages as lines.
    public func observe(_ event: TrainingEvent) {
        switch event {
        case .epochBegan(let start):
            beginEpoch(start.epoch, of: start.epochs)
        case .stepFinished(let s):
            step(epoch: s.epoch, epochs: s.epochs, step: s.step, steps: s.steps, loss: s.loss,
                 examplesDone: s.processed, unit: s.unit)
        case .epochEnded(let summary):
            endEpoch(summary.line)
        case .message(let text):
            message(text)
        }
    }
}
