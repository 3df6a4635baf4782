import Foundation
import LoupeNN
import LoupeTensor
import LoupePretrained
import LoupeTokenizers

/// How the bundled default classifier is made (`loupe-regenerate-defaults classifier --write`):
/// a WordPiece vocabulary learned from the training texts (``WordPieceTrainer``; Chinese reads as
/// characters), a classifier trained on real reviews (``SentimentCorpora``: SST-2 and Chinese
/// product and food-delivery reviews), and temperature scaling fitted on each language's
/// calibration part (``TemperatureScaling``), saved in the model as a ``ScriptTemperature`` layer so
/// that its probabilities are the calibrated ones.
public struct DefaultModelRecipe: Sendable {
    /// WordPiece vocabulary size (special tokens and the alphabet included).
    public var vocabularySize = 16_000
    /// At most this many characters in the alphabet (Chinese characters are most of it).
    public var alphabetLimit = 5_000
    public var architecture = ClassifierArchitecture.transformer(embedDimension: 96, heads: 4, layers: 2,
                                                                 feedForwardDimension: 192, dropout: 0.1)
    public var epochs = 4
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var warmupSteps = 500
    public var weightDecay: Float = 0.01
    public var embeddingScale: Float = 0.1
    /// Longest token sequence (longer reviews are cut).
    public var maxLength = 96
    public var seed: UInt64 = 0
    /// Knowledge distillation from a fine-tuned English teacher (when one is given to
    /// ``train(data:teacher:observer:log:)``): share of the teacher term and its temperature.
    public var distillationWeight: Float = 0.9
    public var distillationTemperature: Float = 2
    /// New English sentences for the teacher to label (only with a teacher).
    public var augmentation = SentenceAugmentation(variantsPerSentence: 6)
    /// Start the embedding rows of English tokens from the teacher's word vectors, reduced by PCA
    /// (``EmbeddingTransfer``; only when ``train(data:teacher:teacherEmbeddings:observer:log:)`` is
    /// given them). Chinese tokens and special tokens keep their random start.
    public var embeddingsFromTeacher = true

    public init() {}

    /// The recipe of the bundled classifier.
    public static let classifier = DefaultModelRecipe()

    /// The tag written into the bundled weights' metadata.
    public static let tag = "classifier-real-data-v5"

    /// Sentences the default model must get right before it is written as the bundle.
    public static let probes: [(text: String, label: String)] = [
        ("I had a great day today.", "positive"), ("我今天过得很好。", "positive"),
        ("The food was terrible.", "negative"), ("这家店的服务太差了。", "negative"),
        ("The service was excellent.", "positive"), ("这部电影太无聊了。", "negative"),
        ("等了一个小时才送到，饭都凉了。", "negative"),
        ("I did not like this film at all.", "negative"),
    ]

    /// Harder sentences whose predictions are reported (in the model's README), not required.
    public static let hardCases: [(text: String, label: String)] = [
        ("The plot was predictable but the acting saved it.", "positive"),
        ("Not bad at all, I would go back.", "positive"),
        ("包装很好，可惜味道一般。", "negative"),
        ("虽然贵了点，但是质量真的很好。", "positive"),
    ]

    /// The training options of the recipe, reporting to `observer`.
    public func options(observer: (any TrainingObserver)? = nil) -> ClassifierTrainingOptions {
        var options = ClassifierTrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: learningRate, seed: seed)
        options.maxLength = maxLength
        options.observer = observer
        options.learningRateSchedule = .linearDecay(warmupSteps: warmupSteps)
        options.optimizer = .adamW
        options.weightDecay = weightDecay
        options.embeddingScale = embeddingScale
        return options
    }

    /// What ``train(data:observer:log:)`` made and measured.
    public struct Outcome {
        public var trainer: ClassifierTrainer
        public var tokenizer: TrainedWordPiece
        public var corpora: SentimentCorpora
        /// The temperature fitted on both calibration parts (languages weighted equally): that of
        /// texts with neither script.
        public var temperature: Double
        /// The temperature of each script (``ScriptTemperature``), as saved in the model.
        public var temperatures: [TokenScript: Double]
        /// Calibrated figures on the parts never trained on: SST-2 dev, the Chinese test part,
        /// and the calibration part (where the temperature was fitted).
        public var english: CalibrationReport
        public var chinese: CalibrationReport
        public var calibration: CalibrationReport
        public var englishCalibration: CalibrationReport
        public var chineseCalibration: CalibrationReport
        public var uncalibratedEnglish: CalibrationReport
        public var uncalibratedChinese: CalibrationReport
        public var seconds: Double
        /// The teacher's English training texts and variants (0 without a teacher).
        public var distilledTextCount = 0
        public var variantCount = 0
        /// Embedding rows that started from the teacher's word vectors.
        public var transferredEmbeddingRows = 0
    }

    /// Learns the tokenizer, trains, calibrates and evaluates, from the data folder `data`.
    /// - Parameter teacher: the English training texts' logits by a fine-tuned teacher (in
    ///   `corpora.englishTrain` order; see ``teacherLogits(model:texts:log:)``), or nil to learn
    ///   from the labels alone.
    /// - Parameter teacherEmbeddings: the teacher's word vectors, for ``embeddingsFromTeacher``.
    public func train(data: URL, teacher: (([String]) throws -> [[Float]])? = nil,
                      teacherEmbeddings: EmbeddingTransfer? = nil,
                      observer: (any TrainingObserver)? = nil,
                      log: (String) -> Void = { print($0) }) throws -> Outcome {
        let started = Date()
        let corpora = try SentimentCorpora.load(from: data)
        var train = corpora.train
        var softTargets: SoftTargets?
        var distilled = (texts: 0, variants: 0)
        if let teacher {
            // The teacher labels the English training texts and new variants of them.
            let english = corpora.englishTrain.examples.map(\.text)
            let variants = augmentation.variants(of: english)
            let logits = try teacher(english + variants)
            var byText: [String: [Float]] = [:]
            for (text, row) in zip(english + variants, logits) { byText[text] = row }
            let augmented = TextDataSet(examples: zip(variants, logits.suffix(variants.count)).map { text, row in
                TextExample(text: text, label: row[1] > row[0] ? 1 : 0)
            }, labelNames: SentimentCorpora.labelNames)
            train = train.appending(augmented).shuffled(seed: 13)
            softTargets = SoftTargets(teacherLogits: train.examples.map { byText[$0.text] },
                                      weight: distillationWeight, temperature: distillationTemperature)
            distilled = (english.count, variants.count)
            log("distillation: \(english.count) English texts and \(variants.count) variants labelled by the teacher")
        }
        let wordPiece = try WordPieceTrainer(vocabularySize: vocabularySize, alphabetLimit: alphabetLimit)
            .train(texts: train.examples.lazy.map(\.text))
        let subwords = SubwordTokenizerFile(tokenizer: try wordPiece.tokenizer())
        let vocabulary = try Vocabulary(tokens: wordPiece.tokens)
        log(String(format: "WordPiece vocabulary: %d tokens (%.1f s)", vocabulary.count, Date().timeIntervalSince(started)))

        let trainOptions = options(observer: observer)
        let model = architecture.makeModel(vocabularySize: vocabulary.count, labels: SentimentCorpora.labelNames,
                                           maxLength: maxLength, seed: seed)
        for case let table as Embedding in model.module.allModules {
            table.weight.value = table.weight.value * embeddingScale
        }
        var transferred = 0
        if embeddingsFromTeacher, let teacherEmbeddings {
            transferred = try Self.transfer(teacherEmbeddings, into: model.module, tokens: wordPiece.tokens,
                                            standardDeviation: embeddingScale)
            log("embeddings: \(transferred) of \(vocabulary.count) rows start from the teacher's word vectors (PCA)")
        }
        let trainer = try ClassifierTrainer(model: model, vocabulary: vocabulary, options: trainOptions, subwords: subwords)
        _ = try trainer.train(on: train, dev: corpora.calibration, softTargets: softTargets)

        let calibrationLogits = trainer.logits(of: corpora.calibration)
        // One temperature per language, each fitted on its own calibration part (the model is
        // more confident in one language than in the other); texts of neither script (digits,
        // punctuation) get the temperature of both parts with each language weighted equally.
        let (englishCount, chineseCount) = (corpora.englishCalibration.count, corpora.chineseCalibration.count)
        let labels = corpora.calibration.labels
        let weights = (0..<(englishCount + chineseCount)).map { $0 < englishCount ? 0.5 / Double(englishCount) : 0.5 / Double(chineseCount) }
        let temperature = TemperatureScaling.fit(logits: calibrationLogits, labels: labels, weights: weights)
        let temperatures: [TokenScript: Double] = [
            .neutral: temperature,
            .alphabetic: TemperatureScaling.fit(logits: Array(calibrationLogits.prefix(englishCount)), labels: Array(labels.prefix(englishCount))),
            .cjk: TemperatureScaling.fit(logits: Array(calibrationLogits.suffix(chineseCount)), labels: Array(labels.suffix(chineseCount))),
        ]
        func report(_ logits: [[Double]], _ set: TextDataSet) -> CalibrationReport {
            CalibrationReport(probabilities: logits.map { TemperatureScaling.probabilities($0) }, labels: set.labels)
        }
        let uncalibrated = (english: report(trainer.logits(of: corpora.englishTest), corpora.englishTest),
                            chinese: report(trainer.logits(of: corpora.chineseTest), corpora.chineseTest))
        try trainer.setScriptTemperatures(temperatures)
        // The calibrated figures are those of the model as saved (its logits end in the layer).
        let calibrated = trainer.logits(of: corpora.calibration)
        func part(_ range: Range<Int>, _ set: TextDataSet) -> CalibrationReport {
            CalibrationReport(probabilities: calibrated[range].map { TemperatureScaling.probabilities($0) }, labels: set.labels)
        }
        return Outcome(trainer: trainer, tokenizer: wordPiece, corpora: corpora, temperature: temperature,
                       temperatures: temperatures,
                       english: report(trainer.logits(of: corpora.englishTest), corpora.englishTest),
                       chinese: report(trainer.logits(of: corpora.chineseTest), corpora.chineseTest),
                       calibration: report(calibrated, corpora.calibration),
                       englishCalibration: part(0..<englishCount, corpora.englishCalibration),
                       chineseCalibration: part(englishCount..<(englishCount + chineseCount), corpora.chineseCalibration),
                       uncalibratedEnglish: uncalibrated.english, uncalibratedChinese: uncalibrated.chinese,
                       seconds: Date().timeIntervalSince(started),
                       distilledTextCount: distilled.texts, variantCount: distilled.variants,
                       transferredEmbeddingRows: transferred)
    }

    /// Replaces the rows of English tokens in the token table of `module` (the `Embedding` with one
    /// row per token) by the teacher's vectors reduced to its width; returns how many rows changed.
    static func transfer(_ transfer: EmbeddingTransfer, into module: Module, tokens: [String],
                         standardDeviation: Float) throws -> Int {
        guard let table = module.allModules.lazy.compactMap({ $0 as? Embedding })
            .first(where: { $0.weight.value.shape[0] == tokens.count }) else { return 0 }
        let width = table.weight.value.shape[1]
        let rows = try transfer.reducedVectors(for: tokens, dimension: width, standardDeviation: standardDeviation) { token in
            !(token.hasPrefix("[") && token.hasSuffix("]")) && !token.unicodeScalars.contains { Self.isCJK($0) }
        }
        var scalars = table.weight.value.scalars
        var count = 0
        for (index, row) in rows.enumerated() {
            guard let row, index != table.paddingIndex else { continue }
            for j in 0..<width { scalars[index * width + j] = row[j] }
            count += 1
        }
        table.weight.value = Tensor(shape: table.weight.value.shape, scalars: scalars)
        return count
    }

    /// CJK ideographs and punctuation (Chinese tokens keep their random start).
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3000...0x303F, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF00...0xFFEF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }

    /// The logits of `texts` by the Hugging Face sequence classifier at `model` (e.g. MiniLM
    /// fine-tuned on SST-2 by `loupe train --init`), in batches of 64, truncated to 128 tokens.
    public static func teacherLogits(model: URL, texts: [String], log: (String) -> Void = { print($0) }) throws -> [[Float]] {
        let loaded = try PretrainedModel.load(model)
        guard let classifier = loaded.classifier, classifier.labels.count == 2 else {
            throw CheckpointError(.invalidArgument, file: model.path, "the teacher must be a two-class sequence classifier")
        }
        let ids = texts.map { text -> [Int] in
            let pieces = loaded.tokenizer.encode(text, addSpecialTokens: true).map(\.id)
            return pieces.count > 128 ? Array(pieces.prefix(127)) + [pieces.last!] : pieces
        }
        let started = Date()
        var reported = 0
        return classifier.logitRows(tokenIDs: ids, batchSize: 64) { done in
            guard done - reported >= 6_400 || done == ids.count else { return }
            reported = done
            log(String(format: "teacher: %d/%d texts (%.0f s)", done, texts.count, Date().timeIntervalSince(started)))
        }
    }

    /// The probe sentences the trainer's model gets wrong, with what it predicted.
    public static func failedProbes(_ trainer: ClassifierTrainer) -> [(text: String, expected: String, predicted: String)] {
        probes.compactMap { probe in
            let p = trainer.probabilities(of: probe.text)
            let predicted = trainer.classifier.labels[p.indices.max { p[$0] < p[$1] } ?? 0]
            return predicted == probe.label ? nil : (probe.text, probe.label, predicted)
        }
    }
}
