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

    /// Ends the model in a ``ScriptTemperature`` layer: its logits are divided by the temperature
    /// of each text's script for good (the layer is saved with the model). Use it after
    /// ``foldTemperature(_:)`` or instead of it; temperatures are relative to the current logits.
    /// - Throws: ``CheckpointError`` when the classifier is not one Loupe can end in the layer, or
    ///   a temperature is not positive.
    public func setScriptTemperatures(_ temperatures: [TokenScript: Double]) throws {
        guard temperatures.values.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw CheckpointError(.invalidArgument, file: "model", "temperatures must be positive, got \(temperatures)")
        }
        let layer = ScriptTemperature(tokens: encoder.vocabulary.tokens, temperatures: temperatures)
        if let bag = classifier as? BagOfEmbeddingsClassifier {
            bag.setScriptTemperature(layer)
            modelConfig = try bag.config.checkpointConfig()
        } else if let transformer = classifier as? TransformerClassifier {
            transformer.setScriptTemperature(layer)
            modelConfig = try transformer.config.checkpointConfig()
        } else { throw CheckpointError(.invalidArgument, file: "model", "no classifier Loupe can give temperatures by script") }
    }
}
