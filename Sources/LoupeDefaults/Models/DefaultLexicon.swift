import Foundation
import LoupeTokenizers

/// The bundled Chinese word lexicon (`Resources/default-zh-lexicon/lexicon.tsv`): words found by
/// ``LexiconDiscovery`` in the Chinese training reviews of the default classifier, with their
/// counts; word-level aggregation segments Chinese with it.
public enum DefaultLexicon {
    /// The name the JSON records for it.
    public static let name = "default-zh-lexicon"

    /// The bundled file, or nil when the build ships none.
    public static var url: URL? { DefaultResources.url("default-zh-lexicon/lexicon.tsv") }

    /// The lexicon, read once.
    /// - Throws: ``TokenizerError`` when the build ships no lexicon or it cannot be read.
    public static func chinese() throws -> WordLexicon {
        try cached.get()
    }

    private static let cached: Result<WordLexicon, TokenizerError> = {
        guard let url else {
            return .failure(TokenizerError(file: "default-zh-lexicon/lexicon.tsv", key: "",
                                           reason: "this build ships no Chinese lexicon (resources not found)"))
        }
        do { return .success(try WordLexicon(contentsOf: url)) } catch let error as TokenizerError {
            return .failure(error)
        } catch {
            return .failure(TokenizerError(file: url.path, key: "", reason: "\(error)"))
        }
    }()
}
