import Foundation
import LoupeIO
import LoupeNN

/// The models Loupe uses when none is given: a sentiment classifier (English + Chinese) and, for
/// the latent pictures, a text VAE and an image VAE.
///
/// All three are checkpoints bundled with LoupeDefaults (``bundledFolder(for:)``), made from real
/// data by `loupe-regenerate-defaults` (the classifier by ``DefaultModelRecipe``). The classifier
/// has no other source. A build without the VAE bundles trains small VAEs once, deterministically,
/// on the built-in corpus (``DefaultCorpus``) or on procedural shapes (``ShapesGenerator``), and
/// caches them under `$XDG_CACHE_HOME/loupe/` (default `~/.cache/loupe/`) as `default-text-vae`
/// and `default-image-vae`; a cached folder is used only when its weights carry the current
/// recipe tag (``Kind/recipe``), so a changed recipe retrains.
public enum DefaultModels {
    /// Which default model.
    public enum Kind: String, CaseIterable, Sendable {
        case classifier = "default-model"
        case textVAE = "default-text-vae"
        case imageVAE = "default-image-vae"

        /// The recipe tag written into the cached weights' metadata.
        public var recipe: String {
            switch self {
            case .classifier: return DefaultModelRecipe.tag
            case .textVAE: return TextVAERecipe.tag
            case .imageVAE: return "image-vae-v2"
            }
        }
    }

    /// The checkpoint of `kind` bundled with LoupeDefaults (`Resources/<kind>`), or `nil` when the
    /// build ships none.
    public static func bundledFolder(for kind: Kind) -> URL? {
        DefaultResources.url(kind.rawValue).flatMap { DefaultModel.isCheckpoint($0) ? $0 : nil }
    }

    /// The metadata key holding the recipe tag.
    public static let recipeKey = "loupe.default-recipe"

    /// The safetensors metadata that marks a folder as a cached default model of `kind`.
    public static func cacheMetadata(for kind: Kind) -> [String: String] { [recipeKey: kind.recipe] }

    /// `$XDG_CACHE_HOME/loupe` (when set and absolute), else `~/.cache/loupe`.
    public static var cacheDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("loupe")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".cache").appendingPathComponent("loupe")
    }

    /// Where the default model of `kind` is cached.
    public static func cacheFolder(for kind: Kind) -> URL { cacheDirectory.appendingPathComponent(kind.rawValue) }

    /// The default sentiment classifier (labels `negative`, `positive`): the checkpoint bundled
    /// with LoupeDefaults (trained on real reviews by `loupe-regenerate-defaults classifier`; see
    /// ``DefaultModelRecipe``).
    /// - Parameter log: receives one line saying which model is used.
    /// - Throws: ``CheckpointError`` when the build ships no default classifier.
    public static func classifier(log: (String) -> Void = { print($0) }) throws -> ModelCheckpoint {
        guard let bundled = DefaultModel.directory else {
            let searched = ResourceBundle.candidates(named: DefaultResources.bundleName)
                .filter { $0.lastPathComponent.hasSuffix(".resources") }.prefix(3).map { $0.deletingLastPathComponent().path }
            throw CheckpointError(.io, file: DefaultModel.folderName,
                                  "the bundled default classifier was not found (looked for \(DefaultResources.bundleName).resources in "
                                  + searched.joined(separator: ", ")
                                  + "); install it beside the binary or in PREFIX/share/loupe (README, Install), set LOUPE_RESOURCES, or pass --model")
        }
        log("using the bundled default classifier (\(bundled.path))")
        return try ModelFactory.load(from: bundled)
    }

    /// Loads the cached model of `kind` when its recipe matches, else runs `train` and caches it.
    static func cachedOrTrained(_ kind: Kind, log: (String) -> Void,
                                train: () throws -> (Module, CheckpointConfig, [String]?)) throws -> ModelCheckpoint {
        let folder = cacheFolder(for: kind)
        if let cached = try? Checkpoint.load(from: folder), cached.metadata[recipeKey] == kind.recipe,
           let loaded = try? ModelFactory.load(from: folder) {
            log("using the cached \(kind.rawValue) (\(folder.path))")
            return loaded
        }
        let started = Date()
        let (module, config, vocabulary) = try train()
        let seconds = Date().timeIntervalSince(started)
        do {
            try Checkpoint.save(module, config: config, vocabulary: vocabulary, to: folder,
                                metadata: cacheMetadata(for: kind))
            log(String(format: "trained the %@ in %.1f s; cached in %@", kind.rawValue, seconds, folder.path))
            return try ModelFactory.load(from: folder)
        } catch {
            // An unwritable cache must not stop the caller: keep the model in a temporary folder.
            let temporary = FileManager.default.temporaryDirectory
                .appendingPathComponent("loupe-\(kind.rawValue)-\(getpid())")
            try Checkpoint.save(module, config: config, vocabulary: vocabulary, to: temporary,
                                metadata: cacheMetadata(for: kind))
            log("could not cache the \(kind.rawValue) in \(folder.path) (\(error)); using \(temporary.path)")
            return try ModelFactory.load(from: temporary)
        }
    }
}
