import ArgumentParser

/// `loupe`: explain text classifiers, train and evaluate models, and look inside VAEs.
struct LoupeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loupe",
        abstract: "Loupe: see why a text model decided — attributions, pictures, JSON.",
        discussion: """
        Models are checkpoint folders in the interchange layout (config.json, model.safetensors, \
        vocab.txt), whether trained by 'loupe train' or exported from PyTorch, Hugging Face folders \
        (BERT, DistilBERT, RoBERTa, XLM-R classifiers; GPT-2, LLaMA, Qwen2 language models) and \
        GGUF files (llama, qwen2). Without --model, \
        'explain' and 'evaluate' use the bundled English + Chinese sentiment classifier (a small \
        transformer trained on SST-2 and Chinese reviews, shipped with Loupe; nothing is trained or \
        downloaded). Path methods explain F(x) − F(baseline); 'explain' warns when the baseline \
        already gives most of the output (see --baseline and --contrast).

        Exit status: 0 success, 1 failure while running, 2 bad usage or input. Colours are off \
        when output is not a terminal, with NO_COLOR set, or with --no-color.

        Examples:
          loupe demo              # everything, into ./loupe-demo/
          loupe explain "I had a great day today."
          loupe explain --methods ig,leave-one-out --png why.png "not bad"
          loupe explain --target negative --contrast positive "i did not like this film at all ."
          loupe train --arch bag --data train.tsv --dev dev.tsv --out runs/bag
          loupe evaluate --model runs/bag --data dev.tsv --faithfulness
          loupe traverse --model runs/shapes --values -3,3,7 --png grid.png
          loupe kl --model runs/text-vae --png kl.png "the film was not good"
          loupe sample -n 10      # sentences from the bundled text VAE's prior
          loupe inspect --model runs/bag
          loupe tokenize --model path/to/hf-folder "Unbelievably good!"
          loupe generate --model SmolLM2-135M-Instruct.Q4_1.gguf --chat "Is this positive? 我今天过得很好。"
          loupe lens --model SmolLM2-135M-Instruct.Q4_1.gguf --chat --target-text positive "我今天过得很好。…"
          loupe generate --model SmolLM2-135M-Instruct.Q4_1.gguf --chat --explain --contrast negative "我今天过得很好。…"
          loupe patch --model SmolLM2-135M-Instruct.Q4_1.gguf --clean "The Eiffel Tower is in" --corrupt "The Colosseum is in" --target " Paris" --foil " Rome"
          loupe chat --model SmolLM2-135M-Instruct.Q4_1.gguf

        See docs/user-guide.md for a tour.
        """,
        version: "0.1.0",
        subcommands: [DemoCommand.self, ExplainCommand.self, TrainCommand.self, EvaluateCommand.self,
                      TraverseCommand.self, KLCommand.self, SampleCommand.self, InspectCommand.self,
                      TokenizeCommand.self, GenerateCommand.self, LensCommand.self, PatchCommand.self,
                      ChatCommand.self])
}
