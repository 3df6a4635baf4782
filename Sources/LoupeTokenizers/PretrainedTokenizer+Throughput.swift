import Foundation

extension PretrainedTokenizer {
    /// Encodes every text `repetitions` times and returns the throughput in bytes of UTF-8 text
    /// per second (for loupe-bench; no assertion depends on it).
    public func encodeThroughput(_ texts: [String], repetitions: Int = 3) -> Double {
        let bytes = texts.reduce(0) { $0 + $1.utf8.count } * max(repetitions, 1)
        let start = DispatchTime.now().uptimeNanoseconds
        var sink = 0
        for _ in 0..<max(repetitions, 1) {
            for t in texts { sink &+= encode(t, addSpecialTokens: true).count }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return sink >= 0 && seconds > 0 ? Double(bytes) / seconds : 0
    }
}
