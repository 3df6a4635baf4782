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
    /// The class names used in targets, documents and pictures: the model's own unless renamed
    /// (``renamingLabels(_:)``, `--labels negative,positive` for data labelled `0`/`1`).
    public private(set) var labels: [String]

    /// A text front end and a classifier.
    public init(model: TextClassifier, frontEnd: any TextFrontEnd, architecture: String, modelPath: String? = nil) {
        self.model = model
        self.frontEnd = frontEnd
        self.architecture = architecture
        self.modelPath = modelPath
        self.labels = model.labels
    }

    /// This explainer with the classes called `names` (index order).
    /// - Throws: ``ExplainerError`` unless there is one distinct, non-empty name per class.
    public func renamingLabels(_ names: [String]) throws -> TextExplainer {
        guard names.count == model.labels.count else {
            throw ExplainerError("--labels: \(names.count) names for a model with \(model.labels.count) classes "
                                 + "(\(model.labels.joined(separator: ", ")))")
        }
        guard !names.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }), Set(names).count == names.count else {
            throw ExplainerError("--labels: names must be distinct and non-empty (got \(names.joined(separator: ",")))")
        }
        var copy = self
        copy.labels = names
        return copy
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
        AttributionDocument.ModelInfo(path: modelPath, architecture: architecture, labels: labels)
    }

    /// Logits and softmax probabilities for one id sequence.
    /// - Throws: ``LoupeNN/ModelInputError`` for no ids, an id outside the vocabulary or more ids
    ///   than the model takes.
    public func predict(_ ids: [Int]) throws -> (logits: [Double], probabilities: [Double]) {
        try model.validate(tokenIDs: [ids])
        let logits = withoutGradients { model.logits(tokenIDs: [ids]) }.scalars.map { Double($0) }
        return (logits, TemperatureScaling.probabilities(logits))
    }

    /// Encodes `text` and lists what the reader should know about the encoding.
    public func encode(_ text: String) -> (encoded: EncodedText, warnings: [String]) { frontEnd.encode(text) }

    /// Explains `text`: prediction, then each method for each target class.
    ///
    /// A method that fails is recorded in ``Explanation/failures`` (and as an error entry of the
    /// document) rather than stopping the others.
    /// - Throws: ``AttributionError/emptyInput`` when the text has no tokens, and
    ///   ``AttributionError/unknownTarget(_:)`` for a target the model does not have.
    /// With `contrast`, each target class `t` is explained against the foil class `c` — the logit
    /// difference `F_t − F_c` (``OutputTarget/contrast(_:foil:)``; Yin & Neubig 2022), what users of a
    /// two-class model usually mean by "why positive rather than negative". `--target all` with a
    /// contrast explains every other class against it.
    /// - Throws: ``AttributionError/unknownTarget(_:)`` also when the foil is the only target.
    public func explain(_ text: String, methods: [any AttributionMethod], target: TargetSelection = .predicted,
                        contrast: TargetSelection? = nil, output: AttributionOutput = .logit) throws -> Explanation {
        let (encoded, warnings) = encode(text)
        guard !encoded.ids.isEmpty else { throw AttributionError.emptyInput }
        do {
            try model.validate(tokenIDs: [encoded.ids])
        } catch let error as ModelInputError {
            throw AttributionError.invalidInput("\(error)")
        }
        let (logits, probabilities) = try predict(encoded.ids)
        let predicted = probabilities.indices.max { probabilities[$0] < probabilities[$1] } ?? 0
        var classes = try target.resolve(labels: labels, predicted: predicted)
        var foil: Int?
        if let contrast {
            guard contrast != .all, contrast != .predicted || target != .predicted else {
                throw AttributionError.unknownTarget("contrast '\(contrast)': name one class (a label or an index)")
            }
            let c = try contrast.resolve(labels: labels, predicted: predicted)[0]
            classes.removeAll { $0 == c }
            guard !classes.isEmpty else {
                throw AttributionError.unknownTarget("the contrast class '\(labels[c])' is also the target: "
                                                     + "a class against itself explains nothing")
            }
            foil = c
        }
        let targets: [OutputTarget] = classes.map { t in foil.map { .contrast(.classIndex(t), foil: .classIndex($0)) } ?? .classIndex(t) }
        var attributions: [Attribution] = []
        var failures: [AttributionDocument.Entry] = []
        for method in methods {
            do {
                attributions += try method.attribute(encoded.ids, targets: targets, model: model, output: output)
            } catch {
                for t in targets {
                    failures.append(AttributionDocument.Entry(
                        failed: method.id, target: t.record(labels: labels),
                        output: output, layer: method.layer, error: "\(error)"))
                }
            }
        }
        if labels != model.labels {
            for i in attributions.indices {
                attributions[i].target.label = labels[safe: attributions[i].target.index]
                if let foil = attributions[i].target.contrast {
                    attributions[i].target.contrast?.label = labels[safe: foil.index]
                }
            }
        }
        let notes = warnings + referenceFitNotes(attributions, input: encoded) + attributions.compactMap { baselineWarning(for: $0) }
        return Explanation(encoded: encoded, labels: labels, logits: logits, probabilities: probabilities,
                           predictedIndex: predicted, attributions: attributions, failures: failures,
                           warnings: notes, groupsWords: frontEnd.groupsWords)
    }

    /// Notes for a reference-text baseline (`text:…`) of another length than the input: the
    /// i-th token of the input's own (non-special) tokens takes the i-th reference token, so a
    /// shorter reference leaves the input's last positions at [PAD], a longer one is cut.
    func referenceFitNotes(_ attributions: [Attribution], input: EncodedText) -> [String] {
        var seen: Set<String> = []
        var notes: [String] = []
        let inputCount = input.ids.count - Set(input.specialTokenIndices).count
        for attribution in attributions {
            guard case .string(let text)? = attribution.parameters["baseline_text"], seen.insert(text).inserted else { continue }
            let reference = encode(text).encoded
            let count = reference.ids.count - Set(reference.specialTokenIndices).count
            let quoted = "'\(text)'"
            if count < inputCount {
                let positions = count + 1 == inputCount ? "position \(inputCount)" : "positions \(count + 1)–\(inputCount)"
                notes.append("baseline text \(quoted) has \(count) tokens, the input \(inputCount): the baseline is padded with "
                             + "[PAD] at the input's \(positions)")
            } else if count > inputCount {
                // The unused part as the user wrote it: from the first unused token to the end.
                let special = Set(reference.specialTokenIndices)
                let own = reference.tokens.indices.filter { !special.contains($0) }
                let first = reference.tokens[own[inputCount]]
                let cut = String(String.UnicodeScalarView(reference.text.unicodeScalars.dropFirst(first.start)))
                    .trimmingCharacters(in: .whitespaces)
                notes.append("baseline text \(quoted) has \(count) tokens, the input \(inputCount): its last "
                             + "\(count - inputCount) (\(cut)) are not used")
            }
        }
        return notes
    }

    /// The warning for an attribution whose baseline already gives most of the explained output
    /// (``BaselineDiagnostic/saysLittle``), with what to try instead; nil when it is fine.
    public func baselineWarning(for attribution: Attribution, threshold: Double = BaselineDiagnostic.defaultThreshold) -> String? {
        guard let check = BaselineDiagnostic(attribution, threshold: threshold), check.saysLittle else { return nil }
        let target = attribution.target.label ?? "#\(attribution.target.index)"
        let baseline = attribution.parameters["baseline"]?.description ?? "the baseline"
        let percent = String(format: "%.2g", check.relativeDifference * 100)
        var tries: [String] = []
        if attribution.target.contrast == nil, labels.count > 1 {
            let other = labels.first { $0 != attribution.target.label } ?? labels[0]
            tries.append("a contrastive target (--target \(target) --contrast \(other))")
        }
        let others = ["unk", "mean", "expected", "text:…"].filter { $0 != baseline }
        tries.append("another baseline (--baseline \(others.joined(separator: ", ")))")
        tries.append("a method without a baseline (--methods leave-one-out)")
        return "\(attribution.method.rawValue) → \(target): the \(baseline) baseline already gives most of the explained "
            + "\(attribution.output.rawValue) (\(check.summary), \(percent) % of F(x)), so the scores say little; try "
            + tries.joined(separator: ", ")
    }
}
