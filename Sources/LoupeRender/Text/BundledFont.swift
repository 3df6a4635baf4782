import Foundation
import LoupeIO

/// The fonts shipped inside LoupeRender's resource bundle (`Sources/LoupeRender/Resources/Fonts`).
///
/// **Loupe Fallback SC** is a subset of Noto Sans CJK SC Regular (Adobe, for Google's Noto
/// project; SIL Open Font License 1.1, `OFL.txt` beside it), made by `tools/cjk-font/build_subset.py`
/// with fontTools' `pyftsubset`: the 6,763 hanzi of GB 2312 and the further hanzi seen at least twice
/// in the Chinese review data (6,916 in all), CJK punctuation, kana, full-width forms, Latin, Greek and
/// Cyrillic — 8,636 characters, listed in `characters.txt`. ``TextRenderer`` draws a character with
/// it only when no font fontconfig finds has that character, so a machine without any CJK font still
/// gets Chinese rather than boxes.
public enum BundledFont {
    /// The file name of the CJK fallback font (OpenType with CFF outlines).
    public static let cjkFallbackFileName = "LoupeFallbackSC-Regular.otf"

    /// The bundled CJK fallback font, or `nil` when the resource bundle lacks it.
    public static var cjkFallbackURL: URL? { fontsFolder.map { $0.appendingPathComponent(cjkFallbackFileName) } }

    /// The licence of the bundled font (SIL Open Font License 1.1 with the copyright notice).
    public static var cjkFallbackLicenseURL: URL? { fontsFolder.map { $0.appendingPathComponent("OFL.txt") } }

    /// The characters the bundled font was subset to, one per line in code-point order.
    public static var cjkFallbackCharactersURL: URL? {
        fontsFolder.map { $0.appendingPathComponent("characters.txt") }
    }

    /// `Resources/Fonts` inside the bundle, found once.
    private static let fontsFolder: URL? = {
        // Not `Bundle.module`: it stops a binary copied out of the build tree (see ResourceBundle).
        guard let root = ResourceBundle.folder(named: "Loupe_LoupeRender") else { return nil }
        // `.copy("Resources")` keeps the folder; look in the bundle's root as well in case a build flattens it.
        for candidate in [root.appendingPathComponent("Resources/Fonts"), root.appendingPathComponent("Fonts"), root]
            where FileManager.default.fileExists(atPath: candidate.appendingPathComponent(cjkFallbackFileName).path) {
            return candidate
        }
        return nil
    }()
}
