import ArgumentParser
import Foundation
import Loupe

// Exit statuses: 0 success, 1 runtime failure, 2 bad usage or bad input. Every failure prints
// one line `loupe: error: …` on standard error.
// Ctrl-C / SIGTERM never interrupt a file being written (see ProcessSignals; line loops and
// training stop cooperatively and exit with 130 / 143).
ProcessSignals.install()
do {
    var command = try LoupeCommand.parseAsRoot()
    try ThreadSetting.apply()
    try command.run()
    fflush(stdout)
    exit(0)
} catch {
    exit(ErrorReporter.report(error))
}
