import Foundation

/// Unicode normalization forms (UAX #15) with the per-scalar changes Hugging Face `tokenizers`
/// records for its alignments: a decomposition's first scalar replaces the source scalar and the
/// rest are inserted; a composition replaces its first source scalar and removes the ones it absorbed.
enum UnicodeForm {
    case nfd, nfkd, nfc, nfkc

    var isCompatibility: Bool { self == .nfkd || self == .nfkc }
    var composes: Bool { self == .nfc || self == .nfkc }

    private static func decomposition(_ c: Unicode.Scalar, compatibility: Bool) -> [Unicode.Scalar] {
        let s = String(Character(c))
        let d = compatibility ? s.decomposedStringWithCompatibilityMapping : s.decomposedStringWithCanonicalMapping
        return Array(d.unicodeScalars)
    }

    @inline(__always) private static func ccc(_ c: Unicode.Scalar) -> UInt8 {
        c.value < 0x300 ? 0 : c.properties.canonicalCombiningClass.rawValue
    }

    /// Applies the form to `text`, keeping alignments.
    static func apply(_ form: UnicodeForm, to text: inout NormalizedText) {
        // Fast path: ASCII is left unchanged by every form.
        if text.scalars.allSatisfy({ $0.value < 0x80 }) { return }
        // 1. Decompose, each scalar's first output replacing it and the others inserted.
        var decomposed: [(Unicode.Scalar, Int)] = []
        decomposed.reserveCapacity(text.count + 8)
        for c in text.scalars {
            if c.value < 0xA0 || (!form.isCompatibility && c.value < 0xC0) {
                decomposed.append((c, 0))
                continue
            }
            let parts = decomposition(c, compatibility: form.isCompatibility)
            for (i, p) in parts.enumerated() { decomposed.append((p, i == 0 ? 0 : 1)) }
        }
        // 2. Canonical ordering: stable sort of each run of non-starters by combining class.
        var i = 0
        while i < decomposed.count {
            if ccc(decomposed[i].0) == 0 { i += 1; continue }
            var j = i
            while j < decomposed.count && ccc(decomposed[j].0) != 0 { j += 1 }
            if j - i > 1 {
                let run = decomposed[i..<j].enumerated().sorted {
                    let a = ccc($0.element.0), b = ccc($1.element.0)
                    return a != b ? a < b : $0.offset < $1.offset
                }.map(\.element)
                decomposed.replaceSubrange(i..<j, with: run)
            }
            i = j
        }
        guard form.composes else {
            if decomposed.count != text.count || zip(decomposed, text.scalars).contains(where: { $0.0 != $1 }) {
                text.transform(decomposed)
            }
            return
        }
        // 3. Compose each starter with its following non-starters.
        var composed: [(Unicode.Scalar, Int)] = []
        composed.reserveCapacity(decomposed.count)
        i = 0
        while i < decomposed.count {
            var j = i + 1
            // A chunk is a starter with its non-starters; Hangul vowel and trailing jamo join the chunk too.
            while j < decomposed.count && (ccc(decomposed[j].0) != 0 || (0x1160...0x11FF).contains(decomposed[j].0.value)) { j += 1 }
            let chunk = decomposed[i..<j]
            if chunk.count == 1 && chunk.first!.0.value < 0x1100 {
                composed.append(chunk.first!)
                i = j
                continue
            }
            var s = String.UnicodeScalarView()
            s.append(contentsOf: chunk.map(\.0))
            let out = Array(String(s).precomposedStringWithCanonicalMapping.unicodeScalars)
            if out.count == chunk.count {
                composed.append(contentsOf: zip(out, chunk).map { ($0, $1.1) })
            } else {
                // The first output absorbs the scalars the composition removed.
                let absorbed = chunk.count - out.count
                let changes = chunk.map(\.1)
                var firstChange = changes[0]
                for k in 1...absorbed where k < changes.count { firstChange += changes[k] - 1 }
                composed.append((out[0], firstChange))
                for k in 1..<out.count { composed.append((out[k], changes[min(k + absorbed, changes.count - 1)])) }
            }
            i = j
        }
        if composed.count != text.count || zip(composed, text.scalars).contains(where: { $0.0 != $1 }) {
            text.transform(composed)
        }
    }
}
