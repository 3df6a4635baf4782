import Foundation
import Loupe
import Testing

/// `train --init` fine-tunes a Hugging Face BERT folder and saves one that `explain --model` and
/// the Hugging Face loader read back; the per-architecture recipe defaults are applied and
/// overridden by flags.
@Suite(.enabled(if: CLI.isAvailable, Comment(rawValue: CLI.missingMessage)))
struct TrainFineTuneTests {
    static let bert = CLI.packageRoot.appendingPathComponent("Tests/LoupeCLITests/Fixtures/pretrained/tiny-bert-sentiment")

    @Test("train --init fine-tunes the fixture BERT, saves a BertForSequenceClassification folder, and explain reads it")
    func fineTuneSaveAndExplain() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let train = folder.appendingPathComponent("train.tsv"), dev = folder.appendingPathComponent("dev.tsv")
        try TrainEvaluateTests.writeSentiment(to: train, count: 64, format: "tsv")
        try TrainEvaluateTests.writeSentiment(to: dev, count: 16, format: "tsv")
        let out = folder.appendingPathComponent("tuned")
        let trained = try CLI.run(["train", "--init", Self.bert.path, "--data", train.path, "--dev", dev.path,
                                   "--out", out.path, "--epochs", "4", "--learning-rate", "2e-3", "--batch-size", "8"])
        #expect(trained.status == 0, "\(trained.transcript)")
        #expect(trained.stderr.contains("recipe: adamw lr 0.002"), "\(trained.stderr)")
        #expect(trained.stdout.contains("fine-tuned 4 epochs") && trained.stdout.contains("dev accuracy"), "\(trained.stdout)")
        for name in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "training.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json")))
            as? [String: Any])
        #expect(config["architectures"] as? [String] == ["BertForSequenceClassification"])
        #expect(config["id2label"] as? [String: String] == ["0": "negative", "1": "positive"])
        let state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("training.json")))
            as? [String: Any])
        #expect((state["history"] as? [Any])?.count == 4)
        // It reads back as the typed state (what loupe-regenerate-defaults reports of a teacher).
        let typed = try JSONDecoder().decode(EncoderFineTuningState.self,
                                             from: Data(contentsOf: out.appendingPathComponent("training.json")))
        #expect(typed.completedEpochs == 4 && typed.history.count == 4)
        #expect(typed.earlyStopping.bestScore != nil)

        let explained = try CLI.run(["explain", "--model", out.path, "--target", "positive", "the film was great"])
        #expect(explained.status == 0, "\(explained.transcript)")
        #expect(explained.stdout.contains("predicted: positive"), "\(explained.stdout)")
    }

    @Test("train --init refuses settings of scratch training and an --out that is the --init folder")
    func fineTuneRejectsWhatDoesNotApply() throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let train = folder.appendingPathComponent("train.tsv")
        try TrainEvaluateTests.writeSentiment(to: train, count: 8, format: "tsv")
        let embed = try CLI.run(["train", "--init", Self.bert.path, "--data", train.path, "--out", folder.appendingPathComponent("o").path,
                                 "--embed-dim", "8"])
        #expect(embed.status != 0 && embed.stderr.contains("--embed-dim does not apply to --init"), "\(embed.transcript)")
        let both = try CLI.run(["train", "--init", Self.bert.path, "--arch", "bag", "--data", train.path, "--out", folder.path])
        #expect(both.status != 0 && both.stderr.contains("cannot be used together"), "\(both.transcript)")
        let neither = try CLI.run(["train", "--data", train.path, "--out", folder.path])
        #expect(neither.status != 0 && neither.stderr.contains("--arch"), "\(neither.transcript)")
        let missing = try CLI.run(["train", "--init", folder.appendingPathComponent("nope").path, "--data", train.path,
                                   "--out", folder.appendingPathComponent("o").path])
        #expect(missing.status != 0 && missing.stderr.contains("no such folder"), "\(missing.transcript)")
    }

    @Test("a classifier run prints the architecture's recipe, with the flags given replacing single settings",
          arguments: [("bag", [String](), "adam lr 0.01, warm-up 6 steps then linear decay, 6 epochs, embed scale 0.1"),
                      ("transformer", ["--epochs", "1"], "adamw lr 0.001, weight decay 0.01, warm-up 1 steps then linear decay, 1 epochs, embed scale 0.02"),
                      ("bag", ["--schedule", "constant", "--learning-rate", "0.02"], "adam lr 0.02, constant rate, 6 epochs"),
                      ("bag", ["--warmup-steps", "3", "--embed-scale", "1", "--min-count", "2"], "warm-up 3 steps then linear decay, 6 epochs, embed scale 1.0, min count 2")])
    func recipeDefaultsAndOverrides(_ arch: String, _ flags: [String], _ expected: String) throws {
        let folder = try temporaryFolder()
        defer { cleanUp(folder) }
        let train = folder.appendingPathComponent("train.tsv")
        try TrainEvaluateTests.writeSentiment(to: train, count: 320, format: "tsv")
        let run = try CLI.run(["train", "--arch", arch, "--data", train.path, "--out", folder.appendingPathComponent("run").path,
                               "--embed-dim", "16", "--hidden-dim", "16"] + flags)
        #expect(run.status == 0, "\(run.transcript)")
        #expect(run.stderr.contains("recipe: " ), "\(run.stderr)")
        #expect(run.stderr.contains(expected), "\(run.stderr)")
    }
}
