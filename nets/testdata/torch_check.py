#!/usr/bin/env python3
"""PyTorch side of rnnscope's equivalence tests (run by nets/torch_test.go).

    /usr/bin/python3 torch_check.py loss CKPT TOKENS.json   -> JSON: loss and gradients
    /usr/bin/python3 torch_check.py init CELL V H L SEED OUT TOKENS.json
                                                            -> writes a PyTorch-initialised
                                                               checkpoint, prints its loss

The checkpoint is read and written with a small safetensors reader/writer (an 8-byte
little-endian header length, a JSON header, raw little-endian data), so nothing but
torch is needed. Tensors load into torch.nn.{RNN,LSTM,GRU}(V, H, L) + nn.Linear(H, V)
with load_state_dict(strict=True) after the "rnn." / "head." prefixes are stripped.
Everything runs in float64.

TOKENS.json is {"x": [[...] per step], "y": [[...] per step]} for `loss` — time-major
(T, B) inputs and targets, with h0 (and c0) taken from the checkpoint's
optim.state.h_l<k> / c_l<k> when present — or {"ids": [...]} for `init`, one stream
from h0 = 0 predicting ids[1:] from everything before.
"""
import json
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

DTYPES = {"F64": ("d", 8, torch.float64), "F32": ("f", 4, torch.float32)}


def read_safetensors(path):
    with open(path, "rb") as fh:
        data = fh.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        fmt, size, _ = DTYPES[info["dtype"]]
        b, e = info["data_offsets"]
        count = (e - b) // size
        vals = struct.unpack("<%d%s" % (count, fmt), data[base + b:base + e])
        tensors[name] = torch.tensor(vals, dtype=torch.float64).reshape(info["shape"])
    return meta, tensors


def write_safetensors(path, tensors, meta):
    header = {"__metadata__": meta}
    blobs, off = [], 0
    for name, t in tensors.items():
        t = t.detach().to(torch.float64).contiguous()
        raw = struct.pack("<%dd" % t.numel(), *t.flatten().tolist())
        header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    hj = json.dumps(header).encode()
    hj += b" " * (-len(hj) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(hj)))
        fh.write(hj)
        for b in blobs:
            fh.write(b)


def build(cell, V, H, L):
    kind = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
    rnn = kind(V, H, L) if cell != "rnn" else nn.RNN(V, H, L, nonlinearity="tanh")
    return rnn, nn.Linear(H, V)


def load_model(path):
    meta, tensors = read_safetensors(path)
    cell, H, L = meta["cell"], int(meta["hidden"]), int(meta["layers"])
    V = len(json.loads(meta["vocab"]))
    rnn, head = build(cell, V, H, L)
    rnn.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("rnn.")}, strict=True)
    head.load_state_dict({k[5:]: v for k, v in tensors.items() if k.startswith("head.")}, strict=True)
    return meta, tensors, cell, V, H, L, rnn, head


def forward_loss(cell, V, rnn, head, x, y, h0):
    xs = F.one_hot(x, V).to(torch.float64)           # (T, B, V)
    out, _ = rnn(xs, h0)                              # (T, B, H)
    logits = head(out)                                # (T, B, V)
    return F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))


def cmd_loss(ckpt, tokens):
    meta, tensors, cell, V, H, L, rnn, head = load_model(ckpt)
    tok = json.load(open(tokens))
    x, y = torch.tensor(tok["x"]), torch.tensor(tok["y"])
    B = x.shape[1]
    h0 = None
    if "optim.state.h_l0" in tensors:
        h = torch.stack([tensors["optim.state.h_l%d" % k] for k in range(L)])
        h0 = (h, torch.stack([tensors["optim.state.c_l%d" % k] for k in range(L)])) if cell == "lstm" else h
    loss = forward_loss(cell, V, rnn, head, x, y, h0)
    loss.backward()
    grads = {"rnn." + n: p.grad.flatten().tolist() for n, p in rnn.named_parameters()}
    grads.update({"head." + n: p.grad.flatten().tolist() for n, p in head.named_parameters()})
    json.dump({"loss": loss.item(), "grads": grads}, sys.stdout)


def cmd_init(cell, V, H, L, seed, out, tokens):
    V, H, L = int(V), int(H), int(L)
    torch.manual_seed(int(seed))
    rnn, head = build(cell, V, H, L)
    tensors = {"rnn." + k: v for k, v in rnn.state_dict().items()}
    tensors.update({"head." + k: v for k, v in head.state_dict().items()})
    vocab = [chr(ord("a") + i) for i in range(V)]
    write_safetensors(out, tensors, {"format": "rnnscope/1", "cell": cell, "hidden": str(H),
                                     "layers": str(L), "vocab": json.dumps(vocab)})
    ids = torch.tensor(json.load(open(tokens))["ids"])
    with torch.no_grad():
        loss = forward_loss(cell, V, rnn, head, ids[:-1].unsqueeze(1), ids[1:].unsqueeze(1), None)
    json.dump({"loss": loss.item()}, sys.stdout)


if __name__ == "__main__":
    {"loss": cmd_loss, "init": cmd_init}[sys.argv[1]](*sys.argv[2:])
