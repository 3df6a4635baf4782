import Foundation
import Loupe

/// Retrains the default classifier with ``DefaultModelRecipe`` on the real data under
/// `LOUPE_DATA` (default: `../shared/data` beside the checkout), prints the calibrated figures,
/// checks the probe sentences and, with `write`, saves the model folder with its README.
///
/// With `LOUPE_TEACHER=FOLDER` (a Hugging Face classifier, e.g. all-MiniLM-L6-v2 fine-tuned on SST-2
/// by `loupe train --init`), the English part is distilled from that teacher; its logits are cached
/// under ~/.cache/loupe/teacher-logits.
///
/// For experiments, `LOUPE_RECIPE` overrides settings, e.g.
/// `LOUPE_RECIPE="epochs=3,embed=128,arch=bag,lr=3e-3"` (keys: arch, embed, hidden, heads, layers,
/// ffn, dropout, epochs, batch, lr, warmup, wd, scale, maxlen, vocab, alphabet, seed, distill, tau,
/// variants); a bundle is
/// only ever written from the recipe's own settings.
func regenerateClassifier(write: Bool, resources: URL) throws {
    let root = resources.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let data = ProcessInfo.processInfo.environment["LOUPE_DATA"].map { URL(fileURLWithPath: $0) }
        ?? root.deletingLastPathComponent().appendingPathComponent("shared/data")
    var recipe = DefaultModelRecipe.classifier
    let overrides = ProcessInfo.processInfo.environment["LOUPE_RECIPE"] ?? ""
    if !overrides.isEmpty {
        guard !write else { throw DataSetError(.invalidArgument, file: "LOUPE_RECIPE", "overrides are for experiments; unset it to --write") }
        try recipe.apply(overrides: overrides)
    }
    var teacher: (([String]) throws -> [[Float]])?
    var embeddings: EmbeddingTransfer?
    if let path = ProcessInfo.processInfo.environment["LOUPE_TEACHER"], !path.isEmpty {
        let model = URL(fileURLWithPath: path)
        teacher = { texts in try cachedTeacherLogits(model: model, texts: texts) }
        if recipe.embeddingsFromTeacher { embeddings = try EmbeddingTransfer(teacher: try PretrainedModel.load(model)) }
        print("distilling from the teacher at \(model.path)")
    }
    let outcome = try recipe.train(data: data, teacher: teacher, teacherEmbeddings: embeddings,
                                   observer: ProgressReporter(style: .lines))
    let lines = ClassifierReadme.figures(outcome)
    for line in lines { print(line) }
    for line in ClassifierReadme.probeLines(outcome.trainer) { print(line) }
    let failed = DefaultModelRecipe.failedProbes(outcome.trainer)
    guard write else { return }
    guard failed.isEmpty else {
        throw DataSetError(.invalidArgument, file: "default-model",
                           "\(failed.count) probe sentence(s) wrong (first: \(failed[0].text) → \(failed[0].predicted)); nothing written")
    }
    let folder = resources.appendingPathComponent(DefaultModel.folderName)
    try outcome.trainer.saveModel(to: folder, metadata: [DefaultModels.recipeKey: DefaultModelRecipe.tag,
                                                         "temperature": String(outcome.temperature)])
    try AtomicFile.write(try outcome.tokenizer.tokenizerJSON(), to: folder.appendingPathComponent(SubwordTokenizerFile.fileName))
    let teacherRun = ProcessInfo.processInfo.environment["LOUPE_TEACHER"].map { TeacherRun(folder: URL(fileURLWithPath: $0)) }
    try AtomicFile.write(ClassifierReadme.text(outcome, recipe: recipe, teacher: teacherRun), to: folder.appendingPathComponent("README.md"))
    print("wrote \(folder.path)")
}

/// What the bundle's README says of its teacher: the folder's name and, from the
/// `training.json` that `loupe train --init` wrote there, its epochs and SST-2 dev accuracy.
struct TeacherRun {
    let name: String
    let epochs: Int?
    let devAccuracy: Double?

    init(folder: URL) {
        name = folder.lastPathComponent
        let state = (try? Data(contentsOf: folder.appendingPathComponent("training.json")))
            .flatMap { try? JSONDecoder().decode(EncoderFineTuningState.self, from: $0) }
        epochs = state?.completedEpochs
        devAccuracy = state?.earlyStopping.bestScore
    }
}

/// The teacher's logits of `texts`, each text computed once and cached: one JSON object per teacher
/// (keyed by the model folder and the size and date of its weights) mapping texts to logits, so a
/// changed corpus only sends its new texts through the teacher.
func cachedTeacherLogits(model: URL, texts: [String]) throws -> [[Float]] {
    let weights = model.appendingPathComponent("model.safetensors")
    let attributes = try? FileManager.default.attributesOfItem(atPath: weights.path)
    let stamp = "\((attributes?[.size] as? Int) ?? 0)-\(Int((attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0))"
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in (model.standardizedFileURL.path + stamp).utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
    }
    let cache = DefaultModels.cacheDirectory.appendingPathComponent("teacher-logits")
        .appendingPathComponent("texts-" + String(hash, radix: 16) + ".json")
    var known: [String: [Float]] = [:]
    if let data = try? Data(contentsOf: cache), let table = try? JSONDecoder().decode([String: [Float]].self, from: data) {
        known = table
    }
    let missing = Array(Set(texts.filter { known[$0] == nil })).sorted()
    print("teacher logits: \(texts.count - texts.filter { known[$0] == nil }.count) of \(texts.count) texts from \(cache.path)")
    if !missing.isEmpty {
        let rows = try DefaultModelRecipe.teacherLogits(model: model, texts: missing)
        guard rows.count == missing.count else {
            throw DataSetError(.invalidArgument, file: model.path, "the teacher gave \(rows.count) rows for \(missing.count) texts")
        }
        for (text, row) in zip(missing, rows) { known[text] = row }
        try? FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? AtomicFile.write(try JSONEncoder().encode(known), to: cache)
    }
    return texts.map { known[$0]! }
}
