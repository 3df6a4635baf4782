import Foundation

extension PretrainedTokenizer {
    /// Reads a Hugging Face `tokenizer.json` file.
    public init(tokenizerJSON url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError(file: url.path, key: "", reason: "cannot read (\(error.localizedDescription))")
        }
        try self.init(tokenizerJSON: data, file: url.path)
    }

    /// Parses the contents of a `tokenizer.json` file; `file` names it in errors.
    public init(tokenizerJSON data: Data, file: String = "tokenizer.json") throws {
        let root = try JSONNode.parse(data, file: file)
        _ = try root.object()
        guard root.has("model") else { throw root["model"].error("missing") }
        let model = try TokenModel.parse(root["model"])
        var added: [AddedToken] = []
        if root.has("added_tokens") {
            for t in try root["added_tokens"].array() {
                added.append(AddedToken(id: try t["id"].int(), content: try t["content"].string(),
                                        singleWord: try t["single_word"].bool(default: false),
                                        lstrip: try t["lstrip"].bool(default: false),
                                        rstrip: try t["rstrip"].bool(default: false),
                                        normalized: try t["normalized"].bool(default: true),
                                        special: try t["special"].bool(default: false)))
            }
        }
        self.init(normalizer: try Normalizer.parse(root["normalizer"]),
                  preTokenizer: try PreTokenizer.parse(root["pre_tokenizer"]),
                  model: model,
                  postProcessor: try PostProcessor.parse(root["post_processor"]),
                  decoder: try Decoder.parse(root["decoder"]),
                  addedTokens: added)
    }
}

extension TokenModel {
    static func parse(_ node: JSONNode) throws -> TokenModel {
        _ = try node.object()
        var type = try node["type"].optionalString()
        if type == nil {
            if node.has("merges") { type = "BPE" } else if node["vocab"].value is [Any] { type = "Unigram" } else { type = "WordPiece" }
        }
        switch type! {
        case "WordPiece":
            return .wordPiece(WordPieceModel(vocab: try parseVocab(node["vocab"]),
                                             unkToken: try node["unk_token"].optionalString() ?? "[UNK]",
                                             prefix: try node["continuing_subword_prefix"].optionalString() ?? "##",
                                             maxInputCharsPerWord: try node["max_input_chars_per_word"].int(default: 100)))
        case "BPE":
            let vocab = try parseVocab(node["vocab"])
            let merges = try parseMerges(node["merges"], vocab: vocab)
            return .bpe(BPEModel(vocab: vocab, merges: merges, unkToken: try node["unk_token"].optionalString(),
                                 continuingSubwordPrefix: try node["continuing_subword_prefix"].optionalString(),
                                 endOfWordSuffix: try node["end_of_word_suffix"].optionalString(),
                                 fuseUnk: try node["fuse_unk"].bool(default: false),
                                 byteFallback: try node["byte_fallback"].bool(default: false),
                                 ignoreMerges: try node["ignore_merges"].bool(default: false)))
        case "Unigram":
            let list = try node["vocab"].rawArray()
            var pieces: [(String, Double)] = []
            pieces.reserveCapacity(list.count)
            for (i, item) in list.enumerated() {
                guard let pair = item as? [Any], pair.count == 2, let s = pair[0] as? String,
                      let n = pair[1] as? NSNumber else {
                    throw TokenizerError(file: node.file, key: "\(node.path).vocab[\(i)]", reason: "expected [piece, score]")
                }
                pieces.append((s, n.doubleValue))
            }
            let unk = try node["unk_id"].optionalInt()
            if let unk, unk < 0 || unk >= pieces.count { throw node["unk_id"].error("out of range (vocabulary has \(pieces.count) pieces)") }
            return .unigram(UnigramModel(pieces: pieces, unkID: unk, byteFallback: try node["byte_fallback"].bool(default: false)))
        default:
            throw node["type"].error("unknown model type \"\(type!)\"")
        }
    }

    static func parseVocab(_ node: JSONNode) throws -> Vocabulary {
        let raw = try node.rawObject()
        var vocab: Vocabulary = [:]
        vocab.reserveCapacity(raw.count)
        for (k, v) in raw {
            guard let n = v as? NSNumber, !CFGetTypeIDIsBool(n), n.doubleValue >= 0, n.doubleValue < 1e9,
                  n.doubleValue == n.doubleValue.rounded() else {
                throw TokenizerError(file: node.file, key: "\(node.path)[\"\(k)\"]", reason: "expected a non-negative integer id")
            }
            vocab[k] = n.intValue
        }
        return vocab
    }

    /// Merges as `"a b"` strings or `["a", "b"]` pairs; each pair and its merge must be in the vocabulary.
    static func parseMerges(_ node: JSONNode, vocab: Vocabulary) throws -> [UInt64: (rank: Int32, id: Int32)] {
        let list = node.isNull ? [] : try node.rawArray()
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        merges.reserveCapacity(list.count)
        for (rank, item) in list.enumerated() {
            let a: String, b: String
            if let s = item as? String {
                guard let parts = splitMerge(s) else {
                    throw TokenizerError(file: node.file, key: "\(node.path)[\(rank)]", reason: "bad merge \"\(s)\" (expected two tokens separated by one space)")
                }
                a = parts.0; b = parts.1
            } else if let p = item as? [Any], p.count == 2, let x = p[0] as? String, let y = p[1] as? String {
                a = x; b = y
            } else {
                throw TokenizerError(file: node.file, key: "\(node.path)[\(rank)]", reason: "bad merge (expected \"a b\" or [a, b])")
            }
            try addMerge(a, b, rank: rank, vocab: vocab, into: &merges, file: node.file, key: "\(node.path)[\(rank)]")
        }
        return merges
    }

    static func addMerge(_ a: String, _ b: String, rank: Int, vocab: Vocabulary,
                         into merges: inout [UInt64: (rank: Int32, id: Int32)], file: String, key: String) throws {
        guard let ia = vocab[a] else { throw TokenizerError(file: file, key: key, reason: "merge token \"\(a)\" is not in the vocabulary") }
        guard let ib = vocab[b] else { throw TokenizerError(file: file, key: key, reason: "merge token \"\(b)\" is not in the vocabulary") }
        guard let merged = vocab[a + b] else { throw TokenizerError(file: file, key: key, reason: "merged token \"\(a + b)\" is not in the vocabulary") }
        let k = UInt64(UInt32(truncatingIfNeeded: ia)) << 32 | UInt64(UInt32(truncatingIfNeeded: ib))
        if merges[k] == nil { merges[k] = (Int32(rank), Int32(merged)) }
    }
}
