import Foundation
import LoupeNN
import LoupeTensor
import LoupeTokenizers

/// Fine-tunes every weight of a BERT-family ``HFEncoderClassifier`` on labelled texts (Devlin et
/// al., "BERT", 2019): cross-entropy on the head's logits, AdamW (Loshchilov & Hutter, 2019) with
/// weight decay on weight matrices and embeddings only, a linear warm-up then linear decay of the
/// learning rate, gradient-norm clipping, length-bucketed batches in a seeded order, dev accuracy
/// after every epoch, and the best dev epoch's weights kept at the end.
///
/// ```swift
/// let encoder = try HFEncoder.load(folder: minilm)
/// let model = try HFEncoderClassifier.withFreshHead(on: encoder, labels: ["negative", "positive"], seed: 0)
/// let tuner = EncoderFineTuner(model: model, options: EncoderFineTuningOptions())
/// let tokenizer = try TokenizerLoader.load(folder: minilm)
/// let result = try tuner.train(ids: tuner.encode(texts, tokenizer: tokenizer), labels: labels)
/// try model.saveHuggingFace(to: out, baseConfig: minilm.appendingPathComponent("config.json"), tokenizerFolder: minilm)
/// ```
///
/// Differences from transformers' `Trainer` (stated in docs/training.md): no dropout (the encoder
/// runs as in evaluation mode), and embedding rows get AdamW's lazy row-sparse update (rows absent
/// from a batch are neither decayed nor moved).
public final class EncoderFineTuner {
    public let model: HFEncoderClassifier
    public let options: EncoderFineTuningOptions
    public private(set) var state = EncoderFineTuningState()
    let optimizer: ParameterGroupOptimizer

    public init(model: HFEncoderClassifier, options: EncoderFineTuningOptions) {
        precondition(options.batchSize > 0 && options.epochs > 0, "batch size and epochs must be positive")
        self.model = model
        self.options = options
        let parameters = model.parameters
        let decayed = parameters.filter { !Self.isExemptFromDecay($0.name) }
        let exempt = parameters.filter { Self.isExemptFromDecay($0.name) }
        optimizer = ParameterGroupOptimizer([
            AdamW(parameters: decayed, learningRate: options.learningRate, weightDecay: options.weightDecay),
            AdamW(parameters: exempt, learningRate: options.learningRate, weightDecay: 0),
        ])
    }

    /// Biases and LayerNorm parameters are not decayed.
    static func isExemptFromDecay(_ name: String) -> Bool {
        name.hasSuffix(".bias") || name.contains("LayerNorm") || name.contains("layer_norm")
    }

    /// The ids of `texts` with the tokenizer's special tokens (`[CLS] … [SEP]`), cut to
    /// ``EncoderFineTuningOptions/maxLength``: the first tokens and the closing special token stay.
    public func encode(_ texts: [String], tokenizer: PretrainedTokenizer) -> [[Int]] {
        texts.map { text in
            let tokens = tokenizer.encode(text, addSpecialTokens: true)
            var ids = tokens.map(\.id)
            if ids.count > options.maxLength {
                let closing = tokens.last.map { $0.isSpecial ? [$0.id] : [] } ?? []
                ids = Array(ids.prefix(options.maxLength - closing.count)) + closing
            }
            return ids
        }
    }

    /// The batches (indices) of epoch `epoch` for texts of these lengths: a seeded permutation,
    /// cut into pools of 50 batches each sorted by length, then the batch order shuffled again.
    public func batches(lengths: [Int], epoch: Int) -> [[Int]] {
        var generator = RandomGenerator(seed: options.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch))
        var order = Array(lengths.indices)
        order.shuffle(using: &generator)
        let size = options.batchSize
        var result: [[Int]] = []
        let pool = options.bucketsByLength ? size * 50 : size
        for start in stride(from: 0, to: order.count, by: pool) {
            var chunk = Array(order[start..<Swift.min(start + pool, order.count)])
            if options.bucketsByLength { chunk.sort { (lengths[$0], $0) < (lengths[$1], $1) } }
            for b in stride(from: 0, to: chunk.count, by: size) { result.append(Array(chunk[b..<Swift.min(b + size, chunk.count)])) }
        }
        if options.bucketsByLength { result.shuffle(using: &generator) }
        if let limit = options.stepLimit { result = Array(result.prefix(limit)) }
        return result
    }

    /// Trains on encoded texts (see ``encode(_:tokenizer:)``) with class indices `labels`; dev
    /// accuracy after every epoch when dev data are given. The model ends with the weights of
    /// the best dev epoch (the last epoch without dev data).
    public func train(ids: [[Int]], labels: [Int], devIDs: [[Int]]? = nil, devLabels: [Int]? = nil) throws
        -> EncoderFineTuningResult {
        precondition(ids.count == labels.count && !ids.isEmpty, "\(ids.count) texts for \(labels.count) labels")
        try model.encoder.validate(tokenIDs: ids)
        if let devIDs { try model.encoder.validate(tokenIDs: devIDs) }
        let start = DispatchTime.now().uptimeNanoseconds
        var procedure = EncoderFineTuningProcedure(tuner: self, ids: ids, labels: labels,
                                                   dev: devIDs.flatMap { d in devLabels.map { (d, $0) } })
        let steps = procedure.stepsPerEpoch * options.epochs
        let loop = TrainingLoop(optimizer: optimizer, epochs: options.epochs, learningRate: options.learningRate,
                                learningRateSchedule: .linearDecay(warmupSteps: options.warmup(plannedSteps: steps)),
                                gradientClipNorm: options.gradientClipNorm, patience: options.patience,
                                observer: options.observer)
        try loop.run(&procedure, state: &state)
        var kept = state.completedEpochs
        if let best = procedure.best.weights, procedure.best.epoch != state.completedEpochs {
            for p in model.parameters { if let value = best[ObjectIdentifier(p)] { p.value = value } }
            kept = procedure.best.epoch
        }
        return EncoderFineTuningResult(state: state, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                                       keptEpoch: kept)
    }

    /// Trains on a labelled data set (labels by index of `train.labelNames`, which must be the
    /// model's labels), tokenized with `tokenizer`.
    public func train(on train: TextDataSet, dev: TextDataSet? = nil, tokenizer: PretrainedTokenizer) throws
        -> EncoderFineTuningResult {
        try self.train(ids: encode(train.texts, tokenizer: tokenizer), labels: train.labels,
                       devIDs: dev.map { encode($0.texts, tokenizer: tokenizer) }, devLabels: dev?.labels)
    }

    /// Accuracy, loss and confusion of the current weights on encoded texts.
    /// - Throws: ``LoupeNN/ModelInputError`` for bad ids or labels (``LoupeNN/ClassifierEvaluation``).
    public func evaluate(ids: [[Int]], labels: [Int]) throws -> ClassifierEvaluation {
        try ClassifierEvaluation(classifier: model, encodedTexts: ids, labels: labels, batchSize: options.evaluationBatchSize)
    }
}

/// The best dev epoch's weights, kept by the procedure (a class, so the loop's copy shares it).
final class BestWeights {
    var epoch = 0
    var score: Double?
    var weights: [ObjectIdentifier: Tensor]?
}

/// Several optimizers stepped as one (parameter groups with their own weight decay).
final class ParameterGroupOptimizer: Optimizer {
    let groups: [Optimizer]
    init(_ groups: [Optimizer]) { self.groups = groups }
    var parameters: [Parameter] { groups.flatMap(\.parameters) }
    var learningRate: Float {
        get { groups.first?.learningRate ?? 0 }
        set { for g in groups { g.learningRate = newValue } }
    }
    func step() { for g in groups { g.step() } }
}

/// One ``EncoderFineTuner`` run for ``TrainingLoop``.
struct EncoderFineTuningProcedure: TrainingProcedure {
    let tuner: EncoderFineTuner
    let ids: [[Int]]
    let labels: [Int]
    let lengths: [Int]
    let dev: (ids: [[Int]], labels: [Int])?
    let best = BestWeights()
    private var logits: Tensor?
    private var tally = (lossSum: 0.0, correct: 0, seen: 0, tokens: 0, padded: 0, steps: 0)

    init(tuner: EncoderFineTuner, ids: [[Int]], labels: [Int], dev: ([[Int]], [Int])?) {
        self.tuner = tuner
        self.ids = ids
        self.labels = labels
        self.lengths = ids.map(\.count)
        self.dev = dev.map { (ids: $0.0, labels: $0.1) }
    }

    var stepsPerEpoch: Int {
        let full = (ids.count + tuner.options.batchSize - 1) / tuner.options.batchSize
        return tuner.options.stepLimit.map { Swift.min($0, full) } ?? full
    }
    var progressUnit: String { "tok" }

    mutating func beginEpoch(_ epoch: Int) throws -> [[Int]] {
        tally = (0, 0, 0, 0, 0, 0)
        return tuner.batches(lengths: lengths, epoch: epoch)
    }

    mutating func loss(on batch: [Int], step: Int) throws -> Tensor {
        let logits = tuner.model.logits(tokenIDs: batch.map { ids[$0] })
        self.logits = logits
        return crossEntropy(logits: logits, targets: batch.map { labels[$0] })
    }

    mutating func recordStep(_ batch: [Int], loss: Tensor) -> TrainingStepTally {
        let targets = batch.map { labels[$0] }
        tally.lossSum += Double(loss.scalar) * Double(batch.count)
        tally.correct += zip(logits?.argmax() ?? [], targets).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
        tally.seen += batch.count
        tally.tokens += batch.reduce(0) { $0 + lengths[$1] }
        tally.padded += batch.count * (batch.map { lengths[$0] }.max() ?? 0)
        tally.steps += 1
        logits = nil
        return TrainingStepTally(loss: tally.lossSum / Double(tally.seen), processed: tally.tokens)
    }

    mutating func finishEpoch(_ context: TrainingEpochContext) throws -> EncoderFineTuningEpochRecord {
        let seen = Double(Swift.max(tally.seen, 1))
        return EncoderFineTuningEpochRecord(
            epoch: context.epoch, loss: tally.lossSum / seen, trainAccuracy: Double(tally.correct) / seen, devAccuracy: nil,
            devLoss: nil, steps: tally.steps, examples: tally.seen, tokens: tally.tokens, paddedTokens: tally.padded,
            trainingSeconds: context.timing.total, seconds: 0, learningRate: Double(context.learningRate), timing: context.timing)
    }

    mutating func evaluate(_ record: inout EncoderFineTuningEpochRecord) throws -> Double? {
        guard let dev else {
            best.epoch = record.epoch
            return nil
        }
        let evaluation = try tuner.evaluate(ids: dev.ids, labels: dev.labels)
        record.devAccuracy = evaluation.accuracy
        record.devLoss = evaluation.loss
        if best.score.map({ evaluation.accuracy > $0 }) ?? true {
            best.score = evaluation.accuracy
            best.epoch = record.epoch
            // Tensors are values: the optimizer's next in-place write copies rather than changing these.
            best.weights = Dictionary(uniqueKeysWithValues: tuner.model.parameters.map { (ObjectIdentifier($0), $0.value) })
        }
        return evaluation.accuracy
    }

    func summaryLine(for record: EncoderFineTuningEpochRecord, isBest: Bool, stopsEarly: Bool) -> String {
        ClassifierEpochSummary.line(epoch: record.epoch, of: tuner.options.epochs, loss: record.loss,
                                    trainAccuracy: record.trainAccuracy, devAccuracy: record.devAccuracy,
                                    tokensPerSecond: record.tokensPerSecond, seconds: record.seconds,
                                    isBest: isBest, stopsEarly: stopsEarly)
    }
}
