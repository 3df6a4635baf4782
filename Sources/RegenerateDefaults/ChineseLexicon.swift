import Foundation
import Loupe

/// The bundled Chinese word lexicon (`Resources/default-zh-lexicon/lexicon.tsv`) that word-level
/// aggregation (`loupe explain --aggregate words`) segments Chinese with: ``LexiconDiscovery`` with
/// its default thresholds over the Chinese training part of the default classifier's data
/// (``SentimentCorpora``: waimai_10k + online_shopping_9cats, duplicates removed, the 20 % test
/// part and the calibration part left out), so a held-out review is segmented by a lexicon
/// that never saw it.
func regenerateChineseLexicon(write: Bool, resources: URL) throws {
    let root = resources.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let data = try sharedData("zh/waimai_10k.csv", root: root).deletingLastPathComponent().deletingLastPathComponent()
    let started = Date()
    let corpora = try SentimentCorpora.load(from: data)
    let texts = corpora.chineseTrain.examples.map(\.text)
    var discovery = LexiconDiscovery()
    let overrides = ProcessInfo.processInfo.environment["LOUPE_LEXICON"] ?? ""
    if !overrides.isEmpty {
        guard !write else { throw DataSetError(.invalidArgument, file: "LOUPE_LEXICON", "overrides are for experiments; unset it to --write") }
        for pair in overrides.split(separator: ",") {
            let kv = pair.split(separator: "=")
            guard kv.count == 2, let v = Double(kv[1]) else { throw DataSetError(.invalidArgument, file: "LOUPE_LEXICON", "bad entry \(pair)") }
            switch kv[0] {
            case "length": discovery.maxWordLength = Int(v)
            case "count": discovery.minimumCount = Int(v)
            case "cohesion": discovery.minimumCohesion = v
            case "entropy": discovery.minimumBranchingEntropy = v
            case "free": discovery.freeCharacterEntropy = v
            case "rounds": discovery.reestimationRounds = Int(v)
            default: throw DataSetError(.invalidArgument, file: "LOUPE_LEXICON", "unknown key \(kv[0])")
            }
        }
    }
    var lexicon = try discovery.discover(in: texts)
    let seconds = Date().timeIntervalSince(started)
    lexicon.comments.append("data: \(SentimentCorpora.files[2...].joined(separator: " + ")) (Chinese training part of SentimentCorpora, \(texts.count) reviews)")
    lexicon.comments.append("command: LOUPE_DATA=/path/to/shared/data swift run -c release loupe-regenerate-defaults zh-lexicon --write")
    print("lexicon: \(lexicon.counts.count) entries, \(lexicon.multiCharacterWordCount) words of ≥ 2 characters, "
          + String(format: "%.1f s", seconds) + " on \(cpuDescription())")
    let segmenter = LexiconSegmenter(lexicon: lexicon)
    for sample in ["客服态度很好，问题很快就解决了。", "我今天过得很好。", "等了一个小时才送到，饭都凉了。",
                   "质量太差了，用了两天就坏了。", "味道不错，送餐速度也很快"] {
        print("  " + segmenter.segment(sample).joined(separator: " / "))
    }
    let top = lexicon.counts.filter { $0.key.unicodeScalars.count > 1 }.sorted { $0.value > $1.value }.prefix(40)
    print("  most used words: " + top.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    guard write else { print("(dry run: add --write to store it)"); return }
    let folder = resources.appendingPathComponent("default-zh-lexicon")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try AtomicFile.write(lexicon.text, to: folder.appendingPathComponent("lexicon.tsv"))
    print("wrote \(folder.appendingPathComponent("lexicon.tsv").path)")
}
