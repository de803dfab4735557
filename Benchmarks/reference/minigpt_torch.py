#!/usr/bin/env python3
"""The PyTorch reference for `lesson train` and `lesson bench`: the same model, data, optimizer and recipe.

Written for this repository from the Swift implementation (Sources/Pretraining), so that the speed
comparison (Benchmarks/compare.sh) and the interop tests need nothing outside it.

What is the same as Swift, and why it can be:
- model: token + learned position embedding, pre-LN blocks (causal multi-head attention, exact-erf
  GELU MLP, biases everywhere, LayerNorm eps 1e-5), final LayerNorm, head tied to the token
  embedding; state_dict keys are the Swift checkpoint's (tok.weight, pos.weight,
  blocks.N.{ln1,qkv,proj,ln2,fc,out}.{weight,bias}, ln.{weight,bias}), so --load reads a Swift
  checkpoint as it is;
- data: the corpus split 90/10 (int(0.9 * n)), B windows at starts drawn uniformly from
  [0, len - T - 1); the starts come from a Python copy of Swift's SeededGenerator (xoshiro256**
  seeded by SplitMix64, Lemire's bounded draw), so with the same --seed both sides train on the same
  batches, and evaluation batches come from the second stream the Swift Trainer uses;
- optimizer: AdamW with weight decay on 2-D tensors only (matrices and embeddings), eps 1e-8;
  global gradient-norm clipping (0 turns it off); learning rate constant or nanoGPT's linear warmup
  ((step+1)/(warmup+1)) then cosine to --min-lr by --decay-steps;
- loop: lr, batch, forward, zero grads, backward, clip, step; loss estimates (--eval-batches per
  split) before the first step, every --eval-every steps, and after the last (only the interval
  ones advance the evaluation stream, as in Swift).
Initialization differs unless --load gives the weights: PyTorch draws nanoGPT's N(0, 0.02) (residual
projections 0.02/sqrt(2L)) from torch.manual_seed(seed), Swift from its own generator.

usage: minigpt_torch.py CORPUS [--recipe nanogpt-baby] [--steps N] [--warmup N] [--threads K]
         [--d 128 --layers 4 --heads 4 --context 64 --batch 32] [--lr 3e-4] [--schedule constant|cosine]
         [--warmup-steps N] [--min-lr X] [--decay-steps N] [--beta1 0.9] [--beta2 0.95]
         [--weight-decay 0.1] [--grad-clip 1.0] [--eval-every N] [--eval-batches 20] [--seed 1337]
         [--load CKPT.safetensors] [--json]
--warmup N trains N untimed steps first, as `lesson bench --warmup` (all steps train).
Prints a short report; with --json, one JSON object as the last line whose fields are those of
`lesson train --json` and `lesson bench --json` where they overlap.
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MASK64 = (1 << 64) - 1
# The Swift Trainer's evaluation stream: SeededGenerator(seed: seed ^ this).
EVALUATION_STREAM = 0x5EED_E7A1_5EED_E7A1

RECIPES = {
    # nanoGPT's CPU "baby GPT" (README: config/train_shakespeare_char.py with --block_size=64
    # --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000
    # --dropout=0.0 --eval_iters=20; the config's eval_interval 250, lr 1e-3, min_lr 1e-4,
    # beta2 0.99, warmup_iters 100; train.py's weight_decay 0.1, beta1 0.9, grad_clip 1.0).
    "nanogpt-baby": dict(d=128, layers=4, heads=4, context=64, batch=12, steps=2000, lr=1e-3,
                         schedule="cosine", warmup_steps=100, min_lr=1e-4, decay_steps=2000,
                         beta1=0.9, beta2=0.99, weight_decay=0.1, grad_clip=1.0,
                         eval_every=250, eval_batches=20),
}
DEFAULTS = dict(d=128, layers=4, heads=4, context=64, batch=32, steps=50, lr=3e-4, schedule="constant",
                warmup_steps=0, min_lr=None, decay_steps=None, beta1=0.9, beta2=0.95, weight_decay=0.1,
                grad_clip=1.0, eval_every=0, eval_batches=20)


class SeededGenerator:
    """Swift's SeededGenerator, draw for draw: xoshiro256** seeded through SplitMix64."""

    def __init__(self, seed):
        mixer = seed & MASK64
        words = []
        for _ in range(4):
            mixer = (mixer + 0x9E3779B97F4A7C15) & MASK64
            z = mixer
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
            words.append(z ^ (z >> 31))
        self.state = words

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK64

    def next(self):
        s0, s1, s2, s3 = self.state
        result = (self._rotl((s1 * 5) & MASK64, 7) * 9) & MASK64
        shifted = (s1 << 17) & MASK64
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = self._rotl(s3, 45)
        self.state = [s0, s1, s2, s3]
        return result

    def uniform_int(self, bound):
        """Uniform in [0, bound): Swift's next(upperBound:), the high word of a 128-bit product."""
        product = self.next() * bound
        if product & MASK64 < bound:
            threshold = ((1 << 64) - bound) % bound
            while product & MASK64 < threshold:
                product = self.next() * bound
        return product >> 64


def parse_arguments(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0], allow_abbrev=False)
    p.add_argument("corpus", help="a UTF-8 text file")
    p.add_argument("--recipe", choices=sorted(RECIPES), help="start from a named recipe; other flags override it")
    p.add_argument("--steps", type=int, help="optimizer steps (timed ones when --warmup is given)")
    p.add_argument("--warmup", type=int, default=0, help="untimed training steps first (as `lesson bench --warmup`)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1337)
    for name in ["d", "layers", "heads", "context", "batch", "warmup-steps", "decay-steps", "eval-every", "eval-batches"]:
        p.add_argument("--" + name, type=int)
    for name in ["lr", "min-lr", "beta1", "beta2", "weight-decay", "grad-clip"]:
        p.add_argument("--" + name, type=float)
    p.add_argument("--schedule", choices=["constant", "cosine"])
    p.add_argument("--load", help="start from this Swift checkpoint (safetensors) instead of a fresh init")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    settings = dict(DEFAULTS)
    if a.recipe:
        settings.update(RECIPES[a.recipe])
    for key in DEFAULTS:
        value = getattr(a, key)
        if value is not None:
            settings[key] = value
    if settings["min_lr"] is None:
        settings["min_lr"] = settings["lr"] / 10 if settings["schedule"] == "cosine" else settings["lr"]
    if settings["decay_steps"] is None:
        settings["decay_steps"] = a.warmup + settings["steps"]  # decay over the whole run, as nanoGPT advises
    for key in ["d", "layers", "heads", "context", "batch", "eval_batches"]:
        if settings[key] < 1:
            p.error(f"--{key.replace('_', '-')} must be at least 1")
    if settings["d"] % settings["heads"]:
        p.error("--d must be divisible by --heads")
    if settings["steps"] < 0 or a.warmup < 0:
        p.error("--steps and --warmup must be ≥ 0")
    return a, settings


def learning_rate(step, s):
    """Swift's LearningRateSchedule: constant, or warmup then cosine from lr to min_lr by decay_steps."""
    peak, minimum, warmup, decay = s["lr"], s["min_lr"], s["warmup_steps"], s["decay_steps"]
    if s["schedule"] == "constant":
        minimum = peak
        if warmup == 0:
            return peak
    if step < warmup:
        return peak * (step + 1) / (warmup + 1)
    if step > decay or decay <= warmup:
        return minimum
    progress = (step - warmup) / (decay - warmup)
    return minimum + 0.5 * (1 + math.cos(math.pi * progress)) * (peak - minimum)


class Block(nn.Module):
    def __init__(self, d, heads, context):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 4 * d)
        self.out = nn.Linear(4 * d, d)
        self.register_buffer("mask", torch.tril(torch.ones(context, context)).bool(), persistent=False)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(C, dim=2)
        q, k, v = [t.view(B, T, self.heads, C // self.heads).transpose(1, 2) for t in (q, k, v)]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.heads)
        att = att.masked_fill(~self.mask[:T, :T], float("-inf")).softmax(-1)
        x = x + self.proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class MiniGPT(nn.Module):
    def __init__(self, vocab, d, layers, heads, context):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.Sequential(*[Block(d, heads, context) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.tok.weight
        for name, p in self.named_parameters():
            if name.endswith("bias"):
                nn.init.zeros_(p)
            elif p.dim() == 2:
                residual = name.endswith(("proj.weight", "out.weight"))
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * layers) if residual else 0.02)

    def forward(self, idx, targets):
        B, T = idx.shape
        x = self.blocks(self.tok(idx) + self.pos(torch.arange(T)))
        logits = self.head(self.ln(x))
        return F.cross_entropy(logits.view(B * T, -1), targets.view(B * T))


def main(argv):
    a, s = parse_arguments(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    with open(a.corpus, encoding="utf-8") as f:  # universal newlines, as Swift's corpus reader
        text = f.read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.long)
    n = int(0.9 * len(data))
    splits = {"train": data[:n], "val": data[n:]}
    T, B = s["context"], s["batch"]
    for name, split in splits.items():
        if len(split) - T - 1 < 1:
            sys.exit(f"minigpt_torch: the {name} split has {len(split)} characters, too few for --context {T}")

    def batch(split, generator):
        d = splits[split]
        starts = [generator.uniform_int(len(d) - T - 1) for _ in range(B)]
        x = torch.stack([d[i:i + T] for i in starts])
        y = torch.stack([d[i + 1:i + T + 1] for i in starts])
        return x, y

    model = MiniGPT(len(chars), s["d"], s["layers"], s["heads"], T)
    if a.load:
        from safetensors.torch import load_file
        # A resumable Swift checkpoint also holds AdamW's moments (optimizer.exp_avg*.NAME): not weights.
        tensors = {k: v for k, v in load_file(a.load).items() if not k.startswith("optimizer.")}
        missing, unexpected = model.load_state_dict(tensors, strict=False)
        if unexpected or set(missing) - {"head.weight"}:
            sys.exit(f"minigpt_torch: {a.load} does not fit this shape: missing {missing}, unexpected {unexpected}")
    parameters = sum(p.numel() for p in model.parameters())
    non_embedding = parameters - model.tok.weight.numel() - model.pos.weight.numel()
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decayed, "weight_decay": s["weight_decay"]}, {"params": other, "weight_decay": 0.0}],
        lr=s["lr"], betas=(s["beta1"], s["beta2"]), eps=1e-8)

    training = SeededGenerator(a.seed)
    evaluation = SeededGenerator(a.seed ^ EVALUATION_STREAM)

    @torch.no_grad()
    def evaluate(step, advancing):
        # As the Swift Trainer: estimates every --eval-every steps advance the evaluation stream; the
        # others (before the first step, after the last) read a copy, so they never shift later ones.
        stream = evaluation
        if not advancing:
            stream = SeededGenerator(0)
            stream.state = list(evaluation.state)
        means = {}
        for split in ["train", "val"]:
            means[split] = sum(float(model(*batch(split, stream))) for _ in range(s["eval_batches"])) / s["eval_batches"]
        return {"step": step, "train_loss": means["train"], "val_loss": means["val"]}

    started = time.perf_counter()
    evaluations = [evaluate(0, advancing=False)]
    total_steps = a.warmup + s["steps"]
    losses, step_seconds = [], []
    for step in range(total_steps):
        t0 = time.perf_counter()
        lr = learning_rate(step, s)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y = batch("train", training)
        loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), s["grad_clip"]) if s["grad_clip"] > 0 else None
        value = loss.item()
        if not math.isfinite(value) or (norm is not None and not math.isfinite(float(norm))):
            sys.exit(f"minigpt_torch: step {step} diverged (loss {value})")
        optimizer.step()
        if step >= a.warmup:
            step_seconds.append(time.perf_counter() - t0)
            losses.append(value)
        done = step + 1
        scheduled = s["eval_every"] > 0 and done % s["eval_every"] == 0
        if scheduled or done == total_steps:
            evaluations.append(evaluate(done, advancing=scheduled))
    seconds = time.perf_counter() - started

    ms = sorted(x * 1e3 for x in step_seconds)
    median = statistics.median(ms) if ms else float("nan")
    p90 = ms[min(len(ms) - 1, max(0, math.ceil(0.9 * len(ms)) - 1))] if ms else float("nan")
    last = evaluations[-1]
    report = {
        "steps": s["steps"], "warmup_steps": a.warmup, "completed_steps": total_steps,
        "train_loss": last["train_loss"], "val_loss": last["val_loss"],
        "initial_loss": evaluations[0]["val_loss"], "first_loss": losses[0] if losses else None,
        "last_loss": losses[-1] if losses else None,
        "ms_per_step": median, "median_ms_per_step": median, "p90_ms_per_step": p90,
        "mean_ms_per_step": statistics.fmean(ms) if ms else float("nan"),
        "tokens_per_second": B * T / (median / 1e3) if ms else 0.0, "seconds": seconds,
        "parameters": parameters, "non_embedding_parameters": non_embedding, "vocab": len(chars),
        "config": {"vocab_size": len(chars), "d": s["d"], "layers": s["layers"], "heads": s["heads"],
                   "context": T, "batch": B},
        "learning_rate": s["lr"], "seed": a.seed, "threads": a.threads,
        "recipe": {k: s[k] for k in ["schedule", "warmup_steps", "min_lr", "decay_steps", "beta1", "beta2",
                                     "weight_decay", "grad_clip", "eval_every", "eval_batches"]},
        "evaluations": evaluations, "losses": losses,
        "pytorch": torch.__version__,
    }
    print(f"MiniGPT V={len(chars)} d={s['d']} L={s['layers']} h={s['heads']} T={T} B={B}: "
          f"{parameters} parameters ({non_embedding} non-embedding), {a.threads} threads")
    print(f"step {total_steps}: train loss {last['train_loss']:.4f}, val loss {last['val_loss']:.4f} "
          f"(untrained {evaluations[0]['val_loss']:.4f}, ln V = {math.log(len(chars)):.4f})")
    print(f"{median:.2f} ms/step (median of {len(ms)}) · {seconds:.1f} s")
    if a.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
