#!/usr/bin/env python3
"""Build questions.jsonl (ids h2-001...) for the blind held-out set #2.

Every question and every fact below was written by reading the paper abstracts
only (walking the order in sample.txt, seed 20261125). Titles are given by a
short unique substring and resolved against the parsed corpus, so a typo fails
loudly instead of producing a wrong gold title.
"""
import collections
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "blind"))
import parse  # noqa: E402

PAPERS = {p["title"]: p["abstract"] for p in parse.load_papers()}


def T(key):
    hits = [t for t in PAPERS if key.lower() in t.lower()]
    if len(hits) != 1:
        raise SystemExit("title key %r matches %d titles: %r" % (key, len(hits), hits[:5]))
    return hits[0]


QS = []


def add(kind, question, gold_keys, facts, history=None, **extra):
    q = {
        "question": question,
        "history": history or [],
        "gold": [T(k) for k in gold_keys],
        "facts": list(facts),
        "answerable": kind != "unanswerable",
        "kind": kind,
    }
    q.update(extra)
    QS.append(q)


def hist(user, assistant):
    return [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]


def unans(sort, question, about=None):
    extra = {"sort": sort}
    if about is not None:
        extra["about"] = T(about)
    add("unanswerable", question, [], [], **extra)


# ---------------------------------------------------------------- lookup (30)
L = "lookup"
add(L, "How does Collaborative Decoding (CoDe) split the work between the large and small models in visual auto-regressive generation?",
    ["Collaborative Decoding Makes Visual"], ["low-frequency content at smaller scales", "high-frequency details at larger scales"])
add(L, "How is BART pretrained?",
    ["BART: Denoising"], ["arbitrary noising function", "reconstruct the original text"])
add(L, "What are the two main technical improvements introduced in OTOv2?",
    ["OTOV2"], ["Zero-Invariant Groups", "Dual Half-Space Projected Gradient"])
add(L, "What does EControl do in compressed distributed training?",
    ["EControl"], ["regulate error compensation", "strength of the feedback signal"])
add(L, "What is PyGlove and what programming idea is it built on?",
    ["PyGlove"], ["symbolic programming", "ML programs are mutable"])
add(L, "How is the CRATE white-box transformer derived, and what objective does it optimize?",
    ["White-Box Transformers via Sparse Rate"], ["sparse rate reduction", "mathematically fully interpretable"])
add(L, "How does AutoInt model feature interactions for CTR prediction?",
    ["AutoInt"], ["multi-head self-attentive neural network", "high-order feature interactions"])
add(L, "Explain how AEF-OCL handles online continual learning for autonomous driving.",
    ["Online Analytic Exemplar-Free"], ["ridge regression", "Pseudo-Features Generator"])
add(L, "How is the Edit-Invariant Sequence Loss (EISL) computed?",
    ["Edit-Invariant Sequence Loss"], ["target n-gram", "approximate convolution operation"])
add(L, "What role does the meta-prior play in PV-RNN, and how does the model predict unseen sequences?",
    ["Predictive-Coding-Inspired Variational RNN"], ["weighting parameter", "error regression"])
add(L, "What does JPEG-LM actually generate, and what architecture does it use?",
    ["JPEG-LM"], ["compressed file bytes", "default Llama architecture"])
add(L, "What are the main technical components of Lumos-1?",
    ["Lumos-1"], ["MM-RoPE", "Autoregressive Discrete Diffusion Forcing"])
add(L, "What is SaShiMi built on, and what fix did the authors make for stable autoregressive generation?",
    ["It's Raw! Audio Generation"], ["S4 model", "Hurwitz matrices"])
add(L, "How does FlexTok manage to reconstruct images from token sequences of any length?",
    ["FlexTok"], ["rectified flow model", "nested dropout"])
add(L, "What problem does LANTERN identify with speculative decoding for visual AR models, and how does it fix it?",
    ["LANTERN"], ["token selection ambiguity", "relaxed acceptance condition"])
add(L, "What is the key mechanism in Orthus for handling text and images in one autoregressive model?",
    ["Orthus"], ["modality-specific heads", "diffusion head"])
add(L, "What are Equal-Info Windows in the paper on training LLMs over neurally compressed text?",
    ["Training LLMs over Neurally Compressed Text"], ["same bit length", "Arithmetic Coding"])
add(L, "How does Autoformer's Auto-Correlation mechanism discover dependencies?",
    ["Autoformer"], ["series periodicity", "sub-series level"])
add(L, "How does Ca2-VDM avoid recomputing conditional frames in autoregressive video diffusion?",
    ["Ca2-VDM"], ["unidirectional feature computation", "across all denoising steps"])
add(L, "How does GENRE retrieve entities?",
    ["Autoregressive Entity Retrieval"], ["generating their unique names", "token-by-token"])
add(L, "What is Neighboring Autoregressive Modeling (NAR) and how does it decode tokens in parallel?",
    ["Neighboring Autoregressive Modeling"], ["next-neighbor prediction", "dimension-oriented decoding heads"])
add(L, "What is the key technical trick that makes S4 efficient?",
    ["Efficiently Modeling Long Sequences with Structured"], ["low-rank correction", "Cauchy kernel"])
add(L, "What does SAF (Sharpness-Aware Training for Free) use instead of SAM's sharpness measure?",
    ["Sharpness-Aware Training for Free"], ["trajectory loss", "KL-divergence"])
add(L, "How does Lexical Bias Watermarking embed a watermark into AR-generated images?",
    ["Lexical Biasing"], ["green list", "token maps"])
add(L, "How do Pointer Networks use attention differently from standard seq2seq attention?",
    ["Pointer Networks"], ["attention as a pointer", "variable size output dictionaries"])
add(L, "What do the token-shuffle and token-unshuffle operations do in Token-Shuffle?",
    ["Token-Shuffle"], ["merges spatially local tokens", "channel dimension"])
add(L, "How does BSP-Net represent a 3D shape?",
    ["Binary Space Partitioning Tree"], ["convex decomposition", "watertight"])
add(L, "What three techniques does GEAR combine for KV cache compression?",
    ["GEAR: An Efficient KV Cache"], ["quantization error", "outlier entries"])
add(L, "What are Hydra heads and how do they differ from standard Medusa draft heads?",
    ["Hydra: Sequentially-Dependent"], ["sequentially dependent", "speculation accuracy"])
add(L, "How does MEAP change the standard next-token prediction training?",
    ["Mask-Enhanced Autoregressive Prediction"], ["randomly masks a small fraction", "decoder-only Transformer"])

# ---------------------------------------------------------- paraphrase (22)
P = "paraphrase"
add(P, "Is there a neural classifier in the collection that justifies each of its decisions by comparing the input against a handful of learned example cases stored inside the model?",
    ["Case-Based Reasoning through Prototypes"], ["prototype layer", "autoencoder"])
add(P, "I'm looking for work that automatically designs networks for node-and-edge data, using a learned agent that proposes designs step by step. Anything like that?",
    ["Auto-GNN"], ["reinforcement learning based controller", "parameter sharing strategy"])
add(P, "What does theory say about why very wide networks trained with plain gradient steps don't memorize too badly even when they have more weights than training examples?",
    ["High-dimensional dynamics of generalization"], ["frozen subspace", "random matrix theory"])
add(P, "How can a speech-to-text transformer produce all output words in one shot instead of one after another, while staying close in error rate?",
    ["CTC Alignment-based Non-autoregressive"], ["token-level acoustic embeddings", "CTC alignment"])
add(P, "Is there a way to get several different autocomplete suggestions out of a language model while paying for only one forward run per step?",
    ["Superposed Decoding"], ["superposition", "n-gram interpolation"])
add(P, "Why does pretraining loss stay high for a long time and then fall sharply when the step size is held flat and only cooled down at the very end?",
    ["Warmup-Stable-Decay"], ["river valley", "decay phase"])
add(P, "How can estimates of household prosperity made from overhead imagery be corrected for being pulled toward the average, without gathering fresh survey labels?",
    ["Debiasing Machine Learning Predictions"], ["Tweedie's correction", "linear calibration correction"])
add(P, "Which work improves reconstruction-based anomaly finding by accounting for how unsure the network is, and by rescoring points with a mode-seeking procedure?",
    ["Improving Autoencoder-based Outlier Detection"], ["judgment uncertainty", "mean-shift"])
add(P, "Is there a generative model for images and video that applies self-attention along one tensor dimension at a time to keep the cost manageable?",
    ["Axial Attention"], ["axial attention", "semi-parallel structure"])
add(P, "Which paper can find which heads of a language model take part in a given behaviour within seconds, without knocking out components one at a time?",
    ["Sparse Autoencoders Enable Scalable and Reliable Circuit"], ["integer codes", "expensive ablations"])
add(P, "How can one encourage an autoencoder to separate the independent factors of a dataset by letting each latent coordinate take only a few learned values?",
    ["Disentanglement via Latent Quantization"], ["scalar codebook", "weight decay"])
add(P, "Is there a technique that skips re-training candidates in evolutionary model search when two candidates actually compute the same thing even though they are written differently?",
    ["Unified Functional Hashing"], ["functional equivalence caching", "hash collisions"])
add(P, "Can a transformer be pretrained by asking it to guess where each input piece originally sat, instead of rebuilding missing content?",
    ["Position Prediction as an Effective"], ["predicting locations from content", "classification problem"])
add(P, "How can a frozen pretrained feature extractor be paired with a sparse, locally updated memory so that learning new classes does not wipe out old ones?",
    ["Discrete Key-Value Bottleneck"], ["select the nearest keys", "catastrophic forgetting"])
add(P, "Is there work that gives every sample its own softness setting in a self-supervised similarity loss, rather than one global value?",
    ["Automatic Temperature Individualization"], ["individualized temperatures", "distributionally robust optimization"])
add(P, "Which paper replays a trained CNN as if its nonlinear units were frozen for a particular input, to inspect the equivalent linear operation it applies?",
    ["A Tour of Convolutional Networks"], ["Linear Interpreter", "hooking layer"])
add(P, "What happens if you deliberately overtrain a large pretrained language model on a tiny set of examples until training loss is almost zero?",
    ["Hyperfitting"], ["near-zero training loss", "greedy decoding"])
add(P, "How can a model that outputs continuous values be made to forget particular training records on request, for privacy reasons?",
    ["Deep Regression Unlearning"], ["Blindspot unlearning", "Gaussian fine tuning"])
add(P, "Is there an approach that keeps well-known physics equations fixed and learns only how the material responds, from watching objects move?",
    ["Neural Constitutive Laws"], ["differentiable simulation", "rotation equivariance"])
add(P, "Is there a toolkit that plugs classic synthesizer and filter building blocks into gradient-trained networks for making sound?",
    ["DDSP"], ["classic signal processing elements", "pitch and loudness"])
add(P, "What happens when a student network is trained to mimic a teacher network that was never trained at all?",
    ["Random Teachers are Good Teachers"], ["random initialization", "implicit regularization"])
add(P, "What could explain a network fitting its training data long before it starts doing well on held-out data?",
    ["Grokking as the Transition"], ["lazy training dynamics", "feature learning"])

# ------------------------------------------------------------- numeric (18)
N = "numeric"
add(N, "What ImageNet-1K top-1 accuracy does the MIM method that learns with unmasked tokens reach with ViT-B?",
    ["Learning with Unmasked Tokens"], ["84.2%"])
add(N, "How large an improvement over competing algorithms does ReGENN report for time-series forecasting?",
    ["Pay Attention to Evolution"], ["64.87%"])
add(N, "On how many Chinese NLP tasks did ERNIE 3.0 beat the state of the art, and what was its SuperGLUE score?",
    ["ERNIE 3.0"], ["54 Chinese NLP tasks", "90.6%"])
add(N, "How big is the electron microscopy dataset assembled for TokenUnify?",
    ["TokenUnify"], ["120 million annotated voxels"])
add(N, "How much faster is the probabilistic-circuit compression algorithm than neural compression methods with similar bitrates?",
    ["Lossless Compression with Probabilistic Circuits"], ["5-40 times faster"])
add(N, "With Binary Latent Diffusion, how few sampling steps are needed?",
    ["Binary Latent Diffusion"], ["16 steps"])
add(N, "What compression rate does N2N Learning achieve on ResNet-34?",
    ["N2N Learning"], ["more than 10x"])
add(N, "What fraction of parameters does AutoTimes train, and what speedup does it get over other LLM-based forecasters?",
    ["AutoTimes"], ["0.1% trainable parameters", "5x"])
add(N, "What linear-SVM accuracy on ModelNet40 does the frozen I2P-MAE reach?",
    ["Image-to-Point Masked Autoencoders"], ["93.4%"])
add(N, "What lossless speedup range does Falcon achieve on Vicuna and LLaMA2-Chat?",
    ["Falcon: Faster and Parallel"], ["2.91x to 3.51x"])
add(N, "How much faster is NIRVANA at encoding and decoding videos compared with previous works?",
    ["NIRVANA"], ["12X", "6X"])
add(N, "How much can the Variational Tokenizer (VAT) compress a 3D mesh?",
    ["3D representation in 512-Byte"], ["250x compression", "3.9KB"])
add(N, "What speedup does TriForce give for Llama2-7B-128K on an A100?",
    ["TriForce"], ["2.31x"])
add(N, "By how much does MixedAE beat MAE on ADE20K, and how much does it speed up training compared with iBOT?",
    ["Mixed Autoencoder for Self-supervised"], ["+1.7 mIoU", "2x"])
add(N, "What gain in average classification accuracy does AutoTCL report?",
    ["Parametric Augmentation for Time Series"], ["1.2%"])
add(N, "How much faster is the Context Perception Parallel Decoder than autoregressive scene text recognizers?",
    ["Context Perception Parallel Decoder"], ["8x faster"])
add(N, "How big was the training corpus for the neural keyboard decoder, and what word-level accuracy did it get on the Twitter typo dataset?",
    ["Keyboard Decoding"], ["12 million words", "90%"])
add(N, "What speedups does Aggressive Decoding report for IAD and for GAD?",
    ["Aggressive Decoding"], ["7x-9x", "3x-5x"])

# -------------------------------------------------------- multi-paper (14)
M = "multi-paper"
add(M, "Which papers in the collection accelerate autoregressive image generation with speculative or Jacobi-style draft-and-verify decoding, and what does each contribute?",
    ["LANTERN", "Continuous Speculative Decoding", "Speculative Jacobi Decoding"],
    ["interchangeability of tokens", "denoising trajectory alignment", "probabilistic convergence criterion"])
add(M, "Which papers change the TopK-style rule a sparse autoencoder uses to decide which features are active, and how?",
    ["Features that Make a Difference", "Mutual Choice & Feature Choice"],
    ["gradients of the input activation", "variable number of active features"])
add(M, "Which papers apply sparse autoencoders to attention heads or attention layer outputs of language models?",
    ["Interpreting Attention Layer Outputs", "Sparse Autoencoders Enable Scalable and Reliable Circuit"],
    ["attention layer outputs", "attention head outputs"])
add(M, "Which works propose quantizing the key-value cache of LLMs, and what scheme does each use?",
    ["GEAR: An Efficient KV Cache", "The Nature of Mathematical Modeling"],
    ["ultra-low precision", "staircase adaptive quantization"])
add(M, "What papers speed up LLM decoding by skipping layers or blocks depending on the input?",
    ["FiRST", "FFN-SkipLLM"],
    ["layer-specific routers", "input-adaptive feed-forward skipping"])
add(M, "Which papers build pretrained or LLM-based forecasters that generate future time-series values autoregressively?",
    ["AutoTimes", "Generative Pretrained Hierarchical Transformer"],
    ["in-context forecasting", "mixed dataset for pretraining"])
add(M, "Which papers represent or compress videos with implicit neural representations, and what is each one's main idea?",
    ["Progressive Fourier Neural Representation", "NERV++", "NIRVANA"],
    ["Fourier space", "separable conv2d residual blocks", "groups of frames"])
add(M, "Which papers do masked-autoencoder pretraining on point clouds?",
    ["Image-to-Point Masked Autoencoders", "Masked Autoencoders for Point Cloud"],
    ["2D-guided masking strategy", "shifting mask tokens"])
add(M, "Which papers propose new video VAEs for latent video generation models, and what does each do differently?",
    ["CV-VAE", "Large Motion Video Autoencoding"],
    ["latent space regularization", "temporal-aware spatial compression"])
add(M, "Which papers study scaling up visual tokenizers (auto-encoders) for generation, and what did each find or propose?",
    ["GigaTok", "Learnings from Scaling Visual Tokenizers"],
    ["semantic regularization", "encoder yields minimal gains"])
add(M, "Which papers automate architecture design for graph neural networks?",
    ["Auto-GNN", "AutoTransfer"],
    ["homogeneity definition", "task-model bank"])
add(M, "Which papers look at contrastive learning for time series, and what does each contribute?",
    ["Parametric Augmentation for Time Series", "What Constitutes Good Contrastive Learning"],
    ["parametric augmentation", "empirical receptive field"])
add(M, "Which papers in the collection are about removing data or concepts from an already-trained model (unlearning or erasure)?",
    ["Deep Regression Unlearning", "Score Forgetting Distillation", "EAR: Erasing Concepts"],
    ["retain samples", "one-step generator", "Windowed Gradient Accumulation"])
add(M, "Which papers study learning-rate schedules that avoid committing to a fixed training length in advance?",
    ["Warmup-Stable-Decay", "Beyond Cosine Decay"],
    ["WSD-S", "infinite learning rate schedule"])

# ------------------------------------------------------------- compare (12)
C = "compare"
add(C, "Compare how Chimera and Falcon design the draft model for speculative decoding.",
    ["Chimera: A Lossless Decoding", "Falcon: Faster and Parallel"],
    ["short-range dependencies", "Coupled Sequential Glancing Distillation"])
add(C, "SpecTr vs ADED: how does each decide which draft tokens to propose or accept?",
    ["SpecTr", "Adaptive Draft-Verification"],
    ["optimal transport", "tri-gram matrix-based"])
add(C, "How do AR-Net and Autoformer differ in how they handle long-range dependencies in time series?",
    ["AR-Net", "Autoformer"],
    ["feed-forward neural network", "progressive decomposition"])
add(C, "What pretext tasks do the Context Autoencoder (CAE) and the Mixed Autoencoder (MixedAE) add on top of plain masked image modeling?",
    ["Context Autoencoder for Self-Supervised", "Mixed Autoencoder for Self-supervised"],
    ["masked representation prediction", "homologous recognition"])
add(C, "Combiner and FIT both try to make attention cheaper for long sequences. How does each do it?",
    ["Combiner", "FIT: Far-reaching"],
    ["conditional expectation", "latent tokens"])
add(C, "Do the URPE paper ('Your Transformer May Not be as Powerful as You Expect') and the single-layer universal approximation paper agree on whether Transformers are universal approximators?",
    ["Your Transformer May Not be as Powerful", "Universal Approximation Theorem for a Single-Layer"],
    ["cannot approximate", "arbitrary precision"])
add(C, "How do D-AR and NFIG each define the order in which image tokens are generated?",
    ["D-AR: Diffusion via Autoregressive", "NFIG"],
    ["diffusion denoising steps", "low-frequency components"])
add(C, "BART and ERNIE 3.0 both aim at understanding and generation. How does each combine the two kinds of network?",
    ["BART: Denoising", "ERNIE 3.0"],
    ["bidirectional encoder", "auto-encoding network"])
add(C, "On the continuous-versus-discrete token question, what do VTBench and TokenBridge each conclude or propose?",
    ["VTBench", "Bridging Continuous and Discrete Tokens"],
    ["continuous VAEs produce superior", "post-training quantization"])
add(C, "MMAR and Orthus both keep image features continuous inside an autoregressive model. How does each attach image generation to the backbone?",
    ["MMAR: Towards", "Orthus"],
    ["light-weight diffusion head", "soft alternative"])
add(C, "Compare how Aggressive Decoding and the hidden-transfer method produce and verify multiple tokens at once.",
    ["Aggressive Decoding", "Parallel Decoding via Hidden Transfer"],
    ["verify in parallel", "tree attention mechanism"])
add(C, "StackVAE-G and the HPC anomaly detection paper both use autoencoders for anomaly detection. What does each one model?",
    ["StackVAE-G", "Anomaly Detection using Autoencoders in High Performance"],
    ["graph learning module", "supercomputer nodes"])

# ----------------------------------------------------------- follow-up (12)
F = "follow-up"
add(F, "How much faster does it sample a video than earlier approaches?",
    ["Content-Frame Motion-Latent"], ["7.7x", "3.1 seconds"],
    history=hist("What is CMD, the content-motion latent diffusion model?",
                 "CMD is an efficient video diffusion model that encodes a video as a content frame plus a low-dimensional motion latent and reuses a pretrained image diffusion model."))
add(F, "What token reconstruction error does it reach on Qwen2.5-7B-Instruct?",
    ["Training Superior Sparse Autoencoders for Instruct"], ["0.6468"],
    history=hist("What is FAST in the sparse autoencoder literature?",
                 "FAST (Finetuning-aligned Sequential Training) is a way of training sparse autoencoders that is tailored to instruct models rather than base models."))
add(F, "What speedups does it get, with and without a KV-Cache?",
    ["Learning to Parallel"], ["22.58x", "57.51x"],
    history=hist("What is Learn2PD?",
                 "Learn2PD trains a small filter model that decides, for each position, when a diffusion LLM's token prediction can be committed, enabling adaptive parallel decoding."))
add(F, "How much does it cut training and inference time?",
    ["SCGC"], ["55% reduction in training time", "81% reduction"],
    history=hist("What is SCGC for graph clustering?",
                 "SCGC is a self-supervised contrastive graph clustering method that injects graph structure through contrastive losses instead of using graph convolutions or attention."))
add(F, "By how much does it beat plain next-token prediction in lost-in-the-middle settings?",
    ["Mask-Enhanced Autoregressive Prediction"], ["11.77 percentage points"],
    history=hist("What is MEAP?",
                 "MEAP is a training paradigm that mixes masked language modeling into next-token prediction for decoder-only LLMs to improve retrieval of key information."))
add(F, "How much memory does it save, and what happens to FID?",
    ["Collaborative Decoding Makes Visual"], ["around 50%", "1.95 to 1.98"],
    history=hist("What is CoDe for VAR image generation?",
                 "CoDe is a decoding strategy for visual auto-regressive models in which a large model drafts the coarse scales and a small model refines the fine scales."))
add(F, "What relative improvement does it report on the long-term forecasting benchmarks?",
    ["Autoformer"], ["38%"],
    history=hist("What is Autoformer?",
                 "Autoformer is a decomposition Transformer for long-term time-series forecasting that replaces self-attention with an Auto-Correlation mechanism."))
add(F, "How much does it reduce FID on MIMIC-CXR when training from a text-only LLM?",
    ["Autoregressive Representation Alignment"], ["25.5%"],
    history=hist("What is ARRA?",
                 "ARRA (Autoregressive Representation Alignment) is a training framework that aligns an LLM's hidden states with features from a visual foundation model to improve text-to-image generation."))
add(F, "Which layers of the models hold most of that information?",
    ["AST-Probe"], ["middle layers"],
    history=hist("What does the AST-Probe paper show about pre-trained language models and code?",
                 "It shows that pre-trained language models contain a syntactic subspace from which the abstract syntax tree of an input code snippet can be recovered."))
add(F, "What practices do they recommend for scaling it up?",
    ["GigaTok"], ["1D tokenizers", "entropy loss"],
    history=hist("What is GigaTok?",
                 "GigaTok is a visual tokenizer for autoregressive image generation that is scaled to about 3 billion parameters while keeping generation quality improving."))
add(F, "How big is the language model it uses?",
    ["X-Omni"], ["7B language model"],
    history=hist("What is X-Omni?",
                 "X-Omni is a unified discrete autoregressive model for images and language that uses reinforcement learning to improve image generation quality."))
add(F, "What is the highest image resolution it reaches?",
    ["Token-Shuffle"], ["2048x2048"],
    history=hist("What does Token-Shuffle do?",
                 "Token-Shuffle reduces the number of image tokens a multimodal LLM processes by merging local tokens, making autoregressive image generation cheaper."))

# -------------------------------------------------------- unanswerable (30)
U = "unanswerable"
# absent-topic: a research topic no abstract covers (keywords checked with grep)
unans("absent-topic", "Which papers use deep learning to predict protein 3D structure from amino-acid sequence?")
unans("absent-topic", "What does the collection propose for federated learning across hospitals with non-shared patient data?")
unans("absent-topic", "How do these papers deal with reward hacking when aligning chatbots with RLHF?")
unans("absent-topic", "Is there a paper on vision-based navigation for autonomous drones?")
unans("absent-topic", "Which paper certifies adversarial robustness with randomized smoothing?")
unans("absent-topic", "What work in the collection runs spiking neural networks on neuromorphic chips?")
unans("absent-topic", "Which papers measure demographic fairness of credit-scoring or lending models?")
unans("absent-topic", "Is there anything here on generating drug-like molecules for drug discovery?")
unans("absent-topic", "Which paper builds a retrieval-augmented generation system for legal contracts?")
unans("absent-topic", "What approaches to visual SLAM for mobile robots are described in these papers?")
# missing-detail: named paper, detail its abstract does not state
unans("missing-detail", "Which company or lab developed PyGlove, and in which ML framework was it first released?", about="PyGlove")
unans("missing-detail", "What embedding dimension and how many attention heads does AutoInt use in its experiments?", about="AutoInt")
unans("missing-detail", "How many parameters does the Lumos-1 video generator have?", about="Lumos-1")
unans("missing-detail", "What optimizer and learning rate were used to train SaShiMi?", about="It's Raw! Audio Generation")
unans("missing-detail", "What JPEG quality setting does JPEG-LM use when encoding its training images?", about="JPEG-LM")
unans("missing-detail", "On what dataset, and for how many tokens, was Falcon's drafter trained?", about="Falcon: Faster and Parallel")
unans("missing-detail", "Which compression ratio for the top-k compressor was used in EControl's experiments?", about="EControl")
unans("missing-detail", "At what audio sample rate do the DDSP models operate?", about="DDSP")
unans("missing-detail", "What batch size and how many training epochs were used for seq-JEPA?", about="seq-JEPA")
unans("missing-detail", "What beam size does GENRE use when decoding entity names at inference time?", about="Autoregressive Entity Retrieval")
# near-topic: close to a corpus topic, but no abstract answers it
unans("near-topic", "Has speculative decoding been applied to autoregressive 3D shape or mesh generation in any of these papers?")
unans("near-topic", "Which paper trains sparse autoencoders on the internal activations of a diffusion image generator to find interpretable features?")
unans("near-topic", "Does any paper evaluate the Warmup-Stable-Decay schedule for fine-tuning vision transformers on image classification?")
unans("near-topic", "Which paper applies masked autoencoder pretraining to EEG or other brain-signal recordings?")
unans("near-topic", "Is there a method that watermarks text produced by autoregressive language models by biasing token choice toward a green list?")
unans("near-topic", "Is there a method for erasing unwanted concepts from autoregressive video generation models?")
unans("near-topic", "Which paper uses implicit neural representations to compress audio recordings?")
unans("near-topic", "Has anyone in the collection applied speculative decoding to speed up text-to-speech models?")
unans("near-topic", "Has a Pointer Network been applied to the vehicle routing problem with time windows in these papers?")
unans("near-topic", "Which paper studies machine unlearning for large language models, e.g. making an LLM forget copyrighted text?")


def main():
    use = collections.Counter()
    for q in QS:
        for g in q["gold"]:
            use[g] += 1
        if q.get("about"):
            use[q["about"]] += 1
    over = {t: n for t, n in use.items() if n > 3}
    if over:
        raise SystemExit("papers used more than 3 times: %r" % over)
    out = os.path.join(HERE, "questions.jsonl")
    with open(out, "w") as f:
        for i, q in enumerate(QS, 1):
            row = {"id": "h2-%03d" % i}
            row.update(q)
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    kinds = collections.Counter(q["kind"] for q in QS)
    sorts = collections.Counter(q.get("sort") for q in QS if not q["answerable"])
    print(len(QS), "questions ->", out)
    print("by kind:", dict(kinds))
    print("by sort:", dict(sorts))
    print("distinct papers used:", len(use), "max uses:", max(use.values()))


if __name__ == "__main__":
    main()
