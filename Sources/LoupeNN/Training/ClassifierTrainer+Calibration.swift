import LoupeTensor

extension ClassifierTrainer {
    /// The logits `[classes]` of every example of `dataSet` under the current model (dropout off),
    /// in data-set order.
    public func logits(of dataSet: TextDataSet) -> [[Double]] {
        setTraining(false, epoch: 0)
        let ids = dataSet.examples.map { ClassifierBatching.encode($0.text, encoder: encoder) }
        let order = ids.indices.sorted { (ids[$0].count, $0) < (ids[$1].count, $1) }
        var rows = [[Double]](repeating: [], count: ids.count)
        let batch = options.evaluationBatchSize
        withoutGradients {
            for start in stride(from: 0, to: order.count, by: batch) {
                let chunk = Array(order[start..<Swift.min(start + batch, order.count)])
                let logits = classifier.logits(tokenIDs: chunk.map { ids[$0] })
                let classes = logits.shape[1]
                let values = logits.scalars
                for (i, index) in chunk.enumerated() {
                    rows[index] = (0..<classes).map { Double(values[i * classes + $0]) }
                }
            }
        }
        return rows
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
