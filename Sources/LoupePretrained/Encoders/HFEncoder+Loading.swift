import Foundation
import LoupeNN
import LoupeTensor

extension HFEncoder {
    /// Loads the encoder of the Hugging Face checkpoint in `folder` (`config.json` plus
    /// `model.safetensors` or a sharded `model.safetensors.index.json`); for a classification
    /// checkpoint only the encoder (and pooler) is loaded. The special token ids
    /// (``EncoderConfig/specialTokenIDs``) come from the folder's `tokenizer.json` post-processor
    /// when it has one (`config.json` of a bare BERT such as MiniLM names no `[CLS]`/`[SEP]`), so
    /// a classifier built on this encoder (``HFEncoderClassifier/withFreshHead(on:labels:seed:initializerRange:)``)
    /// keeps them in its `pad` baseline, as a loaded classifier does.
    /// - Throws: ``PretrainedError`` naming the file and key or tensor at fault.
    public static func load(folder: URL) throws -> HFEncoder {
        var config = try EncoderConfig.read(from: folder.appendingPathComponent("config.json"))
        if let ids = TokenizerSpecialTokens.read(folder: folder) { config.specialTokenIDs = ids }
        return try HFEncoder(config: config, store: SafeTensorsStore(folder: folder))
    }

    /// Builds the encoder `config` describes from the tensors of `store` (state-dict names with
    /// or without the family prefix `bert.` / `distilbert.` / `roberta.`).
    /// - Throws: ``PretrainedError/missingTensor(file:name:)`` and
    ///   ``PretrainedError/shapeMismatch(file:name:expected:found:)`` for tensors that do not fit.
    public convenience init(config: EncoderConfig, store: WeightStore) throws {
        try self.init(config: config, names: Self.stateNames(config: config, store: store), loader: WeightLoader(store: store))
    }

    /// The state-dict layout of `store`: the family prefix when the checkpoint uses it (task
    /// models), none otherwise (bare models such as MiniLM).
    static func stateNames(config: EncoderConfig, store: WeightStore) throws -> EncoderStateNames {
        let prefixed = config.family.statePrefix
        let candidates = config.head == .none ? ["", prefixed] : [prefixed, ""]
        let probe = "embeddings.word_embeddings.weight"
        guard let prefix = candidates.first(where: { store.contains(joinPath($0, probe)) }) else {
            throw PretrainedError.missingTensor(file: store.source.lastPathComponent, name: joinPath(candidates[0], probe))
        }
        return EncoderStateNames(family: config.family, prefix: prefix)
    }

    /// The classification head that goes with this encoder's family.
    var sequenceClassificationHead: EncoderConfig.Head {
        switch config.family {
        case .bert: return .bertSequenceClassification
        case .distilbert: return .distilBertSequenceClassification
        case .roberta, .xlmRoberta: return .robertaSequenceClassification
        }
    }
}

extension HFEncoderClassifier {
    /// Loads a sequence-classification checkpoint (`BertForSequenceClassification`,
    /// `DistilBertForSequenceClassification`, `RobertaForSequenceClassification`,
    /// `XLMRobertaForSequenceClassification`) from `folder`.
    /// - Throws: ``PretrainedError/unsupported(file:detail:)`` naming `architectures` for a
    ///   bare encoder (load it with ``HFEncoder/load(folder:)`` or give a head with
    ///   ``load(folder:head:labels:)``), and any loading error.
    public static func load(folder: URL) throws -> HFEncoderClassifier {
        let config = try EncoderConfig.read(from: folder.appendingPathComponent("config.json"))
        guard config.head != .none else {
            throw PretrainedError.unsupported(file: "config.json", detail: "key 'architectures': '\(config.architecture)' has no "
                                              + "classification head (load it as an encoder, or give a head file)")
        }
        let store = try SafeTensorsStore(folder: folder)
        let loader = WeightLoader(store: store)
        let encoder = try HFEncoder(config: config, names: HFEncoder.stateNames(config: config, store: store), loader: loader)
        let head = try EncoderClassificationHead(kind: config.head, encoder: encoder, classCount: config.labels.count,
                                                 loader: loader, separateFile: false)
        return HFEncoderClassifier(encoder: encoder, head: head, labels: config.labels,
                                   specialTokenIDs: TokenizerSpecialTokens.read(folder: folder) ?? config.specialTokenIDs)
    }

    /// Loads the encoder in `folder` and a classification head from the safetensors file `head`
    /// (special token ids as in ``load(folder:)``)
    /// (e.g. `classifier.weight` `[C, H]` and `classifier.bias` for a BERT encoder with a pooler;
    /// `pooler.dense.*` in the head file replaces the encoder's pooler).
    /// - Parameter labels: class names; `nil`: `LABEL_0`, … for the rows of the stored classifier.
    public static func load(folder: URL, head: URL, labels: [String]? = nil) throws -> HFEncoderClassifier {
        let model = try HFEncoderClassifier(encoder: HFEncoder.load(folder: folder), head: SafeTensorsStore(file: head),
                                            labels: labels)
        if let ids = TokenizerSpecialTokens.read(folder: folder) { model.specialTokenIDs = ids }
        return model
    }

    /// Puts the classification head stored in `store` on `encoder` (see ``load(folder:head:labels:)``).
    public convenience init(encoder: HFEncoder, head store: WeightStore, labels: [String]? = nil) throws {
        let head = try EncoderClassificationHead(kind: encoder.sequenceClassificationHead, encoder: encoder,
                                                 classCount: labels?.count, loader: WeightLoader(store: store),
                                                 separateFile: true)
        self.init(encoder: encoder, head: head, labels: labels ?? (0..<head.classCount).map { "LABEL_\($0)" },
                  specialTokenIDs: encoder.config.specialTokenIDs)
    }
}

/// What a Hugging Face encoder folder holds: a bare encoder or a classifier.
public enum HFEncoderCheckpoint {
    case encoder(HFEncoder)
    case classifier(HFEncoderClassifier)

    /// Loads `folder` as a classifier when its architecture has a classification head, else as
    /// an encoder.
    public static func load(folder: URL) throws -> HFEncoderCheckpoint {
        let config = try EncoderConfig.read(from: folder.appendingPathComponent("config.json"))
        return config.head == .none ? .encoder(try HFEncoder(config: config, store: SafeTensorsStore(folder: folder)))
            : .classifier(try HFEncoderClassifier.load(folder: folder))
    }

    /// The encoder (of the classifier, for a classifier).
    public var encoder: HFEncoder {
        switch self {
        case .encoder(let e): return e
        case .classifier(let c): return c.encoder
        }
    }
}
