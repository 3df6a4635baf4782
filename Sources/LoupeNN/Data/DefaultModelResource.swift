import Foundation

/// The default classifier checkpoint bundled as a LoupeNN resource (`Resources/default-model/`),
/// when the package ships one.
///
/// The folder is in the interchange layout (`config.json`, `model.safetensors`, `vocab.txt`) and
/// loads with ``ModelFactory/load(from:)``. Packages built without it return `nil`; callers then
/// train a default model themselves (see `DefaultModels` in the `Loupe` module).
public enum DefaultModelResource {
    /// The resource folder's name.
    public static let folderName = "default-model"

    /// The bundled checkpoint folder, or `nil` when the package has none.
    ///
    /// Resource rules differ in whether they keep the folder (`.copy`) or flatten its files into
    /// the bundle's top level (`.process`); both layouts are recognised.
    public static var url: URL? {
        guard let bundle = resourceBundle else { return nil }
        if let folder = bundle.url(forResource: folderName, withExtension: nil), isCheckpoint(folder) {
            return folder
        }
        if let root = bundle.resourceURL {
            let nested = root.appendingPathComponent(folderName)
            if isCheckpoint(nested) { return nested }
            if isCheckpoint(root) { return root }
        }
        return nil
    }

    /// Whether `folder` holds the two required files of a checkpoint.
    static func isCheckpoint(_ folder: URL) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: folder.appendingPathComponent(Checkpoint.configFileName).path)
            && manager.fileExists(atPath: folder.appendingPathComponent(Checkpoint.weightsFileName).path)
    }

    /// LoupeNN's resource bundle (the one that also holds the default corpus).
    static var resourceBundle: Bundle? { Bundle.module }
}
