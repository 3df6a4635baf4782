import Foundation
import LoupeNN

/// How the bundled default text VAE (`Resources/default-text-vae`) is trained: a GRU sentence VAE
/// (after Bowman et al., 2016, "Generating Sentences from a Continuous Space", CoNLL) on short real
/// sentences in English and Chinese, with the three usual remedies against posterior collapse —
/// cyclical KL annealing (Fu et al., 2019, NAACL), free bits (Kingma et al., 2016, NeurIPS, "Improved
/// Variational Inference with Inverse Autoregressive Flow") and word dropout (Bowman et al., 2016).
///
/// The data (not shipped; `loupe-regenerate-defaults text-vae` reads it from a data folder laid out
/// like `../shared/data`):
/// - English: SST-2 `sst2/train.tsv` sentences of ``minimumTokens``–``maximumTokens`` tokens, with
///   the treebank's split contractions rejoined (`ca n't` → `can't`), rows holding bracket or quote
///   codes (`-lrb-`, ``` `` ```) left out, duplicates removed. Held out: the same selection of
///   `sst2/dev.tsv` (sentences no training row contains).
/// - Chinese: the reviews of `zh/waimai_10k.csv` and `zh/online_shopping_9cats.csv` of the same
///   length (characters are tokens), duplicates removed, shuffled with seed 0; the first
///   ``chineseHeldOut`` are held out.
public struct TextVAERecipe: Sendable {
    /// The tag written into the bundled and cached weights (``DefaultModels/Kind/recipe``).
    public static let tag = "text-vae-v4"

    public var minimumTokens = 5
    public var maximumTokens = 20
    /// At most this many English / Chinese training sentences (the first ones after a seeded shuffle).
    public var englishLimit = 40_000
    public var chineseLimit = 24_000
    public var chineseHeldOut = 500
    /// Tokens seen fewer times than this in training read as [UNK].
    public var minimumTokenCount = 3
    public var maximumVocabularySize = 5_000

    public var embedDimension = 64
    public var hiddenDimension = 192
    public var latentDimension = 64
    /// A second, backward encoder GRU (``TextVAEConfig/bidirectionalEncoder``).
    public var bidirectionalEncoder = true

    public var epochs = 6
    public var batchSize = 64
    public var learningRate: Float = 3e-3
    /// Decay the learning rate linearly to 0 at the last step (after `warmupSteps` of linear warm-up).
    public var decaysLearningRate = true
    public var warmupSteps = 100
    public var seed: UInt64 = 0
    /// Cycles of the cyclical KL schedule over the whole run (Fu et al. use 4).
    public var klCycles = 4
    public var klRampFraction: Float = 0.5
    /// Free bits λ per latent dimension (nats).
    public var freeBits: Float = 3
    public var wordDropout: Float = 0.3

    public init() {}

    /// The recipe of the bundled model.
    public static let bundled = TextVAERecipe()

    /// The sentences a run trains and is measured on.
    public struct Corpus: Sendable {
        public var training: [String]
        public var heldOutEnglish: [String]
        public var heldOutChinese: [String]
        /// Training sentences per language.
        public var englishCount: Int
        public var chineseCount: Int
        public var heldOut: [String] { heldOutEnglish + heldOutChinese }
    }

    /// Reads the corpus from `data` (a folder holding `sst2/` and `zh/`).
    /// - Throws: ``DataSetError`` naming the file that is missing or malformed.
    public func loadCorpus(data: URL) throws -> Corpus {
        let tokenizer = Tokenizer()
        func fits(_ text: String) -> Bool {
            (minimumTokens...maximumTokens).contains(tokenizer.tokenize(text).count)
        }
        func english(_ file: String) throws -> [String] {
            let rows = try TextDataSet.readTSV(at: data.appendingPathComponent("sst2").appendingPathComponent(file)).dataSet
            return unique(rows.texts.compactMap(Self.sentenceFromTreebank).filter(fits))
        }
        let englishTraining = Array(shuffledDeterministically(try english("train.tsv"), seed: seed).prefix(englishLimit))
        let englishHeldOut = try english("dev.tsv")
        var chinese: [String] = []
        for name in ["waimai_10k.csv", "online_shopping_9cats.csv"] {
            let url = data.appendingPathComponent("zh").appendingPathComponent(name)
            chinese += try TextDataSet.readCSV(at: url, textColumn: "review", onMalformedRow: .skip).dataSet.texts
        }
        let chineseAll = shuffledDeterministically(unique(chinese.map(Self.cleaned).filter(fits)), seed: seed)
        let chineseHeldOutRows = Array(chineseAll.prefix(chineseHeldOut))
        let chineseTraining = Array(chineseAll.dropFirst(chineseHeldOut).prefix(chineseLimit))
        let heldOutSet = Set(englishHeldOut + chineseHeldOutRows)
        let training = shuffledDeterministically((englishTraining + chineseTraining).filter { !heldOutSet.contains($0) },
                                                 seed: seed &+ 1)
        return Corpus(training: training, heldOutEnglish: englishHeldOut, heldOutChinese: chineseHeldOutRows,
                      englishCount: englishTraining.count, chineseCount: chineseTraining.count)
    }

    /// The trainer options of the recipe for `trainingCount` sentences, reporting to `observer`.
    public func options(trainingCount: Int, observer: (any TrainingObserver)? = nil) -> TextVAETrainingOptions {
        var options = TextVAETrainingOptions(epochs: epochs, batchSize: batchSize, learningRate: learningRate, seed: seed)
        let steps = epochs * ((trainingCount + batchSize - 1) / batchSize)
        options.maxLength = maximumTokens
        options.learningRateSchedule = decaysLearningRate ? .linearDecay(warmupSteps: warmupSteps) : .constant
        options.klAnnealing = .cyclical(cycleSteps: Swift.max(1, steps / Swift.max(klCycles, 1)), rampFraction: klRampFraction)
        options.freeBits = freeBits
        options.wordDropout = wordDropout
        options.minimumTokenCount = minimumTokenCount
        options.maximumVocabularySize = maximumVocabularySize
        options.evaluationLimit = 1_000
        options.observer = observer
        return options
    }

    /// Trains a text VAE on `corpus.training`, reporting epochs (with held-out figures) to `observer`.
    public func train(_ corpus: Corpus, observer: (any TrainingObserver)? = nil) throws -> TextVAETrainer {
        let trainer = TextVAETrainer.make(texts: corpus.training, embedDimension: embedDimension,
                                          hiddenDimension: hiddenDimension, latentDimension: latentDimension,
                                          bidirectionalEncoder: bidirectionalEncoder, options: options(trainingCount: corpus.training.count, observer: observer))
        try trainer.train(on: corpus.training, heldOut: corpus.heldOut)
        return trainer
    }

    // MARK: Text clean-up

    /// An SST-2 row as a sentence a person would type: split contractions rejoined (`ca n't` →
    /// `can't`, `it 's` → `it's`), or `nil` for rows holding the treebank's bracket and quote codes.
    public static func sentenceFromTreebank(_ row: String) -> String? {
        let text = row.trimmingCharacters(in: .whitespaces)
        if text.contains("-lrb-") || text.contains("-rrb-") || text.contains("`") || text.contains("''") { return nil }
        var words = text.split(separator: " ").map(String.init)
        var i = 1
        while i < words.count {
            let word = words[i]
            let joins = word == "n't" || ["'re", "'ve", "'ll", "'m", "'d"].contains(word)
                || (word == "'s" && Self.contractsWithIs.contains(words[i - 1]))
            if joins {
                words[i - 1] += word
                words.remove(at: i)
            } else {
                i += 1
            }
        }
        return words.joined(separator: " ")
    }

    static let contractsWithIs: Set<String> = ["it", "that", "there", "he", "she", "what", "who", "here", "let", "where"]

    /// A review with its runs of white space made single spaces.
    static func cleaned(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// `items` without repeats, first occurrences kept in order.
func unique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}

/// `items` in a seeded order.
func shuffledDeterministically(_ items: [String], seed: UInt64) -> [String] {
    seededPermutation(count: items.count, seed: seed).map { items[$0] }
}
