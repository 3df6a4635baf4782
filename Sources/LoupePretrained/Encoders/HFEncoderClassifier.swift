import Foundation
import LoupeNN
import LoupeTensor

/// A BERT-family sequence classifier (`BertForSequenceClassification`,
/// `DistilBertForSequenceClassification`, `RobertaForSequenceClassification`,
/// `XLMRobertaForSequenceClassification`, or a bare encoder with a head loaded from a second
/// file) as a LoupeNN ``LoupeNN/TextClassifier``: every attribution method, activation capture
/// and patching works on it.
///
/// - ``tokenEmbedding`` is the word-embedding table, so attribution at the embedding layer
///   works on word embeddings; ``logits(embeddings:tokenIDs:)`` adds the position and
///   token-type embeddings itself, and takes masks and positions from the ids. A [PAD]
///   baseline therefore replaces only the word vectors, as in Captum's BERT tutorial.
/// - ``labels`` are `id2label` in index order.
/// - ``activationSites`` are the encoder's TransformerLens-named sites.
/// - ``specialTokenIDs`` (`[CLS]`, `[SEP]`) are what LoupeAttribution's `pad` baseline
///   keeps, giving Captum's tutorial reference `[CLS] [PAD] … [PAD] [SEP]`.
public final class HFEncoderClassifier: TextClassifier {
    public let path = ""
    public let encoder: HFEncoder
    public let head: EncoderClassificationHead
    public let labels: [String]
    /// The ids the tokenizer adds around a text, kept by the `pad` baseline. Loading
    /// reads them from the folder's `tokenizer.json` post-processor when there is one, else from
    /// the config's `bos/eos/cls/sep_token_id`; set them when the tokenizer lives elsewhere.
    public var specialTokenIDs: Set<Int>

    init(encoder: HFEncoder, head: EncoderClassificationHead, labels: [String], specialTokenIDs: Set<Int>) {
        self.encoder = encoder
        self.head = head
        self.labels = labels
        self.specialTokenIDs = specialTokenIDs
    }

    public var config: EncoderConfig { encoder.config }
    public var submodules: [Module] { [encoder, head] }
    public var tokenEmbedding: Embedding { encoder.embeddings.word }
    public var paddingID: Int { encoder.config.padTokenID }
    public var maximumSequenceLength: Int? { encoder.config.maximumSequenceLength }
    public var activationSites: [ActivationSite] { encoder.activationSites }

    public func logits(embeddings: Tensor, tokenIDs: [[Int]]) -> Tensor {
        hooked(head(encoder.encode(embeddings: embeddings, tokenIDs: tokenIDs)))
    }
}
