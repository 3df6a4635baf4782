import Foundation

/// The tokenizer metadata of a GGUF file (llama.cpp's `tokenizer.ggml.*` keys), as plain values.
///
/// Build one from the values a GGUF reader gives and call `Tokenizer(gguf:)` to get the tokenizer
/// transformers builds from that file (`AutoTokenizer.from_pretrained(folder, gguf_file=…)`).
public struct GGUFTokenizerSpec: Equatable, Sendable {
    /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece-style BPE).
    public var model: String
    /// `tokenizer.ggml.pre`: the pre-tokenizer name ("smollm", "llama-bpe", "qwen2", "gpt-2", "default", …).
    public var pre: String?
    /// `tokenizer.ggml.tokens`.
    public var tokens: [String]
    /// `tokenizer.ggml.token_type`: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte.
    public var tokenTypes: [Int]?
    /// `tokenizer.ggml.merges` ("a b" strings).
    public var merges: [String]?
    /// `tokenizer.ggml.scores`.
    public var scores: [Float]?
    public var bosTokenID: Int?
    public var eosTokenID: Int?
    public var unknownTokenID: Int?
    public var paddingTokenID: Int?
    /// `tokenizer.ggml.add_bos_token` (nil: absent; transformers then adds BOS for "llama" only).
    public var addBOSToken: Bool?
    /// `tokenizer.ggml.add_eos_token`.
    public var addEOSToken: Bool?

    public init(model: String, pre: String? = nil, tokens: [String], tokenTypes: [Int]? = nil, merges: [String]? = nil,
                scores: [Float]? = nil, bosTokenID: Int? = nil, eosTokenID: Int? = nil, unknownTokenID: Int? = nil,
                paddingTokenID: Int? = nil, addBOSToken: Bool? = nil, addEOSToken: Bool? = nil) {
        self.model = model
        self.pre = pre
        self.tokens = tokens
        self.tokenTypes = tokenTypes
        self.merges = merges
        self.scores = scores
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
        self.unknownTokenID = unknownTokenID
        self.paddingTokenID = paddingTokenID
        self.addBOSToken = addBOSToken
        self.addEOSToken = addEOSToken
    }

    /// The split expression transformers uses for a `tokenizer.ggml.pre` name (nil: plain ByteLevel).
    static func splitPattern(forPre pre: String?) -> String? {
        switch pre {
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano",
             "dbrx", "smaug-bpe":
            return PretokenizerScanner.llama3Pattern
        case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "megrez":
            return PretokenizerScanner.qwen2Pattern
        default:
            return nil
        }
    }
}

extension PretrainedTokenizer {
    /// The tokenizer transformers builds from a GGUF file's metadata (its `integrations/gguf`
    /// conversion): byte-level BPE for "gpt2" (the split expression named by `pre`), SentencePiece-style
    /// BPE with byte fallback and Metaspace for "llama"; control tokens become special added tokens,
    /// user-defined ones plain added tokens; BOS/EOS as `add_bos_token`/`add_eos_token` say.
    public init(gguf spec: GGUFTokenizerSpec) throws {
        let file = "GGUF metadata"
        guard !spec.tokens.isEmpty else { throw TokenizerError(file: file, key: "tokenizer.ggml.tokens", reason: "empty") }
        if let t = spec.tokenTypes, t.count != spec.tokens.count {
            throw TokenizerError(file: file, key: "tokenizer.ggml.token_type", reason: "has \(t.count) entries for \(spec.tokens.count) tokens")
        }
        if let s = spec.scores, s.count != spec.tokens.count {
            throw TokenizerError(file: file, key: "tokenizer.ggml.scores", reason: "has \(s.count) entries for \(spec.tokens.count) tokens")
        }
        for (key, id) in [("bos_token_id", spec.bosTokenID), ("eos_token_id", spec.eosTokenID),
                          ("unknown_token_id", spec.unknownTokenID), ("padding_token_id", spec.paddingTokenID)] {
            if let id, id < 0 || id >= spec.tokens.count {
                throw TokenizerError(file: file, key: "tokenizer.ggml.\(key)", reason: "id \(id) is out of range (\(spec.tokens.count) tokens)")
            }
        }
        let byteLevel: Bool
        switch spec.model {
        case "gpt2": byteLevel = true
        case "llama": byteLevel = false
        default:
            throw TokenizerError(file: file, key: "tokenizer.ggml.model", reason: "unsupported tokenizer model \"\(spec.model)\" (gpt2 or llama)")
        }
        // Vocabulary: byte-level tokens not spelled in the byte alphabet are respelled.
        var tokens = spec.tokens
        if byteLevel {
            let alphabet = Set(ByteLevelAlphabet.byteToScalar.map(\.value))
            tokens = tokens.map { t in
                if t.unicodeScalars.allSatisfy({ alphabet.contains($0.value) }) { return t }
                return makeString(t.utf8.map { ByteLevelAlphabet.byteToScalar[Int($0)] })
            }
        }
        var vocab: Vocabulary = [:]
        vocab.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() { vocab[t] = i }
        // Merges: from the file, or derived from the vocabulary and scores.
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        let pairs: [(String, String)]
        if let list = spec.merges {
            pairs = try list.enumerated().map { i, m in
                guard let parts = splitMerge(m) else {
                    throw TokenizerError(file: file, key: "tokenizer.ggml.merges[\(i)]", reason: "bad merge \"\(m)\"")
                }
                return parts
            }
        } else {
            pairs = PretrainedTokenizer.mergesFromVocabulary(tokens: tokens, vocab: vocab, scores: spec.scores?.map(Double.init))
        }
        for (rank, p) in pairs.enumerated() {
            try TokenModel.addMerge(p.0, p.1, rank: rank, vocab: vocab, into: &merges, file: file, key: "tokenizer.ggml.merges[\(rank)]")
        }
        let model = BPEModel(vocab: vocab, merges: merges, unkToken: nil, continuingSubwordPrefix: byteLevel ? "" : nil,
                             endOfWordSuffix: byteLevel ? "" : nil, fuseUnk: !byteLevel, byteFallback: !byteLevel, ignoreMerges: false)
        // Added tokens: bos/eos/unk/pad and control tokens special, user-defined ones plain.
        var added: [AddedToken] = []
        var seen = Set<Int>()
        let alphabet = Set(ByteLevelAlphabet.byteToScalar.map(\.value))
        func add(_ id: Int, special: Bool) {
            guard !seen.contains(id) else { return }
            seen.insert(id)
            added.append(AddedToken(id: id, content: tokens[id], normalized: false, special: special))
        }
        for id in [spec.unknownTokenID, spec.bosTokenID, spec.eosTokenID, spec.paddingTokenID].compactMap({ $0 }) {
            add(id, special: true)
        }
        if let types = spec.tokenTypes {
            for (id, type) in types.enumerated() where type == 3 {
                if byteLevel && !spec.tokens[id].unicodeScalars.allSatisfy({ alphabet.contains($0.value) }) { continue }
                add(id, special: true)
            }
            for (id, type) in types.enumerated() where type == 4 { add(id, special: false) }
        }
        added.sort { $0.id < $1.id }
        // Template: BOS / EOS as the flags say.
        let addBOS = (spec.addBOSToken ?? !byteLevel) && spec.bosTokenID != nil
        let addEOS = (spec.addEOSToken ?? false) && spec.eosTokenID != nil
        var pieces: [PostProcessor.Piece] = []
        if addBOS, let b = spec.bosTokenID { pieces.append(.special([(id: b, token: tokens[b])])) }
        pieces.append(.sequence)
        if addEOS, let e = spec.eosTokenID { pieces.append(.special([(id: e, token: tokens[e])])) }
        let pre: PreTokenizer
        let decoder: Decoder
        if byteLevel {
            if let pattern = GGUFTokenizerSpec.splitPattern(forPre: spec.pre) {
                pre = .sequence([.split(try TextPattern.compile(regex: pattern), behavior: .isolated, invert: false),
                                 .byteLevel(addPrefixSpace: false, useRegex: false)])
            } else {
                pre = .byteLevel(addPrefixSpace: false, useRegex: true)
            }
            decoder = .byteLevel
        } else {
            pre = .metaspace(replacement: "\u{2581}", prependScheme: .first, split: false)
            decoder = .sequence([.replace(.literal(["\u{2581}"]), content: " "), .byteFallback, .fuse, .strip(content: " ", start: 1, stop: 0)])
        }
        self.init(normalizer: nil, preTokenizer: pre, model: .bpe(model), postProcessor: .template(pieces),
                  decoder: decoder, addedTokens: added)
    }

    /// Merges implied by a vocabulary (transformers' `generate_merges`): every split of a token into
    /// two tokens, ordered by the token's score (highest first) or, without scores, by id.
    static func mergesFromVocabulary(tokens: [String], vocab: Vocabulary, scores: [Double]?) -> [(String, String)] {
        var list: [(String, String, Double, Int, Int, Int)] = []   // l, r, key score, len l, len r, order
        var order = 0
        for (i, token) in tokens.enumerated() where vocab[token] == i {
            let scalars = Array(token.unicodeScalars)
            guard scalars.count > 1 else { continue }
            var local: [(String, String, Int, Int)] = []
            for k in 1..<scalars.count {
                let l = makeString(scalars[..<k]), r = makeString(scalars[k...])
                if let il = vocab[l], let ir = vocab[r] { local.append((l, r, il, ir)) }
            }
            local.sort { ($0.2, $0.3) < ($1.2, $1.3) }
            let key = scores.map { $0[i] } ?? Double(i)
            for m in local {
                list.append((m.0, m.1, key, m.0.unicodeScalars.count, m.1.unicodeScalars.count, order))
                order += 1
            }
        }
        let reverse = scores != nil
        list.sort { a, b in
            if a.2 != b.2 { return reverse ? a.2 > b.2 : a.2 < b.2 }
            if a.3 != b.3 { return reverse ? a.3 > b.3 : a.3 < b.3 }
            if a.4 != b.4 { return reverse ? a.4 > b.4 : a.4 < b.4 }
            return a.5 < b.5
        }
        return list.map { ($0.0, $0.1) }
    }
}
