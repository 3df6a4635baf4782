import ArgumentParser
import Foundation

// Exit statuses: 0 success, 1 runtime failure, 2 bad usage or bad input. Every failure prints
// one line `loupe: error: …` on standard error.
do {
    var command = try LoupeCommand.parseAsRoot()
    try command.run()
    fflush(stdout)
    exit(0)
} catch {
    exit(ErrorReporter.report(error))
}
