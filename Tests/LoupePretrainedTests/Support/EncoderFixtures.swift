import Foundation
import Testing

/// The tiny encoders written by `benchmarks/fixtures/make_encoder_fixtures.py` and their
/// transformers outputs (`Fixtures/encoders/expected.json`).
enum EncoderFixtures {
    static var root: URL {
        get throws { try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/encoders") }
    }

    static func folder(_ name: String) throws -> URL { try root.appendingPathComponent(name) }

    static func json(_ url: URL) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [String: Any])
    }

    /// The expected outputs of fixture `name`.
    static func expected(_ name: String) throws -> [String: Any] {
        try #require(try json(root.appendingPathComponent("expected.json"))[name] as? [String: Any])
    }

    /// A numeric array as Floats.
    static func floats(_ value: Any?) throws -> [Float] {
        try #require(value as? [NSNumber]).map(\.floatValue)
    }

    /// A ragged array of id rows.
    static func ids(_ value: Any?) throws -> [[Int]] {
        try #require(value as? [[NSNumber]]).map { $0.map(\.intValue) }
    }
}
