import Foundation
@testable import LoupeRender

/// A temporary fontconfig configuration whose only font folder holds the given font files
/// (symbolic links), so a test can see what a machine with just those fonts draws.
struct FontconfigFixture {
    let folder: URL
    var configurationFile: URL { folder.appendingPathComponent("fonts.conf") }

    /// - Parameter fonts: font files to offer; none gives a machine without any font.
    init(fonts: [String], name: String = #function) throws {
        folder = try makeTemporaryFolder(name)
        let fontFolder = folder.appendingPathComponent("fonts")
        try FileManager.default.createDirectory(at: fontFolder, withIntermediateDirectories: true)
        for path in fonts {
            let link = fontFolder.appendingPathComponent((path as NSString).lastPathComponent)
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: path)
        }
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
            <fontconfig>
              <dir>\(fontFolder.path)</dir>
              <cachedir>\(folder.appendingPathComponent("cache").path)</cachedir>
            </fontconfig>
            """
        try Data(xml.utf8).write(to: configurationFile)
    }

    func remove() {
        cleanUp(folder)
    }

    /// The installed Latin fonts the default renderer uses (DejaVu Sans regular and bold) as real
    /// files (symbolic links resolved), or `nil` when the process's configuration finds none.
    static func systemLatinFonts() -> [String]? {
        let system = TextRenderer(fallbackFont: nil)
        guard let regular = system.fontPath(for: "A") else { return nil }
        let bold = system.glyphSource(for: "A", bold: true).path
        return Array(Set(([regular] + (bold.map { [$0] } ?? [])).map(realFile))).sorted()
    }
}

/// The real file behind a font path (the fixtures offer fonts through symbolic links).
func realFile(_ path: String) -> String {
    URL(fileURLWithPath: path).resolvingSymlinksInPath().path
}
