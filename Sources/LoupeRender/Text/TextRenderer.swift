import CFreeType
import Foundation

/// Sets text with FreeType, using fonts found through fontconfig.
///
/// Latin text uses DejaVu Sans (regular and bold). Each character the primary font lacks
/// falls back, glyph by glyph, to a CJK font (`sans-serif:lang=zh-cn`, e.g. WenQuanYi Micro
/// Hei or Noto Sans CJK) and then to any installed font that fontconfig says covers it.
/// Characters that no font has are drawn as a box ("tofu"), collected in ``missingGlyphs``
/// and reported once per renderer on standard error.
///
/// Faces, the fontconfig lookups, rendered glyph bitmaps and kerning pairs are cached, so
/// repeated renders are cheap. All methods are thread-safe (one lock per renderer).
public final class TextRenderer: @unchecked Sendable {
    /// The process-wide renderer used by default by every picture.
    public static let shared = TextRenderer()

    let lock = NSLock()
    private var library: FT_Library?
    private let locator: FontLocator
    private(set) var faces: [FontFace] = []
    private var faceIDs: [FontLocation: Int] = [:]
    private var regularFace: Int?
    private var boldFace: Int?
    private var cjkFace: Int?
    private var resolved: [ResolveKey: ResolvedGlyph] = [:]
    private var fallbackQueried: [UInt32: Int?] = [:]
    var glyphCache: [GlyphKey: Glyph] = [:]
    var kerningCache: [KerningKey: Int] = [:]
    var tofuCache: [Int: Glyph] = [:]
    private var missing: Set<Character> = []
    private var warned = false

    /// Whether the first missing glyph is reported with one line on standard error.
    public var reportsMissingGlyphs: Bool {
        get { lock.withLock { reportMissing } }
        set { lock.withLock { reportMissing = newValue } }
    }
    private var reportMissing = true

    struct ResolveKey: Hashable {
        var scalar: UInt32
        var bold: Bool
    }

    /// Where a scalar's glyph lives; `face == nil` means no font has it.
    struct ResolvedGlyph {
        var face: Int?
        var glyphIndex: UInt32
    }

    /// Creates a renderer.
    ///
    /// - Parameters:
    ///   - primaryFamily: fontconfig family for Latin text (bold is `family:bold`).
    ///   - cjkPattern: fontconfig pattern for the preferred CJK fallback font.
    public init(primaryFamily: String = "DejaVu Sans", cjkPattern: String = "sans-serif:lang=zh-cn") {
        locator = FontLocator()
        var lib: FT_Library?
        if FT_Init_FreeType(&lib) == 0 { library = lib }
        regularFace = loadFace(locator.match(primaryFamily))
        boldFace = loadFace(locator.match(primaryFamily + ":bold")) ?? regularFace
        if let cjk = loadFace(locator.match(cjkPattern)),
           faces[cjk].glyphIndex(for: "\u{4E2D}") != 0 {   // 中
            cjkFace = cjk
        }
    }

    deinit {
        faces.removeAll()
        if let library { FT_Done_FreeType(library) }
    }

    /// Characters that no installed font could draw (drawn as boxes), so far.
    public var missingGlyphs: Set<Character> {
        lock.withLock { missing }
    }

    /// Whether a font with CJK ideographs was found.
    public var hasCJKFont: Bool {
        lock.withLock { cjkFace != nil }
    }

    /// Paths of the font files opened so far (primary, bold, CJK, then per-glyph fallbacks).
    public var fontPaths: [String] {
        lock.withLock { faces.map(\.location.path) }
    }

    /// Whether every visible scalar of `character` has a glyph in some installed font.
    /// Does not record anything in ``missingGlyphs``.
    public func canRender(_ character: Character) -> Bool {
        lock.withLock {
            character.unicodeScalars.allSatisfy { scalar in
                TextRenderer.isInvisible(scalar) || resolve(scalar, bold: false).face != nil
            }
        }
    }

    /// Opens (once) the face at `location`; returns its id.
    private func loadFace(_ location: FontLocation?) -> Int? {
        guard let location, let library else { return nil }
        if let id = faceIDs[location] { return id }
        guard let face = FontFace(id: faces.count, location: location, library: library) else { return nil }
        faces.append(face)
        faceIDs[location] = face.id
        return face.id
    }

    /// Scalars drawn with no glyph and no advance (controls and default-ignorables).
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (0x7f...0x9f).contains(v) { return true }
        return scalar.properties.isDefaultIgnorableCodePoint
    }

    /// Finds the face and glyph for `scalar`. Caller holds the lock.
    func resolve(_ scalar: Unicode.Scalar, bold: Bool) -> ResolvedGlyph {
        let key = ResolveKey(scalar: scalar.value, bold: bold)
        if let hit = resolved[key] { return hit }
        var order = [Int]()
        if bold, let boldFace { order.append(boldFace) }
        if let regularFace { order.append(regularFace) }
        if let cjkFace { order.append(cjkFace) }
        order += faces.indices.filter { !order.contains($0) }
        var result = ResolvedGlyph(face: nil, glyphIndex: 0)
        for id in order {
            let index = faces[id].glyphIndex(for: scalar)
            if index != 0 {
                result = ResolvedGlyph(face: id, glyphIndex: index)
                break
            }
        }
        if result.face == nil, let id = fallbackFace(for: scalar) {
            let index = faces[id].glyphIndex(for: scalar)
            if index != 0 { result = ResolvedGlyph(face: id, glyphIndex: index) }
        }
        resolved[key] = result
        return result
    }

    /// Asks fontconfig (once per scalar) for any font covering `scalar`. Caller holds the lock.
    private func fallbackFace(for scalar: Unicode.Scalar) -> Int? {
        if let known = fallbackQueried[scalar.value] { return known }
        let id = loadFace(locator.match(covering: scalar))
        fallbackQueried[scalar.value] = id
        return id
    }

    /// Records a character that no font has and warns once. Caller holds the lock.
    func recordMissing(_ scalar: Unicode.Scalar) {
        let (inserted, _) = missing.insert(Character(scalar))
        guard inserted, !warned, reportMissing else { return }
        warned = true
        let code = String(scalar.value, radix: 16, uppercase: true)
        let line = "LoupeRender: warning: no installed font has a glyph for '\(Character(scalar))' "
            + "(U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)); drawing a box. "
            + "Further missing characters are listed in TextRenderer.missingGlyphs.\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The face used for vertical metrics. Caller holds the lock.
    var metricsFace: FontFace? {
        (regularFace ?? cjkFace).map { faces[$0] }
    }
}
