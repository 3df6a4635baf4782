import Foundation
import LoupeAttribution
import LoupeNN
import LoupeTensor

/// Why a model cannot be explained as a text classifier.
public struct ExplainerError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Explains a text classifier's decisions on raw text: tokenizes (keeping the spans of the
/// original text), predicts, runs attribution methods and collects warnings (unknown tokens,
/// truncation) — everything an ``AttributionDocument`` holds.
///
/// ```swift
/// let explainer = try TextExplainer(checkpoint: try ModelFactory.load(from: folder))
/// let explanation = try explainer.explain("I had a great day today.", methods: [IntegratedGradients()])
/// print(explanation.predictedLabel, explanation.attributions[0].scores)
/// ```
public struct TextExplainer {
    /// The classifier.
    public let model: TextClassifier
    /// Text to model input: Loupe's tokenizer and vocabulary, or a pretrained model's tokenizer
    /// (truncating to the model's maximum length where it has one).
    public let frontEnd: any TextFrontEnd
    /// The checkpoint's architecture name.
    public let architecture: String
    /// The checkpoint folder, for the document's `model.path`.
    public let modelPath: String?

    /// A text front end and a classifier.
    public init(model: TextClassifier, frontEnd: any TextFrontEnd, architecture: String, modelPath: String? = nil) {
        self.model = model
        self.frontEnd = frontEnd
        self.architecture = architecture
        self.modelPath = modelPath
    }

    /// The explainer of a loaded checkpoint.
    /// - Throws: ``ExplainerError`` when the model is not a text classifier or has no usable vocabulary
    ///   (`vocab.txt`, and `tokenizer.json` when the model learned sub-words).
    public init(checkpoint: ModelCheckpoint) throws {
        guard let model = checkpoint.model.classifier else {
            throw ExplainerError("\(checkpoint.directory.path): a '\(checkpoint.model.architecture)' model is not a text classifier")
        }
        let encoder: TextEncoder
        do { encoder = try checkpoint.textEncoder(maximumLength: model.maximumSequenceLength) } catch let error as CheckpointError {
            throw ExplainerError(error.file.hasPrefix("/") ? error.description : "\(checkpoint.directory.path): \(error.description)")
        }
        self.init(model: model, frontEnd: VocabularyFrontEnd(encoder),
                  architecture: checkpoint.model.architecture, modelPath: checkpoint.directory.path)
    }

    /// The `model` block of the documents this explainer writes.
    public var modelInfo: AttributionDocument.ModelInfo {
        AttributionDocument.ModelInfo(path: modelPath, architecture: architecture, labels: model.labels)
    }

    /// Logits and softmax probabilities for one id sequence.
    public func predict(_ ids: [Int]) -> (logits: [Double], probabilities: [Double]) {
        let logits = withoutGradients { model.logits(tokenIDs: [ids]) }.scalars.map { Double($0) }
        let top = logits.max() ?? 0
        let exps = logits.map { Foundation.exp($0 - top) }
        let total = exps.reduce(0, +)
        return (logits, exps.map { $0 / total })
    }

    /// Encodes `text` and lists what the reader should know about the encoding.
    public func encode(_ text: String) -> (encoded: EncodedText, warnings: [String]) { frontEnd.encode(text) }

    /// Explains `text`: prediction, then each method for each target class.
    ///
    /// A method that fails is recorded in ``Explanation/failures`` (and as an error entry of the
    /// document) rather than stopping the others.
    /// - Throws: ``AttributionError/emptyInput`` when the text has no tokens, and
    ///   ``AttributionError/unknownTarget(_:)`` for a target the model does not have.
    public func explain(_ text: String, methods: [any AttributionMethod], target: TargetSelection = .predicted,
                        output: AttributionOutput = .logit) throws -> Explanation {
        let (encoded, warnings) = encode(text)
        guard !encoded.ids.isEmpty else { throw AttributionError.emptyInput }
        do {
            try model.validate(tokenIDs: [encoded.ids])
        } catch let error as ModelInputError {
            throw AttributionError.invalidInput("\(error)")
        }
        let (logits, probabilities) = predict(encoded.ids)
        let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
        let targets = try target.resolve(labels: model.labels, predicted: predicted)
        var attributions: [Attribution] = []
        var failures: [AttributionDocument.Entry] = []
        for method in methods {
            do {
                attributions += try method.attribute(encoded.ids, targets: targets, model: model, output: output)
            } catch {
                for t in targets {
                    failures.append(AttributionDocument.Entry(
                        failed: method.id, target: AttributionDocument.Target(index: t, label: model.labels[t]),
                        output: output, layer: method.layer, error: "\(error)"))
                }
            }
        }
        return Explanation(encoded: encoded, labels: model.labels, logits: logits, probabilities: probabilities,
                           predictedIndex: predicted, attributions: attributions, failures: failures,
                           warnings: warnings, groupsWords: frontEnd.groupsWords)
    }
}
