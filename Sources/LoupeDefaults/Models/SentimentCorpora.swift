import Foundation
import LoupeNN

/// The real sentiment data the default classifier learns from, read from a folder laid out as the
/// project's `shared/data` (see its README): SST-2 (GLUE's binary Stanford Sentiment Treebank,
/// Socher et al. 2013) and Chinese reviews (waimai_10k and online_shopping_9cats).
///
/// Splits (fixed seeds, so the same files always give the same splits):
/// - English: train = SST-2 train less a calibration part; test = SST-2 dev (never seen in
///   training or calibration). SST-2 train holds every phrase of its sentences, so a random split
///   of it would put phrases of one sentence on both sides. The calibration part is instead a
///   seeded draw of whole train sentences (≥ 12 words, like the test sentences, and no part of a
///   longer row); every train phrase that is a contiguous part of one of them is left out of training.
/// - Chinese: both files, duplicates (same text) kept once; a stratified 20 % test part; of the
///   rest a stratified 5 % calibration part, the remainder train.
/// Labels: 0 = `negative`, 1 = `positive`.
public struct SentimentCorpora: Sendable {
    public static let labelNames = ["negative", "positive"]
    /// The files read, relative to the data folder.
    public static let files = ["sst2/train.tsv", "sst2/dev.tsv", "zh/waimai_10k.csv", "zh/online_shopping_9cats.csv"]

    public var englishTrain: TextDataSet
    public var englishCalibration: TextDataSet
    public var englishTest: TextDataSet
    public var chineseTrain: TextDataSet
    public var chineseCalibration: TextDataSet
    public var chineseTest: TextDataSet

    /// Both languages' training parts, interleaved in a seeded order.
    public var train: TextDataSet { englishTrain.appending(chineseTrain).shuffled(seed: 11) }
    /// Both languages' calibration parts (early stopping and the temperature).
    public var calibration: TextDataSet { englishCalibration.appending(chineseCalibration) }

    /// Reads and splits the data under `folder`.
    /// - Throws: ``DataSetError`` naming the file when one is missing or malformed.
    public static func load(from folder: URL, calibrationSentenceCount: Int = 600,
                            chineseTestFraction: Double = 0.2, chineseCalibrationFraction: Double = 0.05) throws -> SentimentCorpora {
        let sst2Train = try TextDataSet.readTSV(at: folder.appendingPathComponent(files[0]), labelNames: labelNames).dataSet
        let sst2Dev = try TextDataSet.readTSV(at: folder.appendingPathComponent(files[1]), labelNames: labelNames).dataSet
        let (englishTrain, englishCalibration) = sentenceSplit(sst2Train, sentenceCount: calibrationSentenceCount, seed: 3)

        var chinese = TextDataSet(examples: [], labelNames: labelNames)
        for file in files[2...] {
            let read = try TextDataSet.readCSV(at: folder.appendingPathComponent(file), textColumn: "review",
                                               labelNames: labelNames, onMalformedRow: .skip)
            chinese = chinese.appending(read.dataSet)
        }
        var seen: Set<String> = []
        chinese = chinese.filter { seen.insert(normalizedReview($0.text)).inserted }
        let (rest, chineseTest) = chinese.split(heldOutFraction: chineseTestFraction, seed: 5)
        let (chineseTrain, chineseCalibration) = rest.split(heldOutFraction: chineseCalibrationFraction, seed: 7)
        return SentimentCorpora(englishTrain: englishTrain, englishCalibration: englishCalibration, englishTest: sst2Dev,
                                chineseTrain: chineseTrain, chineseCalibration: chineseCalibration, chineseTest: chineseTest)
    }

    /// A review as compared for duplicates: without byte-order marks and surrounding space.
    static func normalizedReview(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// SST-2 train split by whole sentences: `sentenceCount` seeded sentences of ≥ 12 words form the
    /// second part; every row that is a contiguous run of words of one of them leaves the first.
    /// Only *whole* sentences are drawn — rows that are no contiguous part of another row. (SST-2
    /// train also holds long phrases of its sentences; drawing one of those would leave the
    /// sentence it comes from in training, and the held-out part would be easier than SST-2 dev.)
    static func sentenceSplit(_ data: TextDataSet, sentenceCount: Int, seed: UInt64) -> (train: TextDataSet, heldOut: TextDataSet) {
        func words(_ text: String) -> [Substring] { text.split(separator: " ") }
        let minimumWords = 12
        let split = data.examples.map { words($0.text) }
        // FNV-1a of words joined by spaces, one word at a time (a collision only drops a candidate).
        func extend(_ hash: UInt64, _ word: Substring, first: Bool) -> UInt64 {
            var hash = first ? hash : (hash ^ 0x20) &* 0x100_0000_01b3
            for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return hash
        }
        let seedHash: UInt64 = 0xcbf2_9ce4_8422_2325
        // Every run of ≥ 12 words that is a proper part of a row.
        var partHashes: Set<UInt64> = []
        for w in split where w.count > minimumWords {
            for start in w.indices {
                var hash = seedHash
                for end in start..<w.count {
                    hash = extend(hash, w[end], first: end == start)
                    if end - start + 1 >= minimumWords, end - start + 1 < w.count { partHashes.insert(hash) }
                }
            }
        }
        func wholeHash(_ w: [Substring]) -> UInt64 {
            w.indices.reduce(seedHash) { extend($0, w[$1], first: $1 == 0) }
        }
        let long = split.indices.filter { split[$0].count >= minimumWords && !partHashes.contains(wholeHash(split[$0])) }
        let chosen = seededPermutation(count: long.count, seed: seed).prefix(sentenceCount).map { long[$0] }
        var pieces: Set<String> = []
        for index in chosen {
            let w = split[index]
            for start in w.indices {
                for end in (start + 1)...w.count { pieces.insert(w[start..<end].joined(separator: " ")) }
            }
        }
        let train = data.examples.indices.filter { !pieces.contains(split[$0].joined(separator: " ")) }
        return (data.subset(train), data.subset(chosen))
    }
}
