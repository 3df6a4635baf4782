import Foundation

/// The configuration of a Hugging Face BERT-family encoder, read from its `config.json` by
/// ``EncoderConfig/read(from:)`` with transformers' defaults for absent keys.
///
/// One type covers the families whose layers are the same post-LN Transformer block (Devlin et
/// al., "BERT", NAACL 2019): BERT (also Chinese BERT and MiniLM, which are BERT checkpoints),
/// DistilBERT (Sanh et al., 2019; no token types, fixed LayerNorm ε 1e-12) and RoBERTa / XLM-R
/// (Liu et al., 2019; Conneau et al., 2020; positions offset past the padding id).
public struct EncoderConfig: Equatable, Sendable {
    /// The encoder family, from the architecture name.
    public enum Family: String, Sendable, CaseIterable {
        case bert, distilbert, roberta, xlmRoberta = "xlm-roberta"

        /// The state-dict prefix of the encoder inside a task model (`bert.`, `distilbert.`,
        /// `roberta.`; XLM-R checkpoints also use `roberta.`).
        public var statePrefix: String {
            switch self {
            case .bert: return "bert"
            case .distilbert: return "distilbert"
            case .roberta, .xlmRoberta: return "roberta"
            }
        }
    }

    /// The task head the architecture puts on the encoder.
    public enum Head: String, Sendable {
        /// A bare encoder (`BertModel`, …, and the masked-LM / pre-training models, whose LM head
        /// is not loaded): hidden states only.
        case none
        /// `BertForSequenceClassification`: pooler (dense + tanh on [CLS]) then `classifier`.
        case bertSequenceClassification
        /// `DistilBertForSequenceClassification`: `pre_classifier` + ReLU then `classifier` on [CLS].
        case distilBertSequenceClassification
        /// `RobertaForSequenceClassification` / `XLMRobertaForSequenceClassification`:
        /// `classifier.dense` + tanh then `classifier.out_proj` on `<s>`.
        case robertaSequenceClassification
    }

    /// The architecture named by `architectures[0]` (or derived from `model_type`).
    public var architecture: String
    public var family: Family
    public var head: Head
    /// `vocab_size`.
    public var vocabularySize: Int
    /// `hidden_size` (DistilBERT: `dim`).
    public var hiddenSize: Int
    /// `num_hidden_layers` (DistilBERT: `n_layers`).
    public var layerCount: Int
    /// `num_attention_heads` (DistilBERT: `n_heads`).
    public var headCount: Int
    /// `intermediate_size` (DistilBERT: `hidden_dim`).
    public var intermediateSize: Int
    /// `hidden_act` (DistilBERT: `activation`).
    public var activation: EncoderActivation
    /// `max_position_embeddings`: rows of the position table.
    public var maxPositionEmbeddings: Int
    /// `type_vocab_size` (0 for DistilBERT, which has no token-type table).
    public var typeVocabularySize: Int
    /// `layer_norm_eps` (DistilBERT: 1e-12, not configurable).
    public var layerNormEpsilon: Double
    /// `pad_token_id` (BERT, DistilBERT 0; RoBERTa, XLM-R 1).
    public var padTokenID: Int
    /// Class names from `id2label`, in index order (`LABEL_0`, … for `num_labels` when absent).
    public var labels: [String]
    /// `problem_type` (`single_label_classification`, `multi_label_classification`,
    /// `regression`), when given. Logits are the same for all three.
    public var problemType: String?
    /// DistilBERT's `sinusoidal_pos_embds` (the stored position table holds the sinusoids).
    public var sinusoidalPositionEmbeddings: Bool
    /// The ids `bos_token_id`, `eos_token_id`, `cls_token_id` and `sep_token_id` name (those
    /// present): RoBERTa's `<s>` and `</s>`. BERT configs name none; its `[CLS]` and `[SEP]` come
    /// from the tokenizer (see ``HFEncoderClassifier/specialTokenIDs``).
    public var specialTokenIDs: Set<Int>

    /// First position id: RoBERTa counts positions from `pad_token_id + 1`, BERT from 0.
    public var positionOffset: Int {
        switch family {
        case .roberta, .xlmRoberta: return padTokenID + 1
        case .bert, .distilbert: return 0
        }
    }

    /// The longest sequence the position table covers.
    public var maximumSequenceLength: Int { Swift.max(0, maxPositionEmbeddings - positionOffset) }

    /// Width of one attention head.
    public var headDimension: Int { hiddenSize / headCount }
}
