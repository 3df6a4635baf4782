import Foundation

/// The PyTorch/Captum reference checkpoints and results copied from `shared/reference` into
/// `Tests/LoupeNNTests/Fixtures/reference/` (so tests pass without `../shared`).
public enum ReferenceFixtures {
    /// The fixture folder of one reference model (`bag-of-embeddings`, `transformer-classifier`,
    /// `text-vae`, `image-vae`), found relative to this source file.
    public static func directory(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LoupeNNTests/Fixtures/reference/\(name)")
    }

    /// The parsed `expected.json` of one reference model.
    public static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory(name).appendingPathComponent("expected.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return object
    }

    /// All numbers of a (nested) JSON array, row-major.
    public static func numbers(_ value: Any?) -> [Double] {
        switch value {
        case let n as NSNumber: return [n.doubleValue]
        case let a as [Any]: return a.flatMap { numbers($0) }
        default: return []
        }
    }

    /// Integers of a JSON array.
    public static func integers(_ value: Any?) -> [Int] {
        (value as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue }
    }
}
