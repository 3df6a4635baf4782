extension ClassifierTrainingState: TrainingRunState {
    /// The best epoch by dev accuracy and the early-stopping count, as ``TrainingLoop`` keeps them.
    public var earlyStopping: EarlyStoppingProgress {
        get {
            EarlyStoppingProgress(bestEpoch: bestEpoch, bestScore: bestDevAccuracy,
                                  epochsWithoutImprovement: epochsWithoutImprovement, stoppedEarly: stoppedEarly)
        }
        set {
            bestEpoch = newValue.bestEpoch
            bestDevAccuracy = newValue.bestScore
            epochsWithoutImprovement = newValue.epochsWithoutImprovement
            stoppedEarly = newValue.stoppedEarly
        }
    }
}

extension ClassifierEpochRecord: TrainingEpochRecord {
    /// ``loss``.
    public var trainingLoss: Double { loss }
}
