import LoupeNN
import LoupeTensor

/// The sequence-classification head of a BERT-family model, applied to the first token's
/// hidden state (`[CLS]`, `<s>`); dropout is off at inference.
///
/// - BERT (`BertForSequenceClassification`): `classifier(tanh(pooler.dense(h₀)))`; the pooler
///   belongs to the encoder (`bert.pooler.dense`), the head owns `classifier`.
/// - DistilBERT: `classifier(ReLU(pre_classifier(h₀)))`.
/// - RoBERTa / XLM-R (`RobertaClassificationHead`): `classifier.out_proj(tanh(classifier.dense(h₀)))`.
public final class EncoderClassificationHead: Module {
    public let path = ""
    public let kind: EncoderConfig.Head
    /// BERT's pooler (owned by the encoder or by a separately loaded head; not a submodule
    /// here when the encoder owns it).
    public let pooler: Linear?
    /// `pre_classifier` (DistilBERT) or `classifier.dense` (RoBERTa).
    public let dense: Linear?
    /// `classifier` (BERT, DistilBERT) or `classifier.out_proj` (RoBERTa).
    public let classifier: Linear
    private let ownsPooler: Bool

    /// Builds the head `kind` for `encoder` from `loader`'s store, with `classCount` classes
    /// (`nil`: as many as the stored classifier has rows). When the head comes from a file of its
    /// own (`separateFile`) that holds a pooler, that pooler replaces the encoder's.
    init(kind: EncoderConfig.Head, encoder: HFEncoder, classCount: Int?, loader: WeightLoader, separateFile: Bool) throws {
        self.kind = kind
        let h = encoder.config.hiddenSize
        let classifierName: String
        switch kind {
        case .none:
            preconditionFailure("no head for a bare encoder")
        case .bertSequenceClassification:
            let poolerPath = joinPath(encoder.path, "pooler.dense")
            if separateFile, loader.has(poolerPath + ".weight") {
                pooler = try loader.linear(h, h, path: poolerPath)
                ownsPooler = true
            } else if let owned = encoder.pooler {
                pooler = owned
                ownsPooler = false
            } else {
                throw PretrainedError.missingTensor(file: loader.store.source.lastPathComponent, name: poolerPath + ".weight")
            }
            dense = nil
            classifierName = "classifier"
        case .distilBertSequenceClassification:
            pooler = nil
            ownsPooler = false
            dense = try loader.linear(h, h, path: "pre_classifier")
            classifierName = "classifier"
        case .robertaSequenceClassification:
            pooler = nil
            ownsPooler = false
            dense = try loader.linear(h, h, path: "classifier.dense")
            classifierName = "classifier.out_proj"
        }
        let rows: Int
        if let classCount { rows = classCount } else {
            let name = classifierName + ".weight"
            guard let shape = try? loader.store.weight(named: name).shape, shape.count == 2 else {
                throw PretrainedError.missingTensor(file: loader.store.source.lastPathComponent, name: name)
            }
            rows = shape[0]
        }
        classifier = try loader.linear(h, rows, path: classifierName)
    }

    public var submodules: [Module] {
        (ownsPooler ? pooler.map { [$0] } ?? [] : []) + (dense.map { [$0] } ?? []) + [classifier]
    }

    /// Number of classes.
    public var classCount: Int { classifier.outputSize }

    /// Logits `[B, C]` from the encoder's last hidden states `[B, T, H]`.
    func callAsFunction(_ hidden: Tensor) -> Tensor {
        let first = HFEncoder.firstToken(hidden)
        switch kind {
        case .none:
            preconditionFailure("no head for a bare encoder")
        case .bertSequenceClassification:
            // `pooler` is set for this kind by the initializer.
            return hooked(classifier(pooler.map { $0(first).tanh() } ?? first))
        case .distilBertSequenceClassification:
            return hooked(classifier((dense.map { $0(first) } ?? first).relu()))
        case .robertaSequenceClassification:
            return hooked(classifier((dense.map { $0(first) } ?? first).tanh()))
        }
    }
}
