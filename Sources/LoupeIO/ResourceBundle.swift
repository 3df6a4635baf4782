import Foundation

/// Finds a module's resource folder (what SwiftPM copies as `<Package>_<Module>.resources`) for a
/// binary run from the build tree *or installed elsewhere* — where SwiftPM's `Bundle.module`
/// stops the program with "could not load resource bundle". Looked for, in order:
///
/// 1. `$LOUPE_RESOURCES/<name>.resources` (a folder chosen by the user);
/// 2. next to the executable (symbolic links resolved): `bin/<name>.resources` — SwiftPM's build
///    folders, and an install that copies the folders beside the binary;
/// 3. the install prefix of the executable: `bin/../share/loupe/<name>.resources`;
/// 4. the same two places for the executable as invoked (a symbolic link on `PATH`);
/// 5. Apple platforms: `<name>.bundle` in those places and `Bundle.main`'s resources.
///
/// The install layout is documented in README.md ("Install").
public enum ResourceBundle {
    /// `share/loupe`, below an install prefix.
    public static let sharePath = "share/loupe"

    /// The folders searched for the bundle `name` (e.g. `Loupe_LoupeRender`), most likely first.
    public static func candidates(named name: String,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var roots: [URL] = []
        if let custom = environment["LOUPE_RESOURCES"], !custom.isEmpty { roots.append(URL(fileURLWithPath: custom)) }
        var executables: [URL] = []
        #if os(Linux)
        executables.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath())
        #endif
        if let main = Bundle.main.executableURL { executables.append(main.resolvingSymlinksInPath()) }
        if let invoked = CommandLine.arguments.first, invoked.contains("/") {
            executables.append(URL(fileURLWithPath: invoked).standardizedFileURL)
        }
        for executable in executables {
            let bin = executable.deletingLastPathComponent()
            roots.append(bin)
            roots.append(bin.deletingLastPathComponent().appendingPathComponent(sharePath))
        }
        if let resources = Bundle.main.resourceURL { roots.append(resources) }
        var seen = Set<String>()
        var folders: [URL] = []
        for root in roots {
            for candidate in [root.appendingPathComponent(name + ".resources"), root.appendingPathComponent(name + ".bundle"),
                              root.appendingPathComponent(name + ".bundle/Contents/Resources")]
                where seen.insert(candidate.standardizedFileURL.path).inserted {
                folders.append(candidate)
            }
        }
        return folders
    }

    /// The first existing folder of ``candidates(named:environment:)``, or nil (the caller says
    /// what is missing in one line; nothing traps).
    public static func folder(named name: String,
                              environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        candidates(named: name, environment: environment).first { url in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }
}
