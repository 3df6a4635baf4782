/// A span of an original text in Unicode-scalar offsets, `end` exclusive (the convention of ``Token``).
public struct TextSpan: Equatable, Hashable, Codable, Sendable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }

    /// True when the span shares at least one scalar with `token`'s span.
    public func overlaps(_ token: Token) -> Bool { token.start < end && start < token.end }

    /// The substring of `text` this span covers (empty when out of range).
    public func substring(of text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard start >= 0, start <= end, end <= scalars.count else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }
}

/// One labelled text.
public struct TextExample: Equatable, Sendable {
    /// The text as read (readers trim surrounding white space unless asked not to).
    public var text: String
    /// Index into the data set's ``TextDataSet/labelNames``.
    public var label: Int
    /// Indices of the tokens (under the default ``Tokenizer``) that decide the label, when known.
    public var rationaleTokenIndices: [Int]?
    /// The same rationale as spans of ``text`` (tokenizer-independent), when known.
    public var rationaleSpans: [TextSpan]?

    public init(text: String, label: Int, rationaleTokenIndices: [Int]? = nil, rationaleSpans: [TextSpan]? = nil) {
        self.text = text
        self.label = label
        self.rationaleTokenIndices = rationaleTokenIndices
        self.rationaleSpans = rationaleSpans
    }
}

/// Labelled texts plus the names of their labels (a label is an index into ``labelNames``).
public struct TextDataSet: Equatable, Sendable {
    public var examples: [TextExample]
    /// Label names in index order, e.g. `["negative", "positive"]`.
    public var labelNames: [String]

    /// A data set; every example's label must index `labelNames`.
    public init(examples: [TextExample], labelNames: [String]) {
        precondition(examples.allSatisfy { $0.label >= 0 && $0.label < labelNames.count },
                     "a label is outside 0..<\(labelNames.count)")
        self.examples = examples
        self.labelNames = labelNames
    }

    /// Number of examples.
    public var count: Int { examples.count }
    /// True when there are no examples.
    public var isEmpty: Bool { examples.isEmpty }
    /// The example at `index`.
    public subscript(index: Int) -> TextExample { examples[index] }
    /// The texts, in order.
    public var texts: [String] { examples.map(\.text) }
    /// The label indices, in order.
    public var labels: [Int] { examples.map(\.label) }

    /// How many examples carry each label, indexed like ``labelNames``.
    public var labelCounts: [Int] {
        var counts = [Int](repeating: 0, count: labelNames.count)
        for example in examples { counts[example.label] += 1 }
        return counts
    }

    /// The index of a label name, if present.
    public func labelIndex(of name: String) -> Int? { labelNames.firstIndex(of: name) }

    /// The examples at `indices`, in that order, with the same label names.
    public func subset<S: Sequence>(_ indices: S) -> TextDataSet where S.Element == Int {
        TextDataSet(examples: indices.map { examples[$0] }, labelNames: labelNames)
    }

    /// The examples that satisfy `isIncluded`, with the same label names.
    public func filter(_ isIncluded: (TextExample) throws -> Bool) rethrows -> TextDataSet {
        TextDataSet(examples: try examples.filter(isIncluded), labelNames: labelNames)
    }

    /// This data set followed by `other`'s examples; `other` must use the same label names.
    public func appending(_ other: TextDataSet) -> TextDataSet {
        precondition(other.labelNames == labelNames, "label names differ: \(labelNames) vs \(other.labelNames)")
        return TextDataSet(examples: examples + other.examples, labelNames: labelNames)
    }
}
