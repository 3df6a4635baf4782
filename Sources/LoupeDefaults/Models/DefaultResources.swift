import Foundation
import LoupeIO

/// Files bundled with LoupeDefaults (`Sources/LoupeDefaults/Resources`, copied as a folder tree):
/// the built-in corpus and one folder per bundled default model.
enum DefaultResources {
    /// SwiftPM's name for this module's resources (`<package>_<module>`).
    static let bundleName = "Loupe_LoupeDefaults"

    /// Where the resources were found, or nil.
    static var folder: URL? { ResourceBundle.folder(named: bundleName) }

    /// The bundled file or folder called `name`, or `nil` when the build ships none.
    static func url(_ name: String) -> URL? {
        // Not `Bundle.module`: it stops a binary copied out of the build tree (see ResourceBundle).
        guard let root = ResourceBundle.folder(named: bundleName) else { return nil }
        // `.copy("Resources")` keeps the folder; a `.process` rule would flatten it into the root.
        for candidate in [root.appendingPathComponent("Resources").appendingPathComponent(name),
                          root.appendingPathComponent(name)]
            where FileManager.default.fileExists(atPath: candidate.path) {
            return candidate
        }
        return nil
    }
}
