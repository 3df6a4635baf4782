import Foundation
import Loupe

/// Loads the models the commands work on: any checkpoint folder in the interchange layout (also a
/// training run's folder, whose `best/` model is used), or the default models.
enum ModelLoader {
    /// The checkpoint folder `path` names: the folder itself, or its `best/` (then `last/`)
    /// subfolder when it is a training run's output.
    static func resolve(_ path: String) -> URL {
        let url = URL(fileURLWithPath: path)
        let manager = FileManager.default
        if manager.fileExists(atPath: url.appendingPathComponent(Checkpoint.configFileName).path) { return url }
        for sub in [TrainingCheckpoint.bestFolderName, TrainingCheckpoint.lastFolderName] {
            let candidate = url.appendingPathComponent(sub)
            if manager.fileExists(atPath: candidate.appendingPathComponent(Checkpoint.configFileName).path) {
                return candidate
            }
        }
        return url
    }

    /// Loads `path`; errors name the option and folder.
    static func load(_ path: String, option: String = "--model") throws -> ModelCheckpoint {
        do {
            return try ModelFactory.load(from: resolve(path))
        } catch let error as CheckpointError {
            let where_ = error.file.hasPrefix("/") ? "\(option) " : "\(option) \(path): "
            throw CLIError.usage(oneLine(where_ + error.description))
        }
    }

    /// A pretrained checkpoint (Hugging Face folder or GGUF file); errors name the option.
    static func pretrained(_ path: String, option: String = "--model") throws -> PretrainedModel {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CLIError.usage("\(option) \(path): no such file or folder")
        }
        guard PretrainedModel.isPretrained(url) else {
            throw CLIError.usage("\(option) \(path): not a Hugging Face folder (config.json with model_type) or a GGUF file")
        }
        do { return try PretrainedModel.load(url) } catch let error as PretrainedError {
            throw CLIError.usage("\(option) \(located(error, path))")
        }
    }

    /// Only the tokenizer of a pretrained checkpoint.
    static func pretrainedTokenizer(_ path: String, option: String = "--model") throws -> PretrainedTokenizer {
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CLIError.usage("\(option) \(path): no such file or folder")
        }
        do { return try PretrainedModel.loadTokenizer(url) } catch let error as PretrainedError {
            throw CLIError.usage("\(option) \(located(error, path))")
        }
    }

    /// `error`'s message, led by `path` when it names a file inside the folder `path` only by its
    /// name (`config.json: …`), so that the message says which folder.
    static func located(_ error: PretrainedError, _ path: String) -> String {
        let message = error.description
        let name = URL(fileURLWithPath: path).lastPathComponent
        if message.hasPrefix("/") || message.hasPrefix(name + ":") || message.hasPrefix(path) { return message }
        return "\(path): \(message)"
    }

    /// The classifier at `path` (Loupe's layout, or a Hugging Face classifier), or the default classifier.
    static func explainer(_ path: String?, console: Console) throws -> TextExplainer {
        if let path, PretrainedModel.isPretrained(URL(fileURLWithPath: path)) {
            let loaded = try pretrained(path)
            guard let classifier = loaded.classifier else {
                let what = loaded.languageModel != nil ? "a causal language model (use 'loupe generate')"
                    : "an encoder without a classification head"
                throw CLIError.usage("--model \(path): '\(loaded.architecture)' is \(what); explain needs a sequence classifier")
            }
            return TextExplainer(model: classifier,
                                 frontEnd: PretrainedFrontEnd(tokenizer: loaded.tokenizer,
                                                              maximumLength: classifier.maximumSequenceLength),
                                 architecture: loaded.architecture, modelPath: loaded.source.path)
        }
        let checkpoint: ModelCheckpoint
        if let path {
            checkpoint = try load(path)
        } else {
            do {
                checkpoint = try DefaultModels.classifier(log: console.note)
            } catch {
                throw CLIError.runtime("cannot load the default model: \(error)")
            }
        }
        do { return try TextExplainer(checkpoint: checkpoint) } catch let error as ExplainerError {
            throw CLIError.usage("--model \(error.message)")
        }
    }

    /// A loaded VAE of either kind.
    enum LatentModel {
        case text(TextVAE, ModelCheckpoint)
        case image(ImageVAE, ModelCheckpoint)
    }

    /// The VAE at `path`; without one, the default VAE (the image VAE when `wantsImage`, else the
    /// bundled text VAE).
    static func latent(_ path: String?, command: String, wantsImage: Bool = false,
                       console: Console? = nil) throws -> LatentModel {
        let checkpoint: ModelCheckpoint
        if let path {
            checkpoint = try load(path)
        } else {
            do {
                checkpoint = wantsImage
                    ? try DefaultModels.imageVAE(log: console?.note ?? { _ in }, observer: console?.sideProgress)
                    : try DefaultModels.textVAE(log: console?.note ?? { _ in }, observer: console?.sideProgress)
            } catch {
                throw CLIError.runtime("cannot load the default \(wantsImage ? "image" : "text") VAE: \(error)")
            }
        }
        switch checkpoint.model {
        case .textVAE(let m): return .text(m, checkpoint)
        case .imageVAE(let m): return .image(m, checkpoint)
        default:
            throw CLIError.usage("--model \(path ?? ""): '\(checkpoint.model.architecture)' is not a VAE; "
                                 + "\(command) needs a text-vae or image-vae checkpoint")
        }
    }

    /// The text VAE at `path`, or the default text VAE.
    static func textVAE(_ path: String?, command: String, console: Console? = nil) throws -> (TextVAE, ModelCheckpoint) {
        guard case .text(let model, let checkpoint) = try latent(path, command: command, console: console) else {
            throw CLIError.usage("--model \(path ?? ""): \(command) needs a text-vae checkpoint, found an image-vae")
        }
        guard checkpoint.vocabulary != nil else {
            throw CLIError.usage("--model \(path ?? ""): vocab.txt is missing; a text VAE needs its vocabulary")
        }
        return (model, checkpoint)
    }
}
