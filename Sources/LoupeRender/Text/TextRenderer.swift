import CFreeType
import Foundation

/// Sets text with FreeType, using fonts found through fontconfig and a bundled CJK fallback.
///
/// Latin text uses DejaVu Sans (regular and bold). Each character the primary font lacks
/// falls back, glyph by glyph, to a CJK font (`sans-serif:lang=zh-cn`, e.g. WenQuanYi Micro
/// Hei or Noto Sans CJK), then to any installed font that fontconfig says covers it, and last
/// to the font bundled with LoupeRender (``BundledFont``: common Chinese, CJK punctuation,
/// full-width forms and Latin), which also serves as the primary font when fontconfig finds
/// none at all. Characters that no font has are drawn as a box ("tofu"), collected in
/// ``missingGlyphs`` and reported once per renderer on standard error.
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
    private let fallbackLocation: FontLocation?
    private var fallbackFaceID: Int?
    private var fallbackOpened = false
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

    /// Creates a renderer that finds fonts with the process's fontconfig configuration
    /// (`FONTCONFIG_FILE` when set, else the system `fonts.conf`).
    ///
    /// - Parameters:
    ///   - primaryFamily: fontconfig family for Latin text (bold is `family:bold`).
    ///   - cjkPattern: fontconfig pattern for the preferred CJK fallback font.
    ///   - fallbackFont: the font file used, glyph by glyph, when no font fontconfig finds has a
    ///     character (default: the bundled ``BundledFont/cjkFallbackURL``; `nil` for none).
    public convenience init(primaryFamily: String = "DejaVu Sans", cjkPattern: String = "sans-serif:lang=zh-cn",
                            fallbackFont: URL? = BundledFont.cjkFallbackURL) {
        self.init(locator: FontLocator(), primaryFamily: primaryFamily, cjkPattern: cjkPattern,
                  fallbackFont: fallbackFont)
    }

    /// Creates a renderer that finds fonts with the fontconfig configuration in `fontconfigFile`
    /// alone (a `fonts.conf`), whatever `FONTCONFIG_FILE` says: for tests and for pinning the
    /// fonts a picture is drawn with.
    ///
    /// - Throws: ``RenderError/io(path:message:)`` when fontconfig cannot read or parse the file.
    public convenience init(fontconfigFile: URL, primaryFamily: String = "DejaVu Sans",
                            cjkPattern: String = "sans-serif:lang=zh-cn",
                            fallbackFont: URL? = BundledFont.cjkFallbackURL) throws {
        self.init(locator: try FontLocator(configurationFile: fontconfigFile.path), primaryFamily: primaryFamily,
                  cjkPattern: cjkPattern, fallbackFont: fallbackFont)
    }

    private init(locator: FontLocator, primaryFamily: String, cjkPattern: String, fallbackFont: URL?) {
        self.locator = locator
        fallbackLocation = fallbackFont.map { FontLocation(path: $0.path, index: 0) }
        var lib: FT_Library?
        if FT_Init_FreeType(&lib) == 0 { library = lib }
        regularFace = loadFace(locator.match(primaryFamily))
        boldFace = loadFace(locator.match(primaryFamily + ":bold")) ?? regularFace
        if let cjk = loadFace(locator.match(cjkPattern)),
           faces[cjk].glyphIndex(for: "\u{4E2D}") != 0 {   // 中
            cjkFace = cjk
        }
        if regularFace == nil {   // fontconfig found no font at all: the bundled font sets Latin too
            regularFace = openFallbackFace()
            boldFace = boldFace ?? regularFace
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

    /// Whether some font draws CJK ideographs: one found by fontconfig or the bundled fallback.
    public var hasCJKFont: Bool {
        lock.withLock {
            if cjkFace != nil { return true }
            guard let id = openFallbackFace() else { return false }
            return faces[id].glyphIndex(for: "\u{4E2D}") != 0   // 中
        }
    }

    /// Whether fontconfig found a font with CJK ideographs (the bundled fallback not counted).
    public var hasSystemCJKFont: Bool {
        lock.withLock { cjkFace != nil }
    }

    /// The path of the font file that draws `character`'s first visible scalar, or `nil` when no
    /// font has it (it would be drawn as a box). Does not record anything in ``missingGlyphs``.
    public func fontPath(for character: Character) -> String? {
        lock.withLock {
            guard let scalar = character.unicodeScalars.first(where: { !TextRenderer.isInvisible($0) }),
                  let face = resolve(scalar, bold: false).face else { return nil }
            return faces[face].location.path
        }
    }

    /// Paths of the font files opened so far (primary, bold, CJK, then per-glyph fallbacks).
    public var fontPaths: [String] {
        lock.withLock { faces.map(\.location.path) }
    }

    /// Whether every visible scalar of `character` has a glyph in some font (installed or bundled).
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
        // Fonts opened for earlier characters; the bundled fallback waits until fontconfig has been asked.
        order += faces.indices.filter { !order.contains($0) && $0 != fallbackFaceID }
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
        if result.face == nil, let id = openFallbackFace() {
            let index = faces[id].glyphIndex(for: scalar)
            if index != 0 { result = ResolvedGlyph(face: id, glyphIndex: index) }
        }
        resolved[key] = result
        return result
    }

    /// Opens (once) the bundled or given fallback font; `nil` when there is none or FreeType
    /// cannot open it. Caller holds the lock.
    private func openFallbackFace() -> Int? {
        if !fallbackOpened {
            fallbackOpened = true
            fallbackFaceID = loadFace(fallbackLocation)
        }
        return fallbackFaceID
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
        let line = "LoupeRender: warning: neither the installed fonts nor the bundled one have a glyph for '\(Character(scalar))' "
            + "(U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code)); drawing a box. "
            + "Further missing characters are listed in TextRenderer.missingGlyphs.\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// The face used for vertical metrics. Caller holds the lock.
    var metricsFace: FontFace? {
        (regularFace ?? cjkFace).map { faces[$0] }
    }
}
