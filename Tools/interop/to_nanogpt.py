#!/usr/bin/env python3
"""Turn `lesson export --format nanogpt` output into nanoGPT's ckpt.pt, so its train.py can resume.

usage: to_nanogpt.py EXPORT.safetensors OUT_DIR [--best-val-loss X] [--dataset shakespeare_char]

Writes OUT_DIR/ckpt.pt with the keys nanoGPT's train.py reads for --init_from=resume and sample.py
reads for --init_from=resume:
  model          the state_dict, tensor for tensor (lm_head.weight tied to transformer.wte.weight);
  model_args     n_layer, n_head, n_embd, block_size, bias=True, vocab_size, dropout;
  iter_num       the lesson checkpoint's step;
  best_val_loss  --best-val-loss, else 1e9 (nanoGPT's own starting value: it saves at its first eval);
  config         the run's recipe under nanoGPT's config names, where the lesson recorded one;
  optimizer      an AdamW state_dict with nanoGPT's two groups (2-D tensors decayed, the rest not)
                 and no moments: AdamW's m and v restart from zero in nanoGPT.
and OUT_DIR/meta.pkl (vocab_size, stoi, itos) as nanoGPT's data/shakespeare_char/prepare.py writes
it: put it beside train.bin/val.bin made from the same text, so the ids mean the same characters.
Needs torch and safetensors (scripts/install-python-test-deps.sh --torch).
"""
import argparse
import json
import os
import pickle
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file

# The lesson recipe's keys (TrainingRecipe) under nanoGPT train.py's names.
CONFIG_NAMES = {"steps": "max_iters", "batch": "batch_size", "lr": "learning_rate", "warmup_steps": "warmup_iters",
                "min_lr": "min_lr", "decay_steps": "lr_decay_iters", "beta1": "beta1", "beta2": "beta2",
                "weight_decay": "weight_decay", "grad_clip": "grad_clip", "eval_every": "eval_interval",
                "eval_batches": "eval_iters"}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("export")
    p.add_argument("out_dir")
    p.add_argument("--best-val-loss", type=float, default=1e9)
    p.add_argument("--dataset", default="shakespeare_char", help="nanoGPT's dataset name, recorded in config")
    a = p.parse_args(argv)

    with safe_open(a.export, "pt") as f:
        metadata = f.metadata() or {}
    if metadata.get("format") != "nanogpt.state_dict":
        sys.exit(f"to_nanogpt: {a.export} is not `lesson export --format nanogpt` output (format {metadata.get('format')!r})")
    model_args = json.loads(metadata["model_args"])
    state = load_file(a.export)
    if not torch.equal(state["lm_head.weight"], state["transformer.wte.weight"]):
        sys.exit("to_nanogpt: lm_head.weight differs from transformer.wte.weight; nanoGPT ties them")
    # One tensor for both names, as nanoGPT's own state_dict() returns them.
    state["lm_head.weight"] = state["transformer.wte.weight"]

    config = {"dataset": a.dataset, "init_from": "resume", "dropout": 0.0, "bias": True, "decay_lr": True,
              "n_layer": model_args["n_layer"], "n_head": model_args["n_head"], "n_embd": model_args["n_embd"],
              "block_size": model_args["block_size"], "gradient_accumulation_steps": 1}
    recipe = json.loads(metadata["recipe"]) if "recipe" in metadata else {}
    for key, name in CONFIG_NAMES.items():
        if key in recipe:
            config[name] = recipe[key]
    if recipe.get("schedule") == "constant":
        config["decay_lr"] = False

    # nanoGPT's configure_optimizers: named_parameters() order (the tied head once, as wte), 2-D decayed.
    names = [k for k in state if k != "lm_head.weight"]
    decayed = [k for k in names if state[k].dim() >= 2]
    undecayed = [k for k in names if state[k].dim() < 2]
    def group(indices, weight_decay):
        return {"lr": config.get("learning_rate", 1e-3), "betas": (config.get("beta1", 0.9), config.get("beta2", 0.99)),
                "eps": 1e-8, "weight_decay": weight_decay, "amsgrad": False, "maximize": False, "foreach": None,
                "capturable": False, "differentiable": False, "fused": None, "params": indices}
    optimizer = {"state": {}, "param_groups": [
        group(list(range(len(decayed))), config.get("weight_decay", 0.1)),
        group(list(range(len(decayed), len(decayed) + len(undecayed))), 0.0)]}

    os.makedirs(a.out_dir, exist_ok=True)
    checkpoint = {"model": state, "optimizer": optimizer, "model_args": model_args,
                  "iter_num": int(metadata.get("iter_num", "0")), "best_val_loss": a.best_val_loss, "config": config}
    torch.save(checkpoint, os.path.join(a.out_dir, "ckpt.pt"))
    chars = json.loads(metadata["vocabulary"])
    with open(os.path.join(a.out_dir, "meta.pkl"), "wb") as f:
        pickle.dump({"vocab_size": len(chars), "itos": dict(enumerate(chars)),
                     "stoi": {c: i for i, c in enumerate(chars)}}, f)
    print(f"to_nanogpt: wrote {os.path.join(a.out_dir, 'ckpt.pt')} (iter_num {checkpoint['iter_num']}, "
          f"{sum(t.numel() for k, t in state.items() if k != 'lm_head.weight')} parameters) and meta.pkl")


if __name__ == "__main__":
    main(sys.argv[1:])
