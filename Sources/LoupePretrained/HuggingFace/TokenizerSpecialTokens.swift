import Foundation
import LoupeNN

/// The ids of the special tokens a Hugging Face tokenizer adds around a text, read from the
/// `post_processor` of its `tokenizer.json` (tokenizers' `TemplateProcessing`: the ids of its
/// `special_tokens`; `BertProcessing` / `RobertaProcessing`: `cls` and `sep`; `Sequence`: those
/// of its processors).
///
/// Only the ids are read here (the tokenizer itself is LoupeTokenizers' business); they are what
/// the `pad` attribution baseline keeps.
enum TokenizerSpecialTokens {
    /// Largest `tokenizer.json` read for this purpose.
    static let maximumFileSize = 64 << 20

    /// The special ids of `folder/tokenizer.json`; `nil` when the file is absent, too large,
    /// unreadable or has no post-processor that names special tokens.
    static func read(folder: URL) -> Set<Int>? {
        let url = folder.appendingPathComponent("tokenizer.json")
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int,
              size <= maximumFileSize,
              case .object(let root)? = try? JSONDocument.read(url),
              let processor = root["post_processor"]
        else { return nil }
        let ids = specialIDs(processor)
        return ids.isEmpty ? nil : ids
    }

    static func specialIDs(_ processor: JSONValue) -> Set<Int> {
        guard case .object(let fields) = processor else { return [] }
        var ids: Set<Int> = []
        switch fields["type"]?.stringValue {
        case "TemplateProcessing":
            for (_, token) in fields["special_tokens"]?.objectValue ?? [:] {
                for id in token.objectValue?["ids"]?.arrayValue ?? [] { if let id = id.intValue { ids.insert(id) } }
            }
        case "BertProcessing", "RobertaProcessing":
            for key in ["cls", "sep"] {
                if let pair = fields[key]?.arrayValue, pair.count == 2, let id = pair[1].intValue { ids.insert(id) }
            }
        case "Sequence":
            for item in fields["processors"]?.arrayValue ?? [] { ids.formUnion(specialIDs(item)) }
        default:
            break
        }
        return ids
    }
}
