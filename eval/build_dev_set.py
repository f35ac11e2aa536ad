"""Writes eval/questions/dev.jsonl from the hand-written questions below.

Questions refer to bundled papers by their position in the merged corpus (stable: readers and
merge order are deterministic) so titles cannot be mistyped; every fact is checked to occur in
a gold paper's title or abstract before the file is written.
"""

import json
import sys
from pathlib import Path

from assistant.corpus import bundled_corpus_dir, load_corpus

L, P, N, M, C, U, F = "lookup", "paraphrase", "numeric", "multi-paper", "compare", "unanswerable", "follow-up"

QUESTIONS = [
    # (kind, question, gold paper numbers, facts, history)
    (L, "What does BSP-Net output directly?", [1], ["polygonal meshes"], []),
    (L, "What decoder does IsoC-VGAE use to keep high-order isomorphic consistency?", [0], ["Inverse Graph Neural Network"], []),
    (L, "In the prototype network for case-based reasoning, what does each unit of the prototype layer store?", [2], ["weight vector"], []),
    (L, "What architecture does AutoInt use to model feature interactions?", [9], ["multi-head self-attentive"], []),
    (L, "What does Superposed Decoding generate at the cost of one inference pass?", [17], ["k drafts"], []),
    (L, "What mechanism does Autoformer build into its decomposition architecture?", [22], ["Auto-Correlation"], []),
    (L, "How does FiRST decide which transformer layers to skip?", [4], ["layer-specific routers"], []),
    (L, "What does ADED use to approximate the output distribution of the LLM?", [6], ["tri-gram matrix"], []),
    (L, "What is SJD in auto-regressive text-to-image generation?", [10], ["Speculative Jacobi Decoding"], []),
    (L, "What convergence criterion does Speculative Jacobi Decoding introduce?", [10], ["probabilistic convergence criterion"], []),
    (L, "On which three tasks was circuit identification with discrete sparse autoencoders evaluated?", [7], ["indirect object identification", "greater-than comparisons", "docstring completion"], []),
    (L, "What do regularized auto-encoders capture about the data generating density?", [8], ["derivative of the log-density"], []),
    (L, "What are the two pretraining tasks of the context autoencoder (CAE)?", [5], ["masked representation prediction", "masked patch reconstruction"], []),
    (L, "What application is NIRVANA designed for?", [60], ["video compression"], []),
    (L, "What network does FutureDepth train to predict future features?", [59], ["F-Net"], []),
    (L, "How does JPEG-LM represent images for an LLM?", [71], ["compressed files"], []),
    (L, "In what order does Neighboring Autoregressive Modeling decode tokens?", [18], ["Manhattan distance"], []),
    (L, "What kind of token sequences does FlexTok project images into?", [66], ["variable-length"], []),
    (N, "What average latency speedup does Chimera achieve over vanilla auto-regressive decoding?", [11], ["2.7x"], []),
    (N, "What linear SVM accuracy does the frozen I2P-MAE reach on ModelNet40?", [16], ["93.4%"], []),
    (N, "How large a speedup does Learning to Parallel reach when combined with KV-Cache?", [21], ["57.51"], []),
    (N, "What relative improvement does Autoformer report in long-term forecasting?", [22], ["38%"], []),
    (N, "What FID does NFIG reach on ImageNet-256 and how much faster is it than VAR-d20?", [25], ["2.81", "1.25"], []),
    (N, "What accuracy do masked autoencoders for point clouds reach on ScanObjectNN?", [26], ["85.18%"], []),
    (N, "By how much does Hydra++ improve decoding throughput over Medusa decoding?", [45], ["1.31x"], []),
    (N, "What wall clock speedup does SpecTr achieve?", [54], ["2.13X"], []),
    (N, "How much speedup and memory saving does Collaborative Decoding (CoDe) give?", [67], ["1.7x", "50%"], []),
    (N, "What SuperGLUE score does the English version of ERNIE 3.0 reach?", [58], ["90.6%"], []),
    (N, "How much faster is compression with probabilistic circuits than neural compression at similar bitrates?", [64], ["5-40 times faster"], []),
    (N, "How long does CMD take to generate a 16-frame 512x1024 video?", [75], ["3.1 seconds"], []),
    (N, "What inference speedup does CASS-NAT give for speech recognition?", [98], ["24x"], []),
    (N, "What lossless speedup ratio does Falcon achieve on Vicuna and LLaMA2-Chat?", [142], ["2.91x to 3.51x"], []),
    (N, "What throughput improvement does GEAR give with 4-bit KV cache compression?", [148], ["2.38x"], []),
    (N, "What speedup does TriForce reach for Llama2-7B-128K on an A100?", [133], ["2.31"], []),
    (N, "What share of GPT-2 Small attention heads are estimated to be polysemantic?", [92], ["90%"], []),
    (N, "What fraction of FFN blocks can FFN-SkipLLM skip?", [43], ["25-30%"], []),
    (N, "How much compression does the variational tokenizer (VAT) for 3D meshes achieve?", [147], ["250x"], []),
    (N, "What speed-up does continuous speculative decoding give for autoregressive image generation?", [119], ["2.33"], []),
    (P, "Is there a way to offer several typing suggestions for the price of running the language model once?", [17], ["k drafts"], []),
    (P, "How can a solid object be described as a union of simple convex pieces learned without labels?", [1], ["convex decomposition"], []),
    (P, "Which work guesses what comes next in a clip to better judge how far away things are in each frame?", [59], ["predict the future"], []),
    (P, "Which model can justify each of its decisions by pointing to learned typical examples?", [2], ["prototype"], []),
    (P, "How can ad click prediction learn which combinations of input fields matter, without hand-crafting them?", [9], ["feature interactions"], []),
    (P, "Can a chatbot model respond faster on phones by running only part of its network, chosen per prompt?", [4], ["subset of transformer layers"], []),
    (P, "How can the memory that stores past attention keys and values be shrunk when serving big chat models?", [148], ["KV cache"], []),
    (P, "Is there a way to steer a next-token picture generator with edge or depth maps, like ControlNet does?", [74], ["spatial controls"], []),
    (P, "Has anyone trained a neural net to produce dance moves from a song?", [3], ["LSTM"], []),
    (P, "How should the step size be scheduled when a foundation model keeps being trained on new data without forgetting?", [70], ["infinite learning rate"], []),
    (P, "How can unusual behaviour of supercomputer nodes be spotted automatically?", [185], ["autoencoders"], []),
    (P, "Which method squeezes a 3D shape into a few hundred bytes for generation?", [147], ["compression"], []),
    (M, "Which papers use sparse autoencoders to interpret attention or find circuits in language models?", [7, 92], ["attention"], []),
    (M, "Which papers apply masked autoencoders to point clouds or 3D representations?", [26, 16], ["ModelNet40"], []),
    (M, "What approaches represent videos with implicit neural representations for compression?", [60, 62], ["implicit neural"], []),
    (M, "Which papers speed up visual autoregressive image generation with speculative decoding?", [31, 119], ["speculative"], []),
    (M, "Which works build autoregressive models or LLMs for time series forecasting?", [39, 181], ["forecasting"], []),
    (M, "Which papers study learning rate schedules for language model pre-training?", [70, 182], ["learning rate"], []),
    (M, "Which papers scale up visual tokenizers for image generation?", [146, 61], ["tokenizer"], []),
    (M, "Which papers automate neural architecture design for graph neural networks?", [33, 48], ["graph neural"], []),
    (C, "How do Hydra and Chimera differ in the way they draft tokens?", [45, 11], ["draft"], []),
    (C, "Compare the speedups reported by SpecTr and TriForce.", [54, 133], ["2.13X", "2.31"], []),
    (C, "How does Point-MAE's ModelNet40 accuracy compare with I2P-MAE's linear SVM result?", [26, 16], ["94.04%", "93.4%"], []),
    (C, "Compare the context autoencoder (CAE) and the Mixed Autoencoder for self-supervised visual pretraining.", [5, 46], ["masked"], []),
    (C, "Compare the speed-ups of LANTERN and continuous speculative decoding.", [31, 119], ["1.75", "2.33"], []),
    (C, "How do ERNIE 3.0 and BART differ in their pre-training?", [58, 101], ["knowledge", "denoising"], []),
    (U, "What learning rate was used to train GPT-4?", [], [], []),
    (U, "How does AlphaFold predict protein structures?", [], [], []),
    (U, "What reward model does InstructGPT use for RLHF?", [], [], []),
    (U, "How does Mamba's selection mechanism make state space models input-dependent?", [], [], []),
    (U, "How many GPUs were used to train Stable Diffusion XL?", [], [], []),
    (U, "Which datasets are used to benchmark YOLOv8 object detection?", [], [], []),
    (U, "What BLEU score did the original Transformer get on WMT14 English-German?", [], [], []),
    (U, "How does LoRA reduce the number of trainable parameters when fine-tuning?", [], [], []),
    (U, "What is the context length of Llama 3?", [], [], []),
    (U, "How does federated learning protect user privacy on mobile keyboards?", [], [], []),
    (U, "What accuracy does Chimera reach on ImageNet classification?", [], [], []),
    (U, "How many parameters does BSP-Net have?", [], [], []),
    (U, "What does direct preference optimization use instead of a reward model?", [], [], []),
    (U, "Which graph neural network won the OGB-LSC 2022 challenge?", [], [], []),
    (U, "How does retrieval-augmented generation reduce hallucinations in chatbots?", [], [], []),
    (U, "What is the price per token of GPT-4 Turbo?", [], [], []),
    (F, "How much faster is it than vanilla decoding?", [11], ["2.7x"], ["What is Chimera for LLM inference?"]),
    (F, "Are its meshes watertight?", [1], ["watertight"], ["What does BSP-Net do?"]),
    (F, "How much does the tuned recipe improve throughput?", [45], ["1.31x"], ["Which paper proposes Hydra draft heads?"]),
    (F, "How much memory does it save?", [67], ["50%"], [{"question": "What is CoDe for visual autoregressive models?", "answer": "CoDe is a collaborative decoding strategy for VAR models [1]."}]),
    (F, "What throughput improvement does it report?", [148], ["2.38x"], ["Tell me about GEAR for KV cache compression."]),
    (F, "Which application domains did its benchmarks cover?", [22], ["energy", "traffic", "weather"], ["What is Autoformer?"]),
    (F, "How many tokens can an image be resampled into?", [66], ["1 to 256"], ["What is FlexTok?"]),
    (F, "And what accuracy does it reach on ScanObjectNN's hardest split?", [16], ["90.11%"], ["What is I2P-MAE?"]),
]


def main() -> int:
    papers = load_corpus([bundled_corpus_dir()]).papers
    out, problems = [], []
    for n, (kind, question, gold, facts, history) in enumerate(QUESTIONS, 1):
        texts = [(papers[g].title + " " + papers[g].abstract).casefold() for g in gold]
        for fact in facts:
            if not any(fact.casefold() in t for t in texts):
                problems.append(f"dev-{n:03d}: fact {fact!r} not in its gold abstracts")
        out.append({
            "id": f"dev-{n:03d}", "question": question, "history": history,
            "gold": [papers[g].title for g in gold], "facts": facts,
            "answerable": kind != U, "kind": kind,
        })
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    path = Path(__file__).parent / "questions" / "dev.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in out))
    print(f"wrote {len(out)} questions to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
