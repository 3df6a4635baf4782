/// A piece of text as the pipeline sees it: its current (normalized) scalars, and for each one
/// the range of the original text (in Unicode scalars, absolute) it came from.
///
/// This follows the alignment rules of Hugging Face `tokenizers`' `NormalizedString`
/// (`transform_range`): a scalar that replaces one keeps that one's alignment, an inserted scalar
/// takes the alignment of the scalar consumed just before it, and a range of normalized scalars
/// maps back to `start` of its first and `end` of its last scalar.
struct NormalizedText {
    var scalars: [Unicode.Scalar]
    var starts: [Int]
    var ends: [Int]
    /// Where this piece starts in the original text (alignment of scalars inserted at its front).
    var originStart: Int

    init(original scalars: [Unicode.Scalar], offset: Int = 0) {
        self.scalars = scalars
        self.starts = Array(offset..<(offset + scalars.count))
        self.ends = Array((offset + 1)..<(offset + scalars.count + 1))
        self.originStart = offset
    }

    init(scalars: [Unicode.Scalar], starts: [Int], ends: [Int], originStart: Int) {
        self.scalars = scalars
        self.starts = starts
        self.ends = ends
        self.originStart = originStart
    }

    var count: Int { scalars.count }
    var isEmpty: Bool { scalars.isEmpty }

    /// The original range covered by normalized scalars `range` (HF `expand_alignments`).
    func originalRange(_ range: Range<Int>) -> (Int, Int) {
        if range.isEmpty {
            let p = range.lowerBound < count ? starts[range.lowerBound] : (count > 0 ? ends[count - 1] : originStart)
            return (p, p)
        }
        return (starts[range.lowerBound], ends[range.upperBound - 1])
    }

    /// A slice of normalized scalars, with its alignments.
    func slice(_ range: Range<Int>) -> NormalizedText {
        let origin = range.isEmpty ? originalRange(range).0 : starts[range.lowerBound]
        return NormalizedText(scalars: Array(scalars[range]), starts: Array(starts[range]),
                              ends: Array(ends[range]), originStart: origin)
    }

    /// Applies `dest` (each new scalar with its change: 0 replaces the next scalar, +1 is inserted,
    /// -n replaces the next scalar and removes the n after it) to the scalars in `range`, after
    /// skipping `initialOffset` removed scalars at the start of the range.
    mutating func transform(range: Range<Int>, _ dest: [(Unicode.Scalar, Int)], initialOffset: Int) {
        var offset = range.lowerBound + initialOffset
        var newScalars: [Unicode.Scalar] = []
        var newStarts: [Int] = []
        var newEnds: [Int] = []
        newScalars.reserveCapacity(dest.count)
        newStarts.reserveCapacity(dest.count)
        newEnds.reserveCapacity(dest.count)
        let limit = range.upperBound
        for (c, change) in dest {
            let s: Int, e: Int
            if change > 0 {
                if offset < 1 {
                    s = originStart; e = originStart
                } else {
                    let i = min(offset - 1, count - 1)
                    s = starts[i]; e = ends[i]
                }
            } else {
                let i = min(offset, count - 1)
                if i >= 0 { s = starts[i]; e = ends[i] } else { s = originStart; e = originStart }
                offset += 1
                if change < 0 { offset += -change }
                offset = min(offset, limit)
            }
            newScalars.append(c)
            newStarts.append(s)
            newEnds.append(e)
        }
        scalars.replaceSubrange(range, with: newScalars)
        starts.replaceSubrange(range, with: newStarts)
        ends.replaceSubrange(range, with: newEnds)
    }

    mutating func transform(_ dest: [(Unicode.Scalar, Int)], initialOffset: Int = 0) {
        transform(range: 0..<count, dest, initialOffset: initialOffset)
    }

    /// Replaces each scalar by one scalar (`map` in HF).
    mutating func map(_ f: (Unicode.Scalar) -> Unicode.Scalar) {
        for i in scalars.indices { scalars[i] = f(scalars[i]) }
    }

    /// Keeps the scalars for which `keep` holds (HF `filter`).
    mutating func filter(_ keep: (Unicode.Scalar) -> Bool) {
        var removed = 0
        var reversed: [(Unicode.Scalar, Int)] = []
        reversed.reserveCapacity(count)
        for c in scalars.reversed() {
            if keep(c) {
                reversed.append((c, -removed))
                removed = 0
            } else {
                removed += 1
            }
        }
        if removed == 0 && reversed.count == count { return }
        transform(Array(reversed.reversed()), initialOffset: removed)
    }

    /// Prepends `s` (HF `prepend`): the new scalars take the first scalar's alignment.
    mutating func prepend(_ s: [Unicode.Scalar]) {
        guard let first = scalars.first else { return }
        var dest: [(Unicode.Scalar, Int)] = s.enumerated().map { ($0.element, $0.offset == 0 ? 0 : 1) }
        dest.append((first, 1))
        transform(range: 0..<1, dest, initialOffset: 0)
    }

    /// Appends `s` (HF `append`): the new scalars take the last scalar's alignment.
    mutating func append(_ s: [Unicode.Scalar]) {
        guard let last = scalars.last else { return }
        var dest: [(Unicode.Scalar, Int)] = [(last, 0)]
        dest.append(contentsOf: s.map { ($0, 1) })
        transform(range: (count - 1)..<count, dest, initialOffset: 0)
    }

    /// Replaces each match range (ascending, disjoint) by `content` (HF `replace`).
    mutating func replace(matches: [Range<Int>], with content: [Unicode.Scalar]) {
        var shift = 0
        for m in matches {
            let r = (m.lowerBound + shift)..<(m.upperBound + shift)
            transform(range: r, content.map { ($0, 1) }, initialOffset: r.count)
            shift += content.count - m.count
        }
    }

    /// Removes leading and/or trailing whitespace (HF `lrstrip`).
    mutating func strip(left: Bool, right: Bool) {
        let leading = left ? (scalars.firstIndex { !$0.properties.isWhitespace } ?? count) : 0
        var trailing = 0
        if right {
            var i = count - 1
            while i >= 0 && scalars[i].properties.isWhitespace { trailing += 1; i -= 1 }
        }
        guard leading > 0 || trailing > 0 else { return }
        if leading + trailing >= count {
            transform([], initialOffset: count)
            return
        }
        var dest: [(Unicode.Scalar, Int)] = []
        for i in leading..<(count - trailing) {
            dest.append((scalars[i], i == count - trailing - 1 ? -trailing : 0))
        }
        transform(dest, initialOffset: leading)
    }

    /// Splits with the matches (`ranges` ascending, disjoint, each flagged as a match or not, covering
    /// the whole text) following HF's `SplitDelimiterBehavior`; empty pieces are dropped.
    func split(_ pieces: [(Range<Int>, Bool)], behavior: SplitBehavior) -> [NormalizedText] {
        var out: [(Range<Int>, Bool)] = []   // (range, remove)
        switch behavior {
        case .isolated:
            out = pieces.map { ($0.0, false) }
        case .removed:
            out = pieces
        case .contiguous:
            var previous = false
            for (r, isMatch) in pieces {
                if isMatch == previous, let last = out.last {
                    out[out.count - 1] = (last.0.lowerBound..<r.upperBound, false)
                } else {
                    out.append((r, false))
                }
                previous = isMatch
            }
        case .mergedWithPrevious:
            var previous = false
            for (r, isMatch) in pieces {
                if isMatch && !previous, let last = out.last {
                    out[out.count - 1] = (last.0.lowerBound..<r.upperBound, false)
                } else {
                    out.append((r, false))
                }
                previous = isMatch
            }
        case .mergedWithNext:
            var previous = false
            for (r, isMatch) in pieces.reversed() {
                if isMatch && !previous, let last = out.last {
                    out[out.count - 1] = (r.lowerBound..<last.0.upperBound, false)
                } else {
                    out.append((r, false))
                }
                previous = isMatch
            }
            out.reverse()
        }
        var result: [NormalizedText] = []
        result.reserveCapacity(out.count)
        for (r, remove) in out where !remove && !r.isEmpty {
            result.append(slice(r))
        }
        return result
    }
}

/// What a split does with the delimiter it found (HF `SplitDelimiterBehavior`).
enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"
}

/// Turns a sorted list of match ranges into pieces covering `0..<length`, each flagged as a match.
func coverPieces(matches: [Range<Int>], length: Int) -> [(Range<Int>, Bool)] {
    var pieces: [(Range<Int>, Bool)] = []
    var previous = 0
    for m in matches {
        if m.lowerBound > previous { pieces.append((previous..<m.lowerBound, false)) }
        pieces.append((m, true))
        previous = m.upperBound
    }
    if previous < length { pieces.append((previous..<length, false)) }
    return pieces
}
