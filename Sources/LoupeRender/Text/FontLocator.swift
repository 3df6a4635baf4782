import CFontconfig
import Foundation

/// A font file and face index found by fontconfig.
struct FontLocation: Hashable {
    var path: String
    var index: Int
}

/// Finds font files through fontconfig. Not thread-safe; the owning ``TextRenderer`` locks.
final class FontLocator {
    private let config: OpaquePointer?

    /// The process's default configuration (`FONTCONFIG_FILE`, else the system `fonts.conf`),
    /// read afresh for this locator. Without a usable configuration no font is found.
    init() {
        config = FcInitLoadConfigAndFonts()
    }

    /// The configuration in `configurationFile` (a `fonts.conf`) alone, whatever the environment says.
    init(configurationFile: String) throws {
        guard FileManager.default.isReadableFile(atPath: configurationFile) else {
            throw RenderError.io(path: configurationFile, message: "fontconfig configuration file is not readable")
        }
        guard let config = FcConfigCreate() else {
            throw RenderError.io(path: configurationFile, message: "fontconfig could not create a configuration")
        }
        let parsed = configurationFile.withCString { c in
            c.withMemoryRebound(to: FcChar8.self, capacity: configurationFile.utf8.count + 1) {
                FcConfigParseAndLoad(config, $0, FcBool(1))
            }
        }
        guard parsed != 0, FcConfigBuildFonts(config) != 0 else {
            FcConfigDestroy(config)
            throw RenderError.io(path: configurationFile, message: "fontconfig could not load this configuration file")
        }
        self.config = config
    }

    deinit {
        if let config { FcConfigDestroy(config) }
    }

    /// The best match for a fontconfig pattern string such as `"DejaVu Sans:bold"`.
    func match(_ name: String) -> FontLocation? {
        guard let config else { return nil }
        let pattern = name.withCString { c in
            c.withMemoryRebound(to: FcChar8.self, capacity: name.utf8.count + 1) { FcNameParse($0) }
        }
        guard let pattern else { return nil }
        defer { FcPatternDestroy(pattern) }
        return bestMatch(for: pattern, config: config)
    }

    /// A font that claims to cover `scalar`, for last-resort per-glyph fallback.
    func match(covering scalar: Unicode.Scalar) -> FontLocation? {
        guard let config, let charset = FcCharSetCreate() else { return nil }
        defer { FcCharSetDestroy(charset) }
        FcCharSetAddChar(charset, FcChar32(scalar.value))
        let base = "sans-serif"
        guard let pattern = base.withCString({ c in
            c.withMemoryRebound(to: FcChar8.self, capacity: base.utf8.count + 1) { FcNameParse($0) }
        }) else { return nil }
        defer { FcPatternDestroy(pattern) }
        FcPatternAddCharSet(pattern, FC_CHARSET, charset)
        return bestMatch(for: pattern, config: config, requiring: scalar)
    }

    private func bestMatch(for pattern: OpaquePointer, config: OpaquePointer,
                           requiring scalar: Unicode.Scalar? = nil) -> FontLocation? {
        FcConfigSubstitute(config, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let font = FcFontMatch(config, pattern, &result) else { return nil }
        defer { FcPatternDestroy(font) }
        guard result == FcResultMatch else { return nil }
        if let scalar {
            var coverage: OpaquePointer?
            guard FcPatternGetCharSet(font, FC_CHARSET, 0, &coverage) == FcResultMatch,
                  let coverage, FcCharSetHasChar(coverage, FcChar32(scalar.value)) != 0 else { return nil }
        }
        var file: UnsafeMutablePointer<FcChar8>?
        guard FcPatternGetString(font, FC_FILE, 0, &file) == FcResultMatch, let file else { return nil }
        var index: Int32 = 0
        if FcPatternGetInteger(font, FC_INDEX, 0, &index) != FcResultMatch { index = 0 }
        let path = String(cString: UnsafeRawPointer(file).assumingMemoryBound(to: CChar.self))
        return FontLocation(path: path, index: Int(index))
    }
}
