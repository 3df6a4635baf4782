extension VAETrainingState: TrainingRunState {}

extension VAEEpochRecord: TrainingEpochRecord {
    /// ``negativeELBO``.
    public var trainingLoss: Double { negativeELBO }
}
