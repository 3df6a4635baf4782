import LoupeTensor

extension ClassifierTrainer {
    /// The logits `[classes]` of every example of `dataSet` under the current model (dropout off),
    /// in data-set order.
    public func logits(of dataSet: TextDataSet) -> [[Double]] {
        setTraining(false, epoch: 0)
        let ids = dataSet.examples.map { ClassifierBatching.encode($0.text, encoder: encoder) }
        return classifier.logitRows(tokenIDs: ids, batchSize: options.evaluationBatchSize).map { $0.map(Double.init) }
    }

    /// Divides the model's logits by `temperature` for good, by scaling its output layer (weights
    /// and bias): the saved model then gives the calibrated probabilities (``TemperatureScaling``).
    /// - Throws: ``CheckpointError`` when the classifier has no final `output` layer Loupe knows.
    public func foldTemperature(_ temperature: Double) throws {
        let output: Linear
        if let bag = classifier as? BagOfEmbeddingsClassifier { output = bag.output }
        else if let transformer = classifier as? TransformerClassifier { output = transformer.output }
        else { throw CheckpointError(.invalidArgument, file: "model", "no output layer to scale by a temperature") }
        let scale = Float(1 / temperature)
        output.weight.value = output.weight.value * scale
        if let bias = output.bias { bias.value = bias.value * scale }
    }
}
