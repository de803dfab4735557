#!/usr/bin/env python3
"""An independent n-gram baseline in plain Python, to cross-check the Swift NGramModel.

usage: python3 Tools/interop/ngram_reference.py CORPUS.txt [--k 0.1]

Same data handling as ../shared/bench/minigpt_torch.py (sorted(set(text)) vocabulary,
n = int(0.9 * len(data)) split), and the same model as NGramModel: add-k counts for every order
up to 3, positions 1.. of the val split scored, contexts clipped to what precedes the position
in val, unseen contexts backing off to shorter ones. Prints {"vocab", "loss": {"1","2","3"}}
with losses in nats. Standard library only.
"""
import argparse
import json
import math
from collections import Counter


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--k", type=float, default=0.1)
    args = parser.parse_args()
    text = open(args.corpus, encoding="utf-8").read()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    data = [stoi[c] for c in text]
    n = int(0.9 * len(data))
    train, val = data[:n], data[n:]
    vocab, k = len(chars), args.k

    losses = {}
    for order in (1, 2, 3):
        counts = [Counter() for _ in range(order)]
        totals = [Counter() for _ in range(order)]
        for i, token in enumerate(train):
            for length in range(min(order, i + 1)):
                context = tuple(train[i - length:i])
                totals[length][context] += 1
                counts[length][context + (token,)] += 1
        nll = 0.0
        for i in range(1, len(val)):
            length = min(order - 1, i)
            while length > 0 and totals[length][tuple(val[i - length:i])] == 0:
                length -= 1
            context = tuple(val[i - length:i])
            p = (counts[length][context + (val[i],)] + k) / (totals[length][context] + k * vocab)
            nll -= math.log(p)
        losses[str(order)] = nll / (len(val) - 1)
    print(json.dumps({"vocab": vocab, "loss": losses}))


if __name__ == "__main__":
    main()
