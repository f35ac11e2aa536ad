#!/usr/bin/env python3
"""Build questions.jsonl from hand-written question specs.

Papers are referred to by their 1-based position in sample.txt (the seeded
shuffle), so titles are always copied exactly from the parsed corpus.
"""
import json
import os

import parse

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = parse.sample_order(parse.load_papers())


def T(n):
    return ORDER[n - 1]["title"]


Q = []


def add(kind, question, gold, facts, history=None, **extra):
    item = {
        "question": question,
        "history": history or [],
        "gold": [T(g) for g in gold],
        "facts": facts,
        "answerable": True,
        "kind": kind,
    }
    item.update(extra)
    Q.append(item)


def unans(sort, question, about=None):
    item = {
        "question": question,
        "history": [],
        "gold": [],
        "facts": [],
        "answerable": False,
        "kind": "unanswerable",
        "sort": sort,
    }
    if about is not None:
        item["about"] = T(about)
    Q.append(item)


# ---------------------------------------------------------------- lookup
L = lambda q, g, f: add("lookup", q, [g], f)

L("Speculative Jacobi Decoding (SJD) speeds up auto-regressive text-to-image models. What kind of convergence criterion does it introduce, and why couldn't plain Jacobi decoding be used?",
  2, ["probabilistic convergence criterion", "sampling-based"])
L("According to 'Beyond Cosine Decay', what goes wrong with repeated cosine annealing schedules in continual pre-training?",
  3, ["re-warming phase", "forgetting"])
L("Which theoretical tool and which toy problem do the authors of 'Grokking as the Transition from Lazy to Rich Training Dynamics' use to analyse grokking?",
  5, ["dynamical mean field theory", "polynomial regression"])
L("How does AutoInt model high-order feature interactions for click-through rate prediction?",
  7, ["multi-head self-attentive neural network", "residual connections"])
L("In the Discrete Key-Value Bottleneck architecture, how is the encoder output turned into the input of the decoder?",
  12, ["nearest keys", "corresponding values"])
L("What are the two pretraining tasks used by the context autoencoder (CAE)?",
  14, ["masked representation prediction", "masked patch reconstruction"])
L("What does BSP-Net produce directly at inference time, and what properties do those outputs have?",
  17, ["polygonal meshes", "watertight"])
L("In the HyperZ·Z·W paper, what role do the coordinate-based implicit MLPs play, and what is the resulting architecture called?",
  13, ["slow network", "hyper-kernels", "Terminator"])
L("Before proposing SelfTask, what did the authors of 'Self-supervised Learning on Graphs: Deep Insights and New Direction' study empirically?",
  15, ["basic SSL pretext tasks"])
L("How does SD-RPN get supervision for its region proposal network without any annotated boxes?",
  20, ["pseudo-RoI labels", "attention maps"])
L("What surprising phenomenon did the essential sparsity study observe while BERT was being pre-trained?",
  21, ["abrupt sparsification"])
L("What did 'Random Teachers are Good Teachers' observe about a student distilled from a teacher that was never trained?",
  24, ["probing accuracy", "lottery tickets"])
L("What does SAF (Sharpness-Aware Training for Free) use instead of SAM's sharpness measure?",
  25, ["trajectory loss", "KL-divergence"])
L("What kind of loss do the authors of 'Not All Semantics are Created Equal' propose, and what optimization framework inspired it?",
  35, ["robust contrastive loss", "distributionally robust optimization"])
L("Why does simply adding a logit-level loss to the usual probability-level distillation loss hurt the student, according to the Dual-Head Knowledge Distillation paper?",
  36, ["collapse of the classification head", "neural collapse"])
L("What does seq-JEPA pass through its transformer encoder?",
  38, ["view-action pairs", "relative transformation"])
L("MultiMAE needs several modalities per image. How do the authors avoid needing a multi-modal, multi-task training dataset?",
  41, ["pseudo labeling"])
L("Which structured parameterizations of the FFN are studied in 'Building on Efficient Foundations', and what training regime do the authors propose for them?",
  42, ["block-diagonal", "self-guided training"])
L("In 'Automatically Interpreting Millions of Features in Large Language Models', what do the authors generate for SAE features, and which new scoring technique looks at the effect of intervening on a feature?",
  44, ["natural language explanations", "intervention scoring"])
L("What does the DDSP library integrate with deep learning, and what does it manage to do without for high-fidelity audio synthesis?",
  47, ["classic signal processing elements", "large autoregressive models"])
L("Why are Long-term Recurrent Convolutional Networks called 'doubly deep'?",
  49, ["spatial and temporal"])
L("In NCLaw, which part of the physics is learned by the network and which part is enforced explicitly?",
  52, ["constitutive models", "governing PDEs"])
L("How is the pretext task formulated in 'Position Prediction as an Effective Pretraining Strategy'?",
  53, ["predicting locations from content", "classification problem"])
L("What do the authors of 'Towards Deeper Graph Neural Networks' identify as the main reason deep GNNs perform poorly, and what model do they propose?",
  55, ["representation transformation and propagation", "DAGNN"])
L("How is the Edit-Invariant Sequence Loss (EISL) computed?",
  67, ["target n-gram", "convolution operation"])
L("On which benchmarks did Axial Transformers report state-of-the-art results?",
  69, ["ImageNet-32", "BAIR Robotic Pushing"])
L("What does the graph learning module of StackVAE-G learn, and what is it useful for afterwards?",
  71, ["sparse adjacency matrix", "failure diagnosis"])
L("How does TokenBridge obtain discrete tokens from a continuous tokenizer?",
  74, ["post-training quantization", "dimension-wise quantization"])
L("Which two evaluation metrics were introduced together with FAVDBench?",
  76, ["EntityScore", "AudioScore"])
L("What does timesNet change about the usual encoder-decoder setup for dense prediction, and on which task does it do best?",
  82, ["pre-trained decoder", "monocular depth estimation"])
L("What are the two main methodological improvements introduced in OTOv2?",
  97, ["Zero-Invariant Groups", "Dual Half-Space Projected Gradient"])
L("Which noising approaches gave the best results when pretraining BART?",
  99, ["shuffling the order", "in-filling scheme"])
L("How does LongVQ get linear-time attention while keeping global information?",
  103, ["length-fixed codebook", "vector quantization"])
L("In the neural space-time representation for text-to-image personalization, what does the small neural mapper take as input and what does it output?",
  108, ["time and space parameters", "token embedding", "textual bypass"])
L("What does EControl regulate in communication-compressed distributed training?",
  109, ["error compensation", "feedback signal"])
L("What two ingredients does the quantized-latent autoencoder (QLAE) rely on to get disentangled representations, and what new metrics do the authors propose?",
  113, ["scalar codebook", "weight decay", "InfoMEC"])
L("How does LARP make its video token space better suited to autoregressive generation?",
  119, ["holistic queries", "prior model"])
L("What is the 'dark matter' of sparse autoencoders, and how much of it is linearly predictable?",
  121, ["unexplained variance", "linearly predicted"])
L("Instead of generating network weights, what does DDMI generate to synthesize implicit neural representations?",
  128, ["adaptive positional embeddings", "D2C-VAE"])
L("What exactly is decomposed with semi-nonnegative matrix factorization in the SNMF interpretability paper, and on what kind of evaluation did it beat SAEs?",
  129, ["MLP activations", "causal steering"])
L("Which three tasks does VTBench use to evaluate visual tokenizers?",
  137, ["Image Reconstruction", "Detail Preservation", "Text Preservation"])
L("Which conditional generation tasks are handled in 'Flow Matching in Latent Space'?",
  139, ["image inpainting", "semantic-to-image"])
L("How does Combiner keep full attention while reducing cost below quadratic?",
  141, ["conditional expectation", "structured factorization"])
L("What is the LinearScope introduced in 'A Tour of Convolutional Networks Guided by Linear Interpreters'?",
  144, ["hooking layer", "Linear Interpreter"])
L("Hybrid Distillation uses two teachers. What does the student imitate from each of them?",
  155, ["token relations", "feature maps"])
L("With PyGlove, which components of an AutoML system become decoupled?",
  156, ["search algorithm", "child program"])
L("How does ARRA get LLMs to produce globally coherent images without architectural changes?",
  158, ["global visual alignment loss", "hybrid token"])
L("How are the layers organized in FIT (Far-reaching Interleaved Transformers)?",
  159, ["local layers", "latent tokens"])
L("What decoder does IsoC-VGAE propose to keep isomorphic consistency beyond 1-hop neighbourhoods?",
  165, ["Inverse Graph Neural Network", "multi-hop"])
L("How does the PUT framework for pluralistic image inpainting avoid information loss from downsampling and quantization?",
  173, ["P-VQVAE", "Un-Quantized Transformer"])
L("What is the central question AutoWS-Bench-101 tries to answer about automated weak supervision?",
  176, ["zero-shot predictions", "foundation model"])
L("In 'Contextual Bandits with Online Neural Regression', what trick makes the loss satisfy the QG condition for wide networks?",
  181, ["random perturbation", "Quadratic Growth"])
L("How does the generative human motion stylization model split a motion code?",
  114, ["content code", "style code"])
L("What do the authors prove an autoregressively trained one-layer linear transformer learns to do in-context?",
  112, ["one step of gradient descent", "ordinary least squares"])
L("What are the two components of the few-shot model extraction framework against sequential recommender systems?",
  150, ["autoregressive augmentation generation", "bidirectional repair loss"])
L("How does SoftCoT++ obtain diverse reasoning paths when latent thoughts are fixed for a given input?",
  122, ["specialized initial tokens", "contrastive learning"])
L("How does the survey 'Autoregressive Models in Vision' categorize the fundamental frameworks of visual autoregressive models?",
  126, ["pixel-based", "token-based", "scale-based"])
L("What data was used in the time-series stock price prediction study with machine learning and deep learning models?",
  167, ["National Stock Exchange", "five minutes"])

# ---------------------------------------------------------------- numeric
N = lambda q, g, f: add("numeric", q, [g], f)

N("Roughly how much faster are CPPD scene text recognizers than their autoregressive counterparts?", 1, ["8x"])
N("What speed-up does continuous speculative decoding report on off-the-shelf continuous-valued AR image models?", 4, ["2.33"])
N("What linear SVM accuracy does frozen I2P-MAE reach on ModelNet40 without fine-tuning?", 6, ["93.4%"])
N("What token reconstruction MSE does FAST achieve on Qwen2.5-7B-Instruct, and how does that compare to the baselines?", 19, ["0.6468", "5.1985"])
N("How much better were SaShiMi's mean opinion scores than WaveNet's on unconditional speech generation?", 26, ["2x better"])
N("What wall-clock speedup does SpecTr achieve, and how much of that is on top of standard speculative decoding?", 27, ["2.13X", "1.37X"])
N("How much higher throughput does NAR get than PAR-4X on ImageNet 256x256 and on UCF101?", 29, ["2.4", "8.6"])
N("What relative improvement does Autoformer report for long-term forecasting across its benchmarks?", 30, ["38%"])
N("With fewer drafting steps, how many images per second can CoDe generate at 256x256 on a single RTX 4090?", 31, ["41 images/s", "2.9x"])
N("How many annotated voxels are in the electron microscopy dataset assembled for TokenUnify?", 40, ["120 million"])
N("By how much does Hydra++ improve decoding throughput over Medusa decoding and over plain autoregressive decoding?", 43, ["1.31x", "2.71x"])
N("What is the maximum speedup Learn2PD reports on LLaDA, with and without KV-Cache?", 58, ["22.58", "57.51"])
N("How large is JPEG-LM's FID reduction compared to vector quantization baselines?", 62, ["31%"])
N("What share of GPT-2 Small's attention heads are estimated to be polysemantic in the attention-output SAE study?", 68, ["90%"])
N("What throughput improvement and peak-memory reduction does GEAR report with its 4-bit KV cache compression?", 72, ["2.38x", "2.29x"])
N("What fraction of parameters are trainable in AutoTimes, and how much faster is it than other LLM-based forecasters?", 77, ["0.1%", "5times"])
N("What inference speedup does CASS-NAT give over the autoregressive transformer for speech recognition?", 79, ["24x"])
N("What FID does D-AR reach on ImageNet, and how big is its Llama backbone?", 85, ["2.09", "775M"])
N("By how many percentage points does MEAP outperform next-token prediction in lost-in-the-middle scenarios after fine-tuning?", 86, ["11.77"])
N("How much does NIRVANA speed up encoding on UVG, and what PSNR does it reach?", 92, ["12X", "37.70"])
N("What detection accuracy did the autoencoder-based anomaly detector reach on the supercomputer?", 110, ["88%", "96%"])
N("What FVD does CMD reach on WebVid-10M, and how long does it take to sample a 512x1024, 16-frame video?", 123, ["212.7", "3.1 seconds"])
N("How much GPU compute did it take to build the Orthus-base model?", 133, ["72 A100 GPU hours"])
N("What lossless speedup range does Falcon report on Vicuna and LLaMA2-Chat?", 153, ["2.91x", "3.51x"])
N("What speedup does TriForce achieve for Llama2-7B-128K on an A100?", 161, ["2.31"])
N("What accuracy does S4 get on sequential CIFAR-10, and how much faster is its generation?", 177, ["91", "60times"])
N("What accuracy does the point cloud masked autoencoder (Point-MAE) achieve on ScanObjectNN and ModelNet40?", 180, ["85.18%", "94.04%"])
N("How large is the training corpus of the neural keyboard decoder for text correction and completion, and what word-level accuracy does it reach on the Twitter typo dataset?", 182, ["12 million words", "90%"])
N("How much compression does the Variational Tokenizer (VAT) achieve for a 1MB mesh, and at what F-score?", 189, ["250x", "3.9KB", "96%"])
N("What improvements does SCGC report on DBLP?", 148, ["20% on ARI", "18% on NMI"])
N("What is the highest resolution Token-Shuffle pushes AR text-to-image generation to?", 152, ["2048x2048"])
N("How much does AutoTCL reduce MSE and MAE on univariate forecasting?", 111, ["6.5", "4.7"])
N("What ImageNet-1K top-1 accuracy does training with unmasked tokens give ViT-B?", 136, ["84.2%"])
N("What speedups does Aggressive Decoding give for grammatical error correction and for machine translation?", 125, ["7x-9x", "3x-5x"])
N("How large is GNN-Bank-101, released with AutoTransfer?", 162, ["120,000"])
N("How many question-answer pairs was SD-RPN trained on, and how much did it improve accuracy on unseen benchmarks?", 20, ["10K", "10%"])
N("How many text examples per task does the discrete SAE circuit identification method need?", 184, ["5-10 text examples"])

# ---------------------------------------------------------------- paraphrase
P = lambda q, g, f: add("paraphrase", q, [g], f)

P("Is there a variational recurrent network inspired by the brain's prediction-error theory, where one weighting knob decides whether the network behaves chaotically deterministic or like a random process?",
  8, ["meta-prior", "error regression"])
P("Which Chinese pretrained language model mixed a knowledge graph into its training corpus and beat the human baseline on an English benchmark leaderboard?",
  10, ["large-scale knowledge graph", "SuperGLUE"])
P("Is there a category-theoretic explanation of why next-token log-likelihood training gives useful representations, for example showing it behaves like contrastive learning?",
  11, ["Markov Categories", "spectral contrastive learning"])
P("I'm looking for a survey that covers about thirty years of research on networks with recurrent connections, including gated-memory and two-directional variants, and reconciles their notation.",
  16, ["long short-term memory", "BRNN"])
P("Has anyone generated simple dance moves from music in real time with recurrent nets, using labels derived automatically from the rhythm instead of hand annotation?",
  22, ["weak labels", "motion beat"])
P("How can a network keep fitting new videos one after another without forgetting or corrupting the videos it already memorized?",
  28, ["frozen weights", "lossless decoding"])
P("Satellite-based wealth predictions are pulled toward the average, which biases downstream treatment-effect estimates. How can that be corrected without collecting new ground-truth labels?",
  34, ["Tweedie's correction", "linear calibration correction"])
P("Is there a feed-forward neural version of the classic lag-based forecasting model that recovers the same coefficients but scales to very long lags?",
  37, ["identical AR-coefficients", "sparse AR-coefficients"])
P("Is there a speech synthesis system that doesn't need phoneme-level alignment, runs in parallel rather than token by token, and can be extended to many languages?",
  39, ["sentence duration predictors", "multilingual"])
P("Is there a vision pretraining scheme that blends several kinds of token-prediction targets and was tested on segmenting neurons in huge microscopy volumes?",
  40, ["next-all token prediction", "Mamba"])
P("When image tokenizers are made bigger their reconstructions improve but generation gets worse. Has anyone fixed this by aligning the tokenizer's features with a pretrained vision encoder?",
  45, ["semantic regularization", "reconstruction vs. generation dilemma"])
P("Is there an entity linking system that writes out the entity's name token by token instead of scoring dense vectors for each entity?",
  48, ["unique names", "encoder-decoder"])
P("Why could two language models with the same pretraining perplexity behave differently on downstream tasks?",
  51, ["flatness", "implicit bias"])
P("How can one train a single text embedding model whose truncated layers and dimensions work as well as separately trained small models?",
  54, ["fixed list of layer-dimension pairs", "2D Matryoshka"])
P("For classifying multichannel sequences where no clear telltale patterns exist, is there a transformer that uses both the raw magnitudes and the shapes, plus label-derived priors in attention?",
  56, ["class-specific prior information", "numerical information"])
P("My autoencoder-based outlier detector reconstructs some outliers too well. Is there work that accounts for the model's uncertainty in the reconstruction loss and changes how outlier scores are computed?",
  57, ["Probabilistic Reconstruction Error", "mean-shift"])
P("Can a GPT-4o-like voice assistant represent speech as real-valued vectors instead of codec codes?",
  64, ["Flow-Omni", "flow matching loss"])
P("Is there a hierarchical transformer for organ segmentation in medical scans that attends jointly over positions and channels and adds cross-scale interaction in the skip paths?",
  65, ["inter-scale interaction module", "Synaps"])
P("Does blending several images together as augmentation help masked image modeling pretraining?",
  70, ["homologous recognition", "mutual information"])
P("Is there theory, in shallow models where only the last layer is trained, showing that bigger width, more samples and fitting the training set almost perfectly all help?",
  73, ["RF regression", "near-zero training loss"])
P("When fitting a linear head on frozen pretrained features, can a generative classifier need far fewer samples than logistic regression?",
  75, ["naive Bayes", "O(log n)"])
P("Has anyone passed autoencoder-compressed handwritten digits through a small quantum circuit before a classical classifier, and did it beat the classical pipeline?",
  80, ["5-qubit", "lower than the classical model"])
P("Are 8-bit floating-point formats stable enough to replace bfloat16 for pretraining large language models?",
  81, ["not robust enough", "loss landscape sharpness"])
P("How can I pick instruction-tuning examples for a target task based on how the model's own neurons react, given that single neurons fire for many unrelated concepts?",
  84, ["sparse autoencoders", "monosemantic representations"])
P("Is there a classifier architecture that explains each prediction by comparing the input with learned examples that can be decoded back into images?",
  87, ["prototype layer", "decoder"])
P("When privacy rules mean labels are only available as averages over groups of samples, should I fit the group averages or the individual predictions?",
  89, ["bag-level loss", "instance-level loss", "interpolating estimator"])
P("Can regret in reinforcement learning with arbitrarily changing losses and linear value functions be brought down to the square root of the number of episodes?",
  94, ["Follow-the-Regularized-Leader", "log-barrier"])
P("Why does the language-model loss stay high during a long constant-learning-rate phase and then drop sharply once the rate is annealed?",
  96, ["river valley", "decay phase"])
P("Is there an image tokenizer that outputs an ordered sequence whose length can vary with how complex the image is?",
  98, ["rectified flow", "nested dropout"])
P("Which tractable model class allows fast lossless image compression because it can marginalize over any subset of variables efficiently?",
  101, ["Probabilistic Circuits", "arithmetic coding"])
P("How do you make a deep network that predicts continuous targets forget particular training samples?",
  105, ["Blindspot", "Gaussian fine tuning"])
P("Is there a neural codec cheap enough for phones that cuts dimensionality so models can learn directly from the compressed signal, pairing a wavelet-like transform with a small autoencoder?",
  106, ["wavelet packet transform", "entropy bottleneck"])
P("How can we predict what happens under interventions that lie outside the range seen in training when the variables they act on are hidden?",
  145, ["intervention extrapolation", "affine transformation"])
P("Is there a forecasting network that models how the relationships between many co-occurring series evolve, combining a graph over variables with recurrent layers?",
  160, ["ReGENN", "inter-temporal relationships"])
P("For classifying multivariate sequences with gaps, is there a method that fills the gaps in several plausible ways and lets the classifier account for that uncertainty?",
  166, ["deep generative model", "multiple plausible ways"])
P("Is there a small on-device neural model that fixes typos and completes words as you type on a phone keyboard?",
  182, ["character level CNN", "attention decoder"])
P("When condensing a training set into a few synthetic images by matching training trajectories, does it help to make the expert trajectories smoother?",
  107, ["clipping loss", "gradient penalty"])
P("Why can diffusion models learn image distributions from relatively few training samples despite images being so high-dimensional?",
  131, ["low-rank Gaussians", "intrinsic dimensions"])

# ---------------------------------------------------------------- multi-paper
M = lambda q, g, f: add("multi-paper", q, g, f)

M("Which papers adapt speculative decoding to autoregressive image generation?",
  [149, 4, 2], ["relaxed acceptance condition", "continuous space", "probabilistic convergence criterion"])
M("Which LLM decoding-acceleration papers report beating Medusa?",
  [43, 60, 153], ["draft heads", "pseudo hidden states", "semi-autoregressive"])
M("Which papers train sparse autoencoders on the outputs of attention heads or attention layers?",
  [68, 184], ["attention layer outputs", "attention head outputs"])
M("Which papers change how the TopK activation of sparse autoencoders chooses active latents?",
  [102, 151], ["variable number of active features", "gradients of the input activation"])
M("Which papers use implicit neural representations to encode or compress videos?",
  [18, 92, 28], ["separable conv2d residual blocks", "groups of frames", "sequential encoding sessions"])
M("Which papers address over-smoothing in graph neural networks?",
  [55, 148, 157], ["large receptive fields", "contrastive loss signals", "local and global contextualization"])
M("Which papers use sorting numbers as a test task for sequence models?",
  [59, 116], ["sorting variable sized sequences", "sorting numbers"])
M("Which papers work with abstract syntax trees in pretrained models of code?",
  [186, 117], ["cross-modal contents", "syntactic subspace"])
M("Which papers evaluate on music source separation?",
  [106, 100], ["compressed-domain learning", "machine perceptual quality"])
M("Which papers propose quantizing the KV cache of LLMs?",
  [72, 140], ["low rank matrix", "staircase adaptive quantization"])
M("Which papers offer learning-rate schedules that do not require fixing the training budget in advance?",
  [3, 96], ["fixed iteration budget", "Warmup-Stable-Decay"])
M("Which papers give theoretical arguments that very large or overparameterized networks need not hurt generalization?",
  [73, 130], ["infinite width", "frozen subspace"])
M("Which papers study whether Transformers are universal approximators of sequence-to-sequence functions?",
  [118, 175], ["single-layer Transformer", "universal function approximators"])
M("Which papers relate denoising autoencoders to the score of the data distribution?",
  [83, 131], ["captures the score", "denoising autoencoder"])
M("Which papers use neural networks to learn or solve partial differential equations?",
  [52, 138, 170], ["differentiable simulation", "mathematical equations", "text prompt"])
M("Which papers remove specific data or concepts from already trained models?",
  [105, 164, 154], ["deep regression models", "score-based MU loss", "Windowed Gradient Accumulation"])
M("Which papers put a diffusion head on top of an autoregressive backbone to generate continuous image features?",
  [132, 133], ["light-weight diffusion head", "continuous image features"])
M("Which time-series papers forecast autoregressively so that one model can handle any prediction length?",
  [77, 143], ["arbitrary lengths", "arbitrary horizon settings"])
M("Which papers use autoencoders for anomaly or outlier detection?",
  [71, 57, 110], ["weight-sharing scheme", "abnormal reconstruction problem", "normal (healthy) behaviour"])
M("Which papers speed up AutoML search either by transferring design knowledge from earlier tasks or by detecting equivalent candidates so they are not re-evaluated?",
  [124, 162], ["functional equivalence caching", "task-model bank"])
M("Which papers report results on the GenEval text-to-image benchmark?",
  [29, 133, 179], ["Chameleon-7B", "GenEval score of 0.58", "EMU3"])
M("Which papers tackle catastrophic forgetting by learning on top of a frozen pretrained encoder or backbone?",
  [12, 146], ["key-value codes", "ridge regression"])
M("Which papers use masked auto-encoding during pre-training of text embedding or retrieval models?",
  [178, 54], ["ordinary tokens", "masked autoencoder language modelling"])
M("Which papers combine auto-encoding (masked) language modeling with auto-regressive language modeling in a single model?",
  [86, 76, 10], ["into Next-Token Prediction", "auto-regressive language modeling losses", "auto-encoding network"])
M("Which papers generate images with an unmodified Llama architecture or backbone?",
  [62, 85], ["default Llama architecture", "Llama backbone"])
M("Which papers study contrastive learning for time-series representation or forecasting?",
  [111, 147], ["parametric augmentation", "end-to-end training"])
M("Which tokenizers can represent visual content with a flexible, non-fixed number of tokens?",
  [98, 119], ["variable-length", "arbitrary number of discrete tokens"])

# ---------------------------------------------------------------- compare
C = lambda q, g, f: add("compare", q, g, f)

C("Hydra and Chimera both build cheap drafters on top of the base LLM. How do their designs differ?",
  [43, 185], ["sequentially dependent", "short-range dependencies"])
C("How do SpecTr and Falcon differ in the way they improve speculative decoding?",
  [27, 153], ["optimal transport", "Coupled Sequential Glancing Distillation"])
C("LANTERN and Continuous Speculative Decoding both bring speculative decoding to visual AR models. What problem does each one address?",
  [149, 4], ["token selection ambiguity", "diffusion distributions"])
C("FiRST and FFN-SkipLLM both skip computation in LLM decoding. What does each skip, and how do they deal with the KV cache?",
  [32, 163], ["subset of transformer layers", "FFN blocks", "KV caching"])
C("How do GEAR and TriForce differ in the way they deal with the KV cache bottleneck?",
  [72, 161], ["ultra-low precision", "dynamic sparse KV cache"])
C("Point-MAE and I2P-MAE both pretrain point cloud encoders with masking. How do their masking strategies differ?",
  [180, 6], ["high ratio", "2D-guided masking strategy"])
C("How do CV-VAE and the cross-modal Large Motion Video VAE differ in what they add to a video VAE?",
  [23, 61], ["latent space regularization", "text guidance"])
C("What do GigaTok and ViTok each conclude about scaling the encoder versus the decoder of a visual tokenizer?",
  [45, 134], ["prioritizing decoder scaling", "scaling the decoder boosts reconstruction"])
C("How do Autoformer and AutoTimes differ in their approach to time-series forecasting?",
  [30, 77], ["Auto-Correlation mechanism", "repurpose LLMs"])
C("Auto-GNN and AutoTransfer both automate GNN design. How do their search strategies differ?",
  [127, 162], ["reinforcement learning based controller", "design priors"])
C("N2N Learning and Meta Pruning both use a learned model to compress networks. What kind of learned model does each use?",
  [46, 95], ["recurrent policy network", "metanetwork"])
C("How do Score Forgetting Distillation and EAR differ in the kind of generative model they target and how they fine-tune it?",
  [164, 154], ["diffusion models", "Thresholded Loss Masking"])
C("CPPD and CASS-NAT both replace autoregressive decoding with parallel decoding. How does each one provide the decoder with the information an AR decoder would have?",
  [1, 79], ["character counting module", "token-level acoustic embeddings"])
C("Pointer Networks and 'Order Matters' both deal with outputs that aren't ordinary fixed-vocabulary sequences. How do their solutions differ?",
  [59, 116], ["variable size output dictionaries", "searching over possible orders"])
C("JPEG-LM and 'Training LLMs over Neurally Compressed Text' both train language models on compressed data. What kind of compression does each use?",
  [62, 190], ["compressed file bytes", "neural text compressors"])
C("How does SaShiMi relate to S4, and what change does it make?",
  [26, 177], ["Cauchy kernel", "Hurwitz matrices"])
C("How does CRATE-MAE relate to the original CRATE white-box transformer?",
  [50, 66], ["large-scale unsupervised representation learning", "sparse rate reduction"])
C("Binary Latent Diffusion and VQ-DDM both use diffusion over discrete image latents. How do their latent representations differ?",
  [63, 78], ["Bernoulli encoding distribution", "discrete visual codebook"])
C("How do the MixedAE and 'Learning with Unmasked Tokens' papers each modify masked autoencoder pretraining?",
  [70, 136], ["mixing augmentation", "unmasked tokens"])
C("D-AR and NFIG both impose a coarse-to-fine order on autoregressive image generation. Where does each order come from?",
  [85, 135], ["diffusion denoising steps", "low-frequency components"])
C("FlowAR and CoDe both build on VAR's next-scale prediction. What does each change?",
  [104, 31], ["double the previous one", "'refiner'"])
C("How do Ca2-VDM and CMD differ in how they make video diffusion more efficient?",
  [88, 123], ["conditional frames", "motion latent representation"])
C("Lexical Bias Watermarking and EAR both address safety in autoregressive image generators. What does each do?",
  [120, 154], ["green list", "concept erasure"])

# ---------------------------------------------------------------- follow-up
F = lambda h, q, g, f: add("follow-up", q, [g], f, history=[h])

F("What is Superposed Decoding?",
  "How does it filter out incoherent drafts, and how much faster is it for k of 3 or more?", 9, ["n-gram interpolation", "2.44"])
F("What is the hyperfitting phenomenon described for LLMs?",
  "Is that the same thing as grokking, and what do the resulting models' predictions look like?", 33, ["distinctly different", "low-entropy predictions"])
F("What does the paper 'What Regularized Auto-Encoders Learn from the Data Generating Distribution' show?",
  "How do the authors propose to draw samples from the distribution it estimates?", 83, ["Metropolis-Hastings"])
F("What is Ca2-VDM?",
  "How does it avoid recomputing the overlapping conditional frames at every step?", 88, ["unidirectional feature computation", "all denoising steps"])
F("What does the paper 'Stabilize the Latent Space for Image Autoregressive Modeling' propose?",
  "And how did their GPT-style image model end up comparing with latent diffusion models?", 90, ["outperforms LDMs"])
F("What is X-Omni?",
  "What are its main components?", 142, ["semantic image tokenizer", "offline diffusion decoder"])
F("What is Lumos-1?",
  "Which positional encoding scheme does it introduce, and how many GPUs was it pre-trained on?", 179, ["MM-RoPE", "48 GPUs"])
F("What is ZeroNLG?",
  "Which languages does it cover?", 187, ["English, Chinese, German, and French"])
F("What is ADED for LLM decoding?",
  "What does it use to approximate the model's output distribution, and does it need any fine-tuning?", 188, ["tri-gram matrix", "without requiring fine-tuning"])
F("What did the paper 'Training LLMs over Neurally Compressed Text' try to do?",
  "Why didn't the naive approach work, and what did the authors do instead?", 190, ["Arithmetic Coding", "Equal-Info Windows"])
F("What is ControlAR?",
  "How does it inject the control signal while generating, and what extra capability does that give?", 191, ["conditional decoding", "arbitrary-resolution"])
F("What is UniXcoder?",
  "How do they control whether it behaves like an encoder or a decoder, and what new task did they build a dataset for?", 186, ["mask attention matrices", "zero-shot code-to-code search"])
F("What is Music2Latent2?",
  "How does it cope with audio of arbitrary length?", 183, ["autoregressive consistency model", "causal masking"])
F("What is DupMAE (RetroMAE v2)?",
  "What are its two decoding tasks?", 178, ["[CLS] embedding", "bag-of-words loss"])
F("What does the paper 'Your Transformer May Not be as Powerful as You Expect' argue?",
  "What's the root cause, and what fix do the authors propose?", 175, ["right stochastic matrix", "URPE"])
F("What is the paper 'Scaling Laws for Autoregressive Generative Modeling' about?",
  "Which domains did they look at?", 174, ["video modeling", "mathematical problem solving"])
F("What is AriEL?",
  "How is it different from VAE-based approaches in the way it gets volumes in latent space?", 172, ["constructs volumes", "loss function"])
F("What are codebook features in the 'Codebook Features: Sparse and Discrete Interpretability' paper?",
  "How are they produced, and how can they be used to steer a model?", 171, ["vector quantization bottlenecks", "activate those same codes"])
F("What is Text2PDE?",
  "How does it handle arbitrarily discretized PDE data, and how far did they scale it?", 170, ["mesh autoencoder", "3 billion parameters"])
F("What's the main claim of 'MetaMixer Is All You Need'?",
  "In their FFNified attention, what replaces the query-key interactions and the softmax?", 169, ["large kernel convolutions", "GELU"])
F("What is FutureDepth?",
  "What are the two auxiliary networks it uses?", 168, ["F-Net", "R-Net"])

# ---------------------------------------------------------------- unanswerable: absent-topic
A = lambda q: unans("absent-topic", q)
A("What rank r does the LoRA paper use when adapting GPT-3 175B?")
A("How does AlphaFold2 predict protein structures from amino-acid sequences?")
A("Which paper proposes a federated learning algorithm for clients with non-IID data?")
A("What does Direct Preference Optimization (DPO) replace in the RLHF pipeline?")
A("Which paper uses 3D Gaussian splatting for real-time novel view synthesis?")
A("How does YOLO perform real-time object detection in a single pass?")
A("Is there a paper on cooperative multi-agent reinforcement learning, for example in StarCraft?")
A("Which paper predicts molecular properties with graph neural networks for drug discovery?")
A("What does RAFT do for optical flow estimation?")
A("Is there work on certified adversarial robustness using randomized smoothing?")
A("Which paper does sentiment analysis of product reviews?")
A("Is there a model that translates spoken language into sign language videos?")
A("Does any paper show a deep model beating XGBoost on tabular data?")
A("How does the Switch Transformer route tokens to mixture-of-experts layers?")
A("Which paper decodes EEG signals for brain-computer interfaces?")
A("Is there a benchmark for LLM agents that use tools or browse the web?")

# ---------------------------------------------------------------- unanswerable: missing-detail
D = lambda q, about: unans("missing-detail", q, about)
D("How many parameters do the CPPD scene text recognition models have?", 1)
D("What exact speed-up factor does Speculative Jacobi Decoding report for text-to-image generation?", 2)
D("Which four real-world datasets was AutoInt evaluated on?", 7)
D("How many GPUs were used to train ERNIE 3.0, and for how long?", 10)
D("What accuracy does the Discrete Key-Value Bottleneck reach on CIFAR-100 class-incremental learning?", 12)
D("What ImageNet linear-probing accuracy does the context autoencoder (CAE) get?", 14)
D("How many planes and convexes does BSP-Net use per shape?", 17)
D("What BD-rate saving does NeRV++ achieve over HEVC?", 18)
D("How does SAF compare with GSAM or ESAM in final accuracy?", 25)
D("Under which open-source licence is the DDSP library released?", 47)
D("What learning rate and network width were used in the grokking polynomial-regression experiments?", 5)
D("What beam size does GENRE use when decoding entity names?", 48)
D("By what percentage does FiRST reduce inference latency on LLaMA-3-8B?", 32)
D("What speedup over Medusa does the hidden transfer parallel decoding method report?", 60)
D("Which company or lab developed PyGlove?", 156)
D("Which conversation dataset were the Hydra draft heads trained on?", 43)
D("Which five pretrained language models were probed with AST-Probe?", 117)
D("What masking ratio does MultiMAE use during pre-training?", 41)
D("How much accuracy does dual-head knowledge distillation gain on CIFAR-100 with a ResNet teacher?", 36)
D("How many FLOPs does meta pruning remove from ResNet50 on ImageNet?", 95)
D("Which backbone model is Starbucks built on, and what embedding dimensions does it support?", 54)
D("What is the latency of FutureDepth in milliseconds per frame?", 168)

# ---------------------------------------------------------------- unanswerable: near-topic
NT = lambda q: unans("near-topic", q)
NT("Which paper applies speculative decoding to speed up autoregressive text-to-speech models?")
NT("Is there a paper that trains sparse autoencoders on vision models such as CLIP or ViT image encoders?")
NT("Is there a paper that watermarks text generated by LLMs by biasing token sampling toward a green list?")
NT("Which paper uses reinforcement learning to improve autoregressive video generation?")
NT("Which paper proposes 4-bit weight-only quantization of LLM weights?")
NT("Does any paper apply Jacobi decoding to speed up text generation in LLMs rather than images?")
NT("Is there a masked autoencoder pretraining method for audio spectrograms?")
NT("Has anyone used implicit neural representations to compress audio signals?")
NT("Which paper proposes a KV cache eviction policy that keeps heavy-hitter tokens according to attention scores?")
NT("Is there a time-series forecasting paper that uses diffusion models to produce probabilistic forecasts?")
NT("Which paper proposes GraphMAE-style pretraining that masks node features and reconstructs them?")
NT("Which paper determines the optimal warmup length for LLM pretraining learning-rate schedules?")
NT("Has anyone used sparse autoencoder features to detect or block jailbreak prompts?")
NT("Is there a method for erasing concepts from text-to-video diffusion models?")
NT("Which paper proposes a time-series foundation model pretrained with masked patch reconstruction?")
NT("Is there work on speculative decoding for mixture-of-experts LLMs?")


if __name__ == "__main__":
    with open(os.path.join(HERE, "questions.jsonl"), "w") as f:
        for i, q in enumerate(Q, 1):
            q = {"id": "ho-%03d" % i, **q}
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    print(len(Q), "questions written")
