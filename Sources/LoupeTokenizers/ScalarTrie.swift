/// A prefix tree over Unicode scalars mapping strings to non-negative values (token ids, added
/// token indices): what added-token matching and Unigram's Viterbi walk along the text.
struct ScalarTrie {
    /// Node → children by scalar value; node 0 is the root.
    private(set) var children: [[UInt32: Int32]] = [[:]]
    /// Node → the value of the string ending there, or -1.
    private(set) var terminal: [Int32] = [-1]

    /// Adds `key` with `value`; with `keepingFirst` an existing value of the same key stays.
    mutating func insert(_ key: String, value: Int, keepingFirst: Bool = false) {
        var node = 0
        for c in key.unicodeScalars {
            if let next = children[node][c.value] {
                node = Int(next)
            } else {
                children.append([:])
                terminal.append(-1)
                children[node][c.value] = Int32(children.count - 1)
                node = children.count - 1
            }
        }
        if !keepingFirst || terminal[node] < 0 { terminal[node] = Int32(value) }
    }

    /// True when nothing was inserted.
    var isEmpty: Bool { children[0].isEmpty }

    /// The child of `node` along `scalar`, if any.
    @inline(__always)
    func child(of node: Int, _ scalar: Unicode.Scalar) -> Int? {
        children[node][scalar.value].map(Int.init)
    }

    /// The value of the string ending at `node`, or -1.
    @inline(__always)
    func value(at node: Int) -> Int { Int(terminal[node]) }
}
