"""Generate questions.jsonl for blind3 (written from abstracts only, 2026-12-04)."""
import json, sys, os
sys.path.insert(0, "/work/main/eval/blind"); import parse

HERE = os.path.dirname(os.path.abspath(__file__))
TITLES = [p["title"] for p in parse.load_papers()]

def T(prefix):
    m = [t for t in TITLES if t.startswith(prefix)]
    assert len(m) == 1, (prefix, m)
    return m[0]

# (title prefix, question, facts)
PARAPHRASE = [
 ("Mask-Enhanced Autoregressive Prediction", "Is there a language-model pretraining recipe that hides a few random words of the input but still trains the model only to guess the following word, and does it help pull key facts out of long inputs?", ["randomly masks a small fraction", "key information retrieval"]),
 ("Same Pre-training Loss, Better Downstream", "Two language models can hit exactly the same best-possible next-word loss during their initial training yet differ once adapted to other tasks. What geometric property of the solution tracks which one will do better?", ["flatness of the model"]),
 ("Learning Mesh Representations via Binary Space", "Which classic recursive space-splitting scheme from rendering pipelines lets a learned model output sharp, hole-free polygon shapes without running marching cubes on a learned occupancy function?", ["Binary Space Partitioning"]),
 ("StackVAE-G", "Which model flags unusual behaviour in multi-channel sensor recordings by rebuilding groups of channels with one shared set of parameters and learning which channels relate to each other, while using far less compute and memory?", ["stacking block-wise reconstruction", "graph learning module"]),
 ("Efficiently Modeling Long Sequences with Structured State Spaces", "Which model for very long sequences made continuous-time linear dynamical systems practical by adding a cheap rank-deficient tweak to the transition operator, and how does it fare on the 16k-step pathfinding task that earlier work failed?", ["low-rank correction", "Path-X"]),
 ("JPEG-LM", "Has anyone trained a plain text-style language model to draw pictures by emitting the raw bytes of standard compressed image files, and how did that compare with codebook-based image tokenizers?", ["canonical codecs", "31% reduction in FID"]),
 ("A Tour of Convolutional Networks Guided by Linear Interpreters", "When a convolutional net's on/off activation pattern for one particular input is frozen so the whole network becomes an equivalent input-specific matrix, what does that reveal about how image classifiers reach their decisions?", ["pixel-wise vote per class", "heavily rely on bias parameters"]),
 ("DDSP: Differentiable Digital Signal Processing", "Is there a software toolkit that plugs classical sound-synthesis components into gradient-trained networks, allowing separate control of pitch and volume and even removal of room echo?", ["Differentiable Digital Signal Processing"]),
 ("FiRST:", "Is there a method that attaches a small learned gate to each transformer block so that the prompt alone decides which blocks get bypassed while generating, and that still works with cached attention keys and values?", ["layer-specific routers"]),
 ("Autoregressive Images Watermarking through Lexical Biasing", "How can one hide a detectable signature in pictures made by next-token image generators so that it survives someone re-running the picture through a diffusion model?", ["biasing token selection", "predefined green list"]),
 ("Masked Completion via Structured Diffusion with White-Box Transformers", "Is there a fill-in-the-blanks image pretraining network in which every layer has a precise mathematical role derived from compression and denoising, and how many parameters does it need compared with the usual design?", ["~30% of the parameters"]),
 ("Training LLMs over Neurally Compressed Text", "When LLMs are trained on text that a learned compressor has squeezed very hard, the resulting stream is too opaque to learn from. What way of chunking the text fixes this?", ["Equal-Info Windows", "same bit length"]),
 ("Machine Perceptual Quality", "Does aggressively shrinking images and audio with lossy codecs hurt what classifiers, segmenters and speech recognizers can do, and which kind of codec hurts them least?", ["generative compression"]),
 ("Task-Specific Data Selection for Instruction Tuning", "For picking fine-tuning examples relevant to one target task, is there work that describes each example by how the model's own internal units fire, after untangling units that respond to many unrelated concepts?", ["sparse autoencoders", "neuronal activation pattern"]),
 ("Accelerating Auto-regressive Text-to-Image Generation with Training-free", "Is there a no-retraining way to make token-by-token picture generators finish in fewer forward passes by iterating on several future positions at once, fixed-point style, and accepting them with a stochastic rather than exact-match stopping test so that sampling stays random?", ["probabilistic convergence criterion"]),
 ("Towards Deeper Graph Neural Networks", "When message-passing graph networks get worse as more layers are stacked, one paper argues the main culprit is not just node features becoming alike. What does it blame, and how does it fix it?", ["entanglement of representation transformation", "decoupling these two operations"]),
 ("Efficient Video Diffusion Models via Content-Frame", "Is there a video generator that splits each clip into one image-like summary frame plus a compact movement code so that an existing picture generator can be reused, and how much faster does it sample?", ["content frame", "7.7times faster"]),
 ("MultiMAE", "How can fill-in-the-blanks pretraining for vision transformers exploit extra inputs such as depth or segmentation maps without needing datasets that actually contain those extra inputs?", ["pseudo labeling"]),
 ("Random Teachers are Good Teachers", "If, in a self-imitation setup, the network being copied is left untouched at its starting weights, does the copying network still learn useful features, and how does it compare with the network it copies under linear probing?", ["improvement of the distilled student"]),
 ("Disentanglement via Latent Quantization", "Which paper rounds each axis of a bottleneck representation to one of a few trainable numbers, pairs this with very heavy L2 shrinkage of parameters to pull apart generative factors, and proposes fresh scores for judging such factorization?", ["scalar codebook per dimension", "InfoMEC"]),
 ("Sharpness-Aware Training for Free", "Is there an almost zero-overhead substitute for the optimizer that needs an extra gradient pass to seek wide, low-curvature solutions, and what does it penalize instead?", ["trajectory loss", "KL-divergence"]),
 ("Position Prediction as an Effective Pretraining Strategy", "Is there a self-supervised pretext task for transformers that, instead of reconstructing hidden content, asks the model to work out where each patch or frame belongs without being told its location?", ["predicting locations from content"]),
 ("Codebook Features", "Is there work that forces every layer's hidden activity to be a sum of a handful of entries chosen from a learned dictionary, and then steers the topic of generated text by switching particular entries on?", ["vector quantization bottlenecks", "activating the appropriate codes"]),
 ("Continuous Speech Tokens Makes LLMs Robust", "Is there a voice-chat assistant that skips quantizing audio into discrete codes and instead predicts real-valued audio frames with a small extra network trained by a continuous transport objective?", ["continuous speech tokens", "flow matching loss"]),
 ("To FP8 and Back Again", "Can current 8-bit float recipes stand in for the 16-bit brain-float format when pretraining big LLMs without becoming fragile?", ["not robust enough"]),
 ("FlowAR", "Is there a coarse-to-fine image generator that simplifies the multi-resolution next-step scheme so each resolution is just twice the previous one, allowing any standard pretrained autoencoder and a continuous-time transport objective?", ["double the previous one", "Flow Matching"]),
 ("Unleashing the Potential of Large Language Models for Text-to-Image", "Can a text-only pretrained LLM learn globally coherent picture generation without any architecture change, by pulling its hidden states toward features from a frozen external vision model through a special mixed token?", ["global visual alignment loss", "hybrid token"]),
 ("Binary Latent Diffusion", "Has anyone encoded each image patch as a string of 0/1 bits with an autoencoder and then trained a denoising generator directly on those bit vectors, and how few sampling steps does it need?", ["binary latent space", "as few as 16 steps"]),
 ("NFIG", "Is there an autoregressive image generator that first produces the smooth, slowly varying parts of a picture with few tokens and then adds sharper detail stage by stage, and how does its speed compare with scale-wise prediction?", ["low-frequency components", "1.25times speedup"]),
 ("Parallel Decoding via Hidden Transfer", "Is there a way to emit several upcoming words per forward pass, with no auxiliary drafter, by projecting mid-network activations of the prompt into placeholder vectors for future positions that then flow through the upper blocks?", ["pseudo hidden states", "tree attention mechanism"]),
 ("LARP", "How can a clip-to-codes converter for video be shaped during its own training so that its discrete codes are easy for a downstream next-step predictor?", ["lightweight AR transformer", "holistic queries"]),
 ("A Time Series Analysis-Based Stock Price Prediction", "Which study forecast a single firm's share price on India's main exchange by pooling classical statistical, ML and recurrent-network forecasters over intraday data, and how many classification and regression models did it build?", ["eight classification and eight regression"]),
 ("Unified Functional Hashing", "When a genetic-style AutoML loop keeps proposing programs that look different yet behave identically, how can one skip paying for their repeated fitting and scoring?", ["functional equivalence caching"]),
 ("Stabilize the Latent Space for Image Autoregressive Modeling", "Why do next-step pixel-code predictors trail denoising and masked-prediction generators even when all use an identical VQGAN-style encoding, and what fix to the encoding made the sequential predictor come out ahead?", ["stability of latent space", "discrete image tokenizer"]),
 ("Bridging Continuous and Discrete Tokens", "How can an image generator keep the detail of real-valued latent features yet still be trained with plain classification over tokens, for example by discretizing only after the tokenizer is trained?", ["post-training quantization", "dimension-wise quantization strategy"]),
 ("Autoregressive Entity Retrieval", "Instead of matching against stored dense vectors for every Wikipedia page, is there a system that finds the right page by spelling out its title piece by piece with an encoder-decoder?", ["generating their unique names"]),
]

LOOKUP = [
 ("Token-Shuffle", "What overall score does the 2.7B Token-Shuffle model reach on GenAI-benchmark hard prompts, and by how much does it beat LlamaGen?", ["0.77 overall score", "LlamaGen by 0.18"]),
 ("Generative Human Motion Stylization in Latent Space", "In 'Generative Human Motion Stylization in Latent Space', into which two components is a motion code decomposed during training?", ["deterministic content code", "probabilistic style code"]),
 ("Collaborative Decoding Makes Visual Auto-Regressive", "How much faster is Collaborative Decoding (CoDe) than standard VAR inference, and how much memory does it save?", ["1.7x speedup", "around 50%"]),
 ("AR-Net", "How does AR-Net's computational cost grow with the order of the AR process compared with Classic-AR?", ["linear for AR-Net", "quadratic for Classic-AR"]),
 ("Understanding Warmup-Stable-Decay", "What is WSD-S, the variant proposed in the river-valley analysis of Warmup-Stable-Decay learning rates?", ["reuses previous checkpoints' decay phases", "one main branch"]),
 ("GigaTok", "What does GigaTok introduce to resolve the reconstruction vs. generation dilemma when scaling visual tokenizers?", ["semantic regularization"]),
 ("MMAR", "Besides its light-weight diffusion head, what two training-related contributions does MMAR make?", ["numerical stability issue", "balances the generation and understanding"]),
 ("Hydra:", "How much does Hydra++ improve decoding throughput compared with Medusa decoding and plain autoregressive decoding?", ["1.31x and 2.71x"]),
 ("Lumos-1", "On how many GPUs was Lumos-1 pre-trained?", ["48 GPUs"]),
 ("SpecTr", "Through what mathematical lens does SpecTr analyze speculative decoding, and what wall-clock speedup does it report?", ["optimal transport", "2.13X"]),
 ("Automatically Interpreting Millions of Features", "In 'Automatically Interpreting Millions of Features in Large Language Models', what does the intervention scoring technique evaluate?", ["intervening on a feature"]),
 ("Fine-grained Audible Video Description", "Which two new metrics are introduced with FAVDBench for fine-grained audible video description?", ["EntityScore", "AudioScore"]),
 ("ZeroNLG", "Which languages does ZeroNLG cover?", ["English, Chinese, German, and French"]),
 ("Orthus", "How much compute does it take to build the Orthus-base model?", ["72 A100 GPU hours"]),
 ("Mixed Autoencoder for Self-supervised", "What auxiliary pretext task does the Mixed Autoencoder (MixedAE) add so that mixing augmentation helps MAE?", ["homologous recognition"]),
 ("Taming Polysemanticity in LLMs", "In 'Taming Polysemanticity in LLMs', what does the bias adaptation technique do, and on how large LLMs was Group Bias Adaptation tested?", ["adaptively adjusts neural network bias", "up to 1.5 billion parameters"]),
 ("Interpreting Attention Layer Outputs with Sparse Autoencoders", "According to 'Interpreting Attention Layer Outputs with Sparse Autoencoders', what fraction of GPT-2 Small's attention heads are polysemantic?", ["at least 90%"]),
 ("AST-Probe", "According to AST-Probe, which layers of pre-trained language models encode most of the abstract syntax tree information?", ["middle layers"]),
 ("RetroMAE v2", "What two decoding tasks does DupMAE (RetroMAE v2) use during pre-training?", ["reconstruct the original input sentence", "bag-of-words loss"]),
 ("LANTERN", "What problem does LANTERN identify when applying speculative decoding to visual autoregressive models?", ["token selection ambiguity"]),
 ("Learning to Parallel", "What speedup does Learn2PD report on the LLaDA benchmark, with and without KV-Cache?", ["22.58times speedup", "57.51times"]),
 ("Axial Attention in Multidimensional Transformers", "On which benchmarks does the Axial Transformer report state-of-the-art results?", ["ImageNet-32 and ImageNet-64", "BAIR Robotic Pushing"]),
 ("ERNIE 3.0", "How many parameters does ERNIE 3.0 have, and how large is its pre-training corpus?", ["10 billion parameters", "4TB corpus"]),
 ("Scaling Laws for Autoregressive Generative Modeling", "Which four domains are studied in 'Scaling Laws for Autoregressive Generative Modeling'?", ["generative image modeling", "video modeling", "mathematical problem solving"]),
]

MISSING = [
 ("HyperZcdotZcdotW", "How many layers deep is the Terminator network built on the HyperZ·Z·W operator?"),
 ("The Hyperfitting Phenomenon", "How many training examples and how many epochs are used when hyperfitting an LLM in 'The Hyperfitting Phenomenon'?"),
 ("FFN-SkipLLM", "What similarity threshold does FFN-SkipLLM use to decide that a feed-forward block can be skipped?"),
 ("AutoTransfer", "Which AutoML search algorithm does AutoTransfer combine its transferred design priors with in its reported experiments?"),
 ("SimpleSpeech 2", "Which languages besides English does the multilingual version of SimpleSpeech 2 support?"),
 ("SoftCoT++", "On which of its five reasoning benchmarks does SoftCoT++ fail to beat SoftCoT with self-consistency?"),
 ("Learning 3D Representations from 2D Pre-trained Models", "Which off-the-shelf 2D model, e.g. CLIP or DINOv2, does I2P-MAE use to extract multi-view image features?"),
 ("TransDAE", "What Dice score does TransDAE achieve on the Synapse multi-organ dataset?"),
 ("Text2PDE", "Which specific PDE systems, such as Navier-Stokes or Burgers' equation, are used to evaluate Text2PDE?"),
 ("BART:", "Which institution are the authors of BART affiliated with?"),
 ("Combiner", "What is Combiner's peak GPU memory usage on sequences of length 16k compared with full attention?"),
 ("Online Analytic Exemplar-Free Continual Learning", "Which large backbone network does AEF-OCL use to extract features before its ridge-regression classifier?"),
 ("Beyond Cosine Decay", "What constant learning-rate value is used in the stable phase of the infinite learning rate schedule in 'Beyond Cosine Decay'?"),
 ("Falcon:", "On which benchmark does Falcon's speedup fall behind Eagle's?"),
 ("Sparse Autoencoders Enable Scalable and Reliable Circuit", "Which language model, and of what size, are the circuits identified in for 'Sparse Autoencoders Enable Scalable and Reliable Circuit Identification in Language Models'?"),
 ("Dual-Head Knowledge Distillation", "What distillation temperature does Dual-Head Knowledge Distillation use for its probability-level loss?"),
 ("Long-term Recurrent Convolutional Networks", "What optimizer and learning-rate schedule are used to train Long-term Recurrent Convolutional Networks (LRCN)?"),
 ("Discrete Key-Value Bottleneck", "How many key-value pairs does the Discrete Key-Value Bottleneck contain per codebook?"),
 ("CV-VAE", "How many GPU-days did it take to train CV-VAE?"),
 ("It's Raw!", "How many listeners rated SaShiMi's samples in its mean opinion score study, and how were they recruited?"),
 ("VTBench", "Which metric does VTBench use to score text preservation, for example OCR accuracy or edit distance?"),
 ("Decomposing MLP Activations into Interpretable Features", "What regularization term does the semi-nonnegative matrix factorization (SNMF) method add to its objective to make the MLP features sparse?"),
 ("PROSE", "How many distinct families of differential equations is PROSE trained on?"),
 ("Building on Efficient Foundations", "How many GPUs, and of which type, were used to train the 1.3B-parameter structured-FFN models in 'Building on Efficient Foundations'?"),
 ("Catching the Details", "From which layer index of LLaVA-1.5 does SD-RPN take the attention maps used to build its pseudo-RoI labels?"),
 ("Chimera", "How many transformer layers does Chimera's lightweight draft model have?"),
 ("PyGlove", "Under what open-source license is the PyGlove library released?"),
 ("Not All Semantics are Created Equal", "What initial value of the temperature tau does the individualized-temperature contrastive method in 'Not All Semantics are Created Equal' start from?"),
 ("Hybrid Distillation", "Which specific pretrained models serve as the contrastive and the masked-image-modeling teachers in Hybrid Distillation?"),
 ("Improving Autoencoder-based Outlier Detection", "What values are used for the two weights in the Adjustable Probabilistic Reconstruction Error (APRE) in the experiments?"),
]

NEAR = [
 "How can speculative decoding be used to speed up autoregressive text-to-speech models?",
 "What methods use sparse autoencoders to find interpretable features in protein language models?",
 "Are there watermarking schemes for autoregressive music or speech generators that survive re-synthesis attacks?",
 "How does a warmup-stable-decay learning rate schedule affect deep reinforcement learning agents trained on Atari games?",
 "Can masked autoencoder pretraining be applied to EEG recordings for brain-computer interfaces?",
 "Can a language model generate audio by directly producing the bytes of MP3 or other compressed audio files?",
 "Which neural solvers handle the capacitated vehicle routing problem with time windows?",
 "How can a graph metanetwork predict per-layer bit-widths for mixed-precision quantization of a CNN?",
 "What deep learning methods generate sign language avatar motion from spoken-language text?",
 "Do power-law scaling laws for autoregressive transformers also hold when generating tabular data?",
 "Does training a network to predict future frames improve optical flow estimation?",
 "How can the influence of specific nodes or edges be unlearned from a trained graph neural network?",
 "How do spiking neural networks compare with state-space models on long-range sequence benchmarks?",
 "Can parameterized quantum circuits serve as autoregressive language models for text generation?",
 "What reinforcement learning methods learn trading policies for managing a stock portfolio?",
 "How can autoregressive transformers generate editable SVG vector graphics?",
 "Is FP8 mixed-precision training stable for large text-to-image diffusion models?",
 "How can unwanted concepts be erased from autoregressive text-to-music generators?",
 "How can dataset distillation be applied to speech recognition corpora?",
 "What model extraction attacks work against commercial speech recognition APIs?",
 "How can early exiting or layer skipping speed up diffusion transformers for image synthesis?",
 "What self-supervised masked pretraining methods exist for molecular graphs to predict chemical properties?",
 "How can exemplar-free continual learning be applied to robotic manipulation policies?",
 "What neural implicit representations are used to compress LiDAR point cloud sequences from self-driving cars?",
 "How can structured state space models be applied to modeling long genomic DNA sequences?",
 "What methods translate handwritten mathematical expressions into LaTeX with autoregressive decoders?",
 "Are there sparse autoencoder studies that interpret features inside speech recognition models such as Whisper?",
 "How do LLM-based autoregressive forecasters handle irregularly sampled ICU patient time series?",
 "How can text-conditioned video diffusion models generate realistic surgical videos for training surgeons?",
 "How can crystal structures of new materials be generated autoregressively with transformers?",
]

def main():
    rows = []
    def add(obj):
        obj = {"id": f"t3-{len(rows)+1:03d}", **obj}
        rows.append(obj)
    # interleave kinds so the file is not grouped by kind
    P = list(PARAPHRASE); L = list(LOOKUP); M = list(MISSING); N = list(NEAR)
    order = []
    while P or L or M or N:
        for lst, k in ((P, "p"), (M, "m"), (L, "l"), (N, "n"), (P, "p"), (M, "m"), (N, "n")):
            if lst: order.append((k, lst.pop(0)))
    for k, item in order:
        if k == "p":
            tp, q, f = item
            add({"question": q, "history": [], "gold": [T(tp)], "facts": f, "answerable": True, "kind": "paraphrase"})
        elif k == "l":
            tp, q, f = item
            add({"question": q, "history": [], "gold": [T(tp)], "facts": f, "answerable": True, "kind": "lookup"})
        elif k == "m":
            tp, q = item
            add({"question": q, "history": [], "gold": [], "facts": [], "answerable": False, "kind": "unanswerable", "sort": "missing-detail", "about": T(tp)})
        else:
            add({"question": item, "history": [], "gold": [], "facts": [], "answerable": False, "kind": "unanswerable", "sort": "near-topic"})
    with open(os.path.join(HERE, "questions.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} questions")

if __name__ == "__main__":
    main()
