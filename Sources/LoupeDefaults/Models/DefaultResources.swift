import Foundation

/// Files bundled with LoupeDefaults (`Sources/LoupeDefaults/Resources`, copied as a folder tree):
/// the built-in corpus and one folder per bundled default model.
enum DefaultResources {
    /// The bundled file or folder called `name`, or `nil` when the build ships none.
    static func url(_ name: String) -> URL? {
        let bundle = Bundle.module
        guard let root = bundle.resourceURL else { return nil }
        // `.copy("Resources")` keeps the folder; a `.process` rule would flatten it into the root.
        for candidate in [root.appendingPathComponent("Resources").appendingPathComponent(name),
                          root.appendingPathComponent(name)]
            where FileManager.default.fileExists(atPath: candidate.path) {
            return candidate
        }
        return nil
    }
}
