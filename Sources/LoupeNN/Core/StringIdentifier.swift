/// A typed name: a string with a type of its own, so that a method's identity, a layer and an
/// activation site cannot be mixed up, while JSON and the command line still read and write the
/// plain string. Conforming types declare `rawValue` and `init(rawValue:)`; literals, printing and
/// coding come from here.
public protocol StringIdentifier: RawRepresentable, Hashable, Codable, Sendable, ExpressibleByStringInterpolation,
    CustomStringConvertible where RawValue == String {
    init(rawValue: String)
}

extension StringIdentifier {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }

    /// Reads the plain string.
    public init(from decoder: Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }

    /// Writes the plain string.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
