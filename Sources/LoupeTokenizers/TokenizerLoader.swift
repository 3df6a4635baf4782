import Foundation

/// Finds and reads the tokenizer of a model folder.
public enum TokenizerLoader {
    /// Loads `tokenizer.json` if the folder has one, else `vocab.txt` (BERT WordPiece), else
    /// `vocab.json` + `merges.txt` (GPT-2 byte-level BPE). Throws `TokenizerError` naming the file
    /// and the key or line at fault.
    public static func load(folder: URL) throws -> PretrainedTokenizer {
        let fm = FileManager.default
        let json = folder.appendingPathComponent("tokenizer.json")
        if fm.fileExists(atPath: json.path) { return try PretrainedTokenizer(tokenizerJSON: json) }
        let vocabTxt = folder.appendingPathComponent("vocab.txt")
        if fm.fileExists(atPath: vocabTxt.path) {
            var lowercase = true
            let config = folder.appendingPathComponent("tokenizer_config.json")
            if let data = try? Data(contentsOf: config),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
               let flag = object["do_lower_case"] as? Bool {
                lowercase = flag
            }
            return try PretrainedTokenizer(bertVocabulary: vocabTxt, lowercase: lowercase)
        }
        let vocabJSON = folder.appendingPathComponent("vocab.json")
        let merges = folder.appendingPathComponent("merges.txt")
        if fm.fileExists(atPath: vocabJSON.path) && fm.fileExists(atPath: merges.path) {
            return try PretrainedTokenizer(gpt2Vocabulary: vocabJSON, merges: merges)
        }
        throw TokenizerError(file: folder.path, key: "", reason: "no tokenizer.json, vocab.txt, or vocab.json + merges.txt")
    }

    static func readText(_ url: URL) throws -> String {
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw TokenizerError(file: url.path, key: "", reason: "cannot read as UTF-8 (\(error.localizedDescription))")
        }
    }
}

extension PretrainedTokenizer {
    /// BERT's tokenizer from a `vocab.txt` (one token a line, id = line index): BertNormalizer,
    /// BertPreTokenizer, WordPiece (`[UNK]`, `##`, 100 characters a word), `[CLS] $A [SEP]`,
    /// as transformers' `BertTokenizer` converts it.
    public init(bertVocabulary url: URL, lowercase: Bool = true) throws {
        let text = try TokenizerLoader.readText(url)
        var vocab: Vocabulary = [:]
        for (i, token) in textLines(text).enumerated() {
            if vocab[token] == nil { vocab[token] = i }
        }
        guard !vocab.isEmpty else { throw TokenizerError(file: url.path, key: "", reason: "empty vocabulary") }
        for required in ["[UNK]", "[CLS]", "[SEP]"] where vocab[required] == nil {
            throw TokenizerError(file: url.path, key: required, reason: "token missing from the vocabulary")
        }
        let added = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].compactMap { t in
            vocab[t].map { AddedToken(id: $0, content: t, normalized: false, special: true) }
        }.sorted { $0.id < $1.id }
        self.init(normalizer: .bert(cleanText: true, handleChineseChars: true, stripAccents: nil, lowercase: lowercase),
                  preTokenizer: .bert,
                  model: .wordPiece(WordPieceModel(vocab: vocab, unkToken: "[UNK]", prefix: "##", maxInputCharsPerWord: 100)),
                  postProcessor: .bert(cls: ("[CLS]", vocab["[CLS]"]!), sep: ("[SEP]", vocab["[SEP]"]!)),
                  decoder: .wordPiece(prefix: "##", cleanup: true),
                  addedTokens: added)
    }

    /// GPT-2's tokenizer from `vocab.json` + `merges.txt`: ByteLevel pre-tokenizer (no prefix space),
    /// byte-level BPE, ByteLevel decoder, `<|endoftext|>` special, as transformers' `GPT2Tokenizer`.
    public init(gpt2Vocabulary vocabURL: URL, merges mergesURL: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: vocabURL) } catch {
            throw TokenizerError(file: vocabURL.path, key: "", reason: "cannot read (\(error.localizedDescription))")
        }
        let vocab = try TokenModel.parseVocab(try JSONNode.parse(data, file: vocabURL.path))
        let text = try TokenizerLoader.readText(mergesURL)
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        var rank = 0
        for (n, line) in textLines(text).enumerated() {
            if line.isEmpty || (n == 0 && line.hasScalarPrefix("#version")) { continue }
            guard let parts = splitMerge(line) else {
                throw TokenizerError(file: mergesURL.path, key: "line \(n + 1)", reason: "bad merge \"\(line)\" (expected two tokens separated by one space)")
            }
            try TokenModel.addMerge(parts.0, parts.1, rank: rank, vocab: vocab, into: &merges,
                                    file: mergesURL.path, key: "line \(n + 1)")
            rank += 1
        }
        let added = vocab["<|endoftext|>"].map { [AddedToken(id: $0, content: "<|endoftext|>", normalized: false, special: true)] } ?? []
        self.init(normalizer: nil, preTokenizer: .byteLevel(addPrefixSpace: false, useRegex: true),
                  model: .bpe(BPEModel(vocab: vocab, merges: merges, unkToken: nil, continuingSubwordPrefix: "",
                                       endOfWordSuffix: "", fuseUnk: false, byteFallback: false, ignoreMerges: false)),
                  postProcessor: .byteLevel(trimOffsets: false, addPrefixSpace: false),
                  decoder: .byteLevel, addedTokens: added)
    }
}
