#!/usr/bin/env python3
"""A GPT with nanoGPT's module names and structure (model.py's GPT, bias=True), written here, to
prove that `lesson export --format nanogpt` loads into that layout and means the same model.

usage: nanogpt_layout.py EXPORT.safetensors BATCHES.json [--ckpt OUT_DIR/ckpt.pt]
BATCHES.json: {"inputs": [[ids]...], "targets": [[ids]...]} (B windows of T tokens).
Loads the export with load_state_dict(strict=True) (every key present, none extra, shapes equal),
prints {"loss": mean cross-entropy over the windows, "keys": n}. With --ckpt it also loads
to_nanogpt.py's ckpt.pt: `model` strictly, `model_args` into the module, and `optimizer` into an
AdamW grouped as nanoGPT's configure_optimizers groups it, and reports that loss as "ckpt_loss".
The Swift test compares both losses with the Swift model's on the same windows.
"""
import argparse
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd, bias=True)
        self.c_proj = nn.Linear(n_embd, n_embd, bias=True)
        self.n_head = n_head

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = [t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v)]
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd, bias=True)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * n_embd, n_embd, bias=True)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=1e-5)
        self.attn = CausalSelfAttention(n_embd, n_head)
        self.ln_2 = nn.LayerNorm(n_embd, eps=1e-5)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd, **_):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd), wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head) for _ in range(n_layer)]), ln_f=nn.LayerNorm(n_embd, eps=1e-5)))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight

    def forward(self, idx, targets):
        b, t = idx.size()
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(t))
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("export")
    p.add_argument("batches")
    p.add_argument("--ckpt")
    a = p.parse_args(argv)
    from safetensors import safe_open
    with safe_open(a.export, "pt") as f:
        model_args = json.loads(f.metadata()["model_args"])
    assert model_args["bias"] is True and model_args["dropout"] == 0.0, model_args
    with open(a.batches) as f:
        batches = json.load(f)
    x, y = torch.tensor(batches["inputs"]), torch.tensor(batches["targets"])

    model = GPT(**model_args)
    state = load_file(a.export)
    model.load_state_dict(state, strict=True)  # raises on a missing or unexpected key or a wrong shape
    with torch.no_grad():
        report = {"loss": model(x, y).item(), "keys": len(state)}
    if a.ckpt:
        checkpoint = torch.load(a.ckpt, map_location="cpu", weights_only=False)
        resumed = GPT(**checkpoint["model_args"])
        resumed.load_state_dict(checkpoint["model"], strict=True)
        params = {n: p for n, p in resumed.named_parameters()}
        groups = [{"params": [p for p in params.values() if p.dim() >= 2], "weight_decay": 0.1},
                  {"params": [p for p in params.values() if p.dim() < 2], "weight_decay": 0.0}]
        optimizer = torch.optim.AdamW(groups, lr=1e-3, betas=(0.9, 0.99))
        optimizer.load_state_dict(checkpoint["optimizer"])
        with torch.no_grad():
            report["ckpt_loss"] = resumed(x, y).item()
        report["iter_num"] = checkpoint["iter_num"]
        report["config"] = checkpoint["config"]
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
