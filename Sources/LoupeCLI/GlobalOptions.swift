import ArgumentParser
import Foundation
import Loupe

/// `--quiet` and `--verbose`, shared by every command.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print only results and errors (no progress, notes or warnings).")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print more detail (timings, settings, convergence).")
    var verbose = false

    @Flag(name: .customLong("no-color"), help: "Never colour terminal output (also: NO_COLOR=1).")
    var noColor = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    var console: Console { Console(quiet: quiet, verbose: verbose, noColor: noColor) }
}

/// Where a command's output goes: results on standard output, notes, warnings and progress on
/// standard error (so stdout can be piped).
struct Console {
    var quiet: Bool
    var verbose: Bool
    var noColor: Bool

    /// Colour mode for terminal heatmaps: automatic (a terminal, no `NO_COLOR`, not `TERM=dumb`) unless switched off.
    var colorMode: TerminalColorMode { noColor ? .never : .automatic }

    /// A result line on standard output (suppressed by `--quiet` only when `essential` is false).
    /// Text is untrusted: control, bidi and zero-width characters are shown as `\u{1B}`
    /// (``TerminalText``); JSON (a line starting with `{` or `[`) keeps its value, with such
    /// characters as `\uXXXX` escapes.
    func result(_ text: String, essential: Bool = true) {
        guard essential || !quiet else { return }
        let first = text.first { !$0.isWhitespace }
        print(first == "{" || first == "[" ? TerminalText.jsonEscaped(text) : TerminalText.escaped(text))
        fflush(stdout)
    }

    /// Coloured output of Loupe's terminal renderers (heatmaps, tables), whose untrusted parts they
    /// escaped: printed with its colour sequences, anything else unsafe escaped.
    func coloured(_ text: String, essential: Bool = true) {
        guard essential || !quiet else { return }
        print(TerminalText.escapedKeepingColour(text))
        fflush(stdout)
    }

    /// A note on standard error (progress, files written), unless `--quiet`.
    func note(_ text: String) {
        guard !quiet else { return }
        Console.writeError(text)
    }

    /// A detail on standard error, only with `--verbose`.
    func detail(_ text: String) {
        guard verbose else { return }
        Console.writeError(text)
    }

    /// `loupe: warning: …` on standard error, unless `--quiet`.
    func warning(_ text: String) {
        guard !quiet else { return }
        Console.writeError("loupe: warning: " + oneLine(text))
    }

    /// Progress of `loupe train`: a live bar on a terminal, epoch lines otherwise, nothing with `--quiet`.
    var progress: ProgressReporter { ProgressReporter(style: quiet ? .quiet : .automatic) }

    /// Progress of training a default model on the side: only with `--verbose` (the summary is logged).
    var sideProgress: ProgressReporter { ProgressReporter(style: verbose ? .automatic : .quiet) }

    /// A line on standard error, with control, bidi and zero-width characters shown as `\u{1B}`.
    static func writeError(_ text: String) {
        fflush(stdout)
        FileHandle.standardError.write(Data((TerminalText.escaped(text) + "\n").utf8))
    }
}
