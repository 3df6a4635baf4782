import Foundation
import LoupeNN
import LoupeTensor

extension HFEncoderClassifier {
    /// `encoder` with a new, randomly initialised sequence-classification head for `labels`, ready
    /// to fine-tune: the head transformers' `…ForSequenceClassification` puts on the encoder's
    /// family, initialised as transformers' `_init_weights` does (weights `N(0, σ²)` with
    /// σ = `initializer_range`, 0.02; biases 0).
    ///
    /// - BERT: `classifier(tanh(pooler.dense(h[CLS])))` — the checkpoint's pooler when it has one,
    ///   else a new pooler; only `classifier` is new.
    /// - DistilBERT: new `pre_classifier` and `classifier`.
    /// - RoBERTa / XLM-R: new `classifier.dense` and `classifier.out_proj`.
    ///
    /// The same `seed` gives the same head.
    public static func withFreshHead(on encoder: HFEncoder, labels: [String], seed: UInt64,
                                     initializerRange: Float = 0.02) throws -> HFEncoderClassifier {
        precondition(labels.count >= 2, "a classifier needs at least two labels, got \(labels)")
        var generator = RandomGenerator(seed: seed)
        let h = encoder.config.hiddenSize, c = labels.count
        func linear(_ path: String, _ input: Int, _ output: Int) -> [String: Tensor] {
            [path + ".weight": Tensor.randomNormal([output, input], standardDeviation: initializerRange, using: &generator),
             path + ".bias": Tensor.zeros([output])]
        }
        var tensors: [String: Tensor] = [:]
        switch encoder.sequenceClassificationHead {
        case .bertSequenceClassification:
            if encoder.pooler == nil { tensors.merge(linear(joinPath(encoder.path, "pooler.dense"), h, h)) { a, _ in a } }
            tensors.merge(linear("classifier", h, c)) { a, _ in a }
        case .distilBertSequenceClassification:
            tensors.merge(linear("pre_classifier", h, h)) { a, _ in a }
            tensors.merge(linear("classifier", h, c)) { a, _ in a }
        case .robertaSequenceClassification:
            tensors.merge(linear("classifier.dense", h, h)) { a, _ in a }
            tensors.merge(linear("classifier.out_proj", h, c)) { a, _ in a }
        case .none:
            preconditionFailure("every encoder family has a classification head")
        }
        let model = try HFEncoderClassifier(encoder: encoder, head: FreshTensorStore(tensors, source: "new-head"),
                                            labels: labels)
        return model
    }

    /// transformers' class name of this model (`BertForSequenceClassification`, …), as
    /// `config.json`'s `architectures` names it.
    public var sequenceClassificationArchitecture: String {
        switch config.family {
        case .bert: return "BertForSequenceClassification"
        case .distilbert: return "DistilBertForSequenceClassification"
        case .roberta: return "RobertaForSequenceClassification"
        case .xlmRoberta: return "XLMRobertaForSequenceClassification"
        }
    }
}
