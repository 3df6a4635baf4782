import Foundation
import Testing
@testable import LoupePretrained

@Suite struct EncoderConfigTests {
    func parse(_ text: String) throws -> EncoderConfig { try EncoderConfig.parse(Data(text.utf8)) }

    func failure(_ text: String) -> PretrainedError? {
        do { _ = try parse(text); return nil } catch { return error as? PretrainedError }
    }

    @Test func absentKeysTakeTransformersDefaults() throws {
        let c = try parse(#"{"architectures": ["BertModel"]}"#)
        #expect(c.family == .bert && c.head == .none)
        #expect(c.vocabularySize == 30522 && c.hiddenSize == 768 && c.layerCount == 12 && c.headCount == 12)
        #expect(c.intermediateSize == 3072 && c.maxPositionEmbeddings == 512 && c.typeVocabularySize == 2)
        #expect(c.activation == .gelu && c.layerNormEpsilon == 1e-12 && c.padTokenID == 0)
        #expect(c.labels == ["LABEL_0", "LABEL_1"] && c.problemType == nil)
        #expect(c.positionOffset == 0 && c.maximumSequenceLength == 512)
        let r = try parse(#"{"architectures": ["RobertaForSequenceClassification"], "num_labels": 3}"#)
        #expect(r.padTokenID == 1 && r.positionOffset == 2 && r.maximumSequenceLength == 510 && r.vocabularySize == 50265)
        #expect(r.labels == ["LABEL_0", "LABEL_1", "LABEL_2"] && r.head == .robertaSequenceClassification)
        let d = try parse(#"{"architectures": ["DistilBertForSequenceClassification"]}"#)
        #expect(d.hiddenSize == 768 && d.layerCount == 6 && d.intermediateSize == 3072 && d.typeVocabularySize == 0)
        #expect(d.layerNormEpsilon == 1e-12 && !d.sinusoidalPositionEmbeddings)
        // No architectures: model_type decides the bare model.
        #expect(try parse(#"{"model_type": "xlm-roberta"}"#).architecture == "XLMRobertaModel")
    }

    @Test func chineseBertConfigReads() throws {
        // The keys of bert-base-chinese's config.json.
        let c = try parse(#"""
        {"architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1, "directionality": "bidi",
         "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02,
         "intermediate_size": 3072, "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert",
         "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0, "pooler_fc_size": 768,
         "pooler_num_attention_heads": 12, "pooler_num_fc_layers": 3, "pooler_size_per_head": 128,
         "pooler_type": "first_token_transform", "type_vocab_size": 2, "vocab_size": 21128}
        """#)
        #expect(c.family == .bert && c.head == .none && c.vocabularySize == 21128)
    }

    @Test func fieldsAreRead() throws {
        let c = try parse(#"""
        {"architectures": ["DistilBertForSequenceClassification"], "dim": 64, "n_layers": 3, "n_heads": 8,
         "hidden_dim": 100, "activation": "relu", "max_position_embeddings": 40, "sinusoidal_pos_embds": true,
         "vocab_size": 77, "pad_token_id": 5, "id2label": {"1": "POSITIVE", "0": "NEGATIVE"},
         "label2id": {"NEGATIVE": 0, "POSITIVE": 1}, "problem_type": "single_label_classification", "seq_classif_dropout": 0.2}
        """#)
        #expect(c.hiddenSize == 64 && c.layerCount == 3 && c.headCount == 8 && c.intermediateSize == 100)
        #expect(c.activation == .relu && c.maxPositionEmbeddings == 40 && c.sinusoidalPositionEmbeddings)
        #expect(c.vocabularySize == 77 && c.padTokenID == 5 && c.labels == ["NEGATIVE", "POSITIVE"])
        #expect(c.problemType == "single_label_classification" && c.headDimension == 8)
        let b = try parse(#"{"architectures": ["BertModel"], "hidden_act": "gelu_new", "layer_norm_eps": 1e-5, "classifier_dropout": 0.3, "position_embedding_type": "absolute"}"#)
        #expect(b.activation == .geluTanh && b.layerNormEpsilon == 1e-5)
        for name in ["gelu_pytorch_tanh", "gelu_fast"] {
            #expect(try parse(#"{"architectures": ["BertModel"], "hidden_act": "\#(name)"}"#).activation == .geluTanh)
        }
    }

    @Test func unsupportedArchitecturesAndOptionsThrow() {
        #expect(failure(#"{"architectures": ["GPT2LMHeadModel"]}"#)?.description.hasPrefix(
            "config.json: unsupported: key 'architectures': 'GPT2LMHeadModel'") == true)
        #expect(failure(#"{"model_type": "gpt2"}"#)?.description.contains("'architectures'") == true)
        #expect(failure(#"{"architectures": ["BertModel"], "position_embedding_type": "relative_key"}"#)?.description
            .contains("position_embedding_type") == true)
        #expect(failure(#"{"architectures": ["BertModel"], "is_decoder": true}"#)?.description.contains("is_decoder") == true)
        #expect(failure(#"{"architectures": ["BertModel"], "hidden_act": "gelu_accurate"}"#)?.description
            .contains("key 'hidden_act'") == true)
    }

    @Test func badValuesThrowNamingTheKey() {
        let cases: [(String, String)] = [
            (#"{"architectures": ["BertModel"], "hidden_size": "big"}"#, "hidden_size"),
            (#"{"architectures": ["BertModel"], "hidden_size": 0}"#, "hidden_size"),
            (#"{"architectures": ["BertModel"], "hidden_size": 30, "num_attention_heads": 4}"#, "num_attention_heads"),
            (#"{"architectures": ["BertModel"], "layer_norm_eps": -1}"#, "layer_norm_eps"),
            (#"{"architectures": ["BertModel"], "pad_token_id": 40000}"#, "pad_token_id"),
            (#"{"architectures": ["BertModel"], "id2label": {"0": "a", "2": "b"}}"#, "id2label"),
            (#"{"architectures": ["BertModel"], "id2label": {"0": 1}}"#, "id2label"),
            (#"{"architectures": ["BertModel"], "id2label": {"0": "a"}, "num_labels": 2}"#, "num_labels"),
            (#"{"architectures": ["BertModel"], "problem_type": "ranking"}"#, "problem_type"),
            (#"{"architectures": "BertModel"}"#, "architectures"),
            (#"{"architectures": ["RobertaModel"], "max_position_embeddings": 2}"#, "max_position_embeddings"),
            (#"{"architectures": ["DistilBertModel"], "dim": 10, "n_heads": 3}"#, "n_heads"),
        ]
        for (text, key) in cases {
            let error = failure(text)
            if case .badConfig(let file, let found, _)? = error {
                #expect(file == "config.json" && found == key, "\(text)")
            } else {
                Issue.record("\(text): \(String(describing: error))")
            }
        }
        #expect(failure("{\"architectures\": [") != nil)
        #expect(failure("[1]")?.description == "config.json: not a JSON object")
    }

    @Test func loadingABareEncoderAsAClassifierSaysWhy() throws {
        let folder = try EncoderFixtures.folder("bert_model_sharded")
        #expect(throws: PretrainedError.self) { try HFEncoderClassifier.load(folder: folder) }
        if case .encoder(let e) = try HFEncoderCheckpoint.load(folder: folder) { #expect(e.config.layerCount == 2) } else {
            Issue.record("a BertModel folder loads as an encoder")
        }
        if case .classifier(let c) = try HFEncoderCheckpoint.load(folder: EncoderFixtures.folder("roberta_cls")) {
            #expect(c.classCount == 2)
        } else {
            Issue.record("a classification folder loads as a classifier")
        }
    }
}
