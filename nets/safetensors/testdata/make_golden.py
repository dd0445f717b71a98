#!/usr/bin/python3
"""Build torch_small.safetensors byte for byte as upstream safetensors would.

    cd nets/safetensors && /usr/bin/python3 testdata/make_golden.py

The python `safetensors` package is not installed here, so this script follows
its serializer (safetensors/src/tensor.rs, `prepare`) with the standard library:

  * tensors sorted by dtype alignment, largest first (F64 before F32), then name;
  * data offsets assigned in that order, back to back from 0;
  * header = {"__metadata__": {...}, then each tensor in offset order} as compact
    JSON (serde_json: no spaces), padded with b" " to a multiple of 8 bytes;
  * 8-byte little-endian header length, header, data (row-major, little-endian).

When torch is importable (Debian's python3-torch), the tensors are made with
torch and their bytes must equal the pure-Python ones, so the golden file holds
what torch computes; without torch the pure-Python bytes are used. The Go test
(golden_test.go) recomputes every value independently.
"""
import hashlib
import json
import math
import os
import struct
import sys

METADATA = {"format": "pt"}
ALIGN = {"F64": 8, "F32": 4}
FMT = {"F64": "d", "F32": "f"}

SPECIALS_F32 = [-0.0, 2.0**-149, 2.0**-126, math.inf, -math.inf, math.nan]
SPECIALS_F64 = [-0.0, 5e-324]


def pure():
    """(name, dtype, shape, values) with values as Python floats."""
    return [
        ("rnn.weight_ih_l0", "F32", [4, 3], [i / 7 for i in range(12)]),
        ("rnn.specials", "F32", [6], SPECIALS_F32),
        ("rnn.empty", "F32", [0, 3], []),
        ("head.weight", "F64", [2, 3], [(i + 1) / 3 for i in range(6)]),
        ("head.bias", "F64", [2], SPECIALS_F64),
        ("step", "F64", [], [0.1]),
    ]


def pack(dtype, values):
    # struct rounds a double to the nearest float for "f"; for +, -, *, / of
    # float32 inputs, dividing in double and then rounding equals float32
    # division, so i/7 here matches torch's float32 arange(12)/7.
    return struct.pack("<%d%s" % (len(values), FMT[dtype]), *values)


def with_torch():
    import torch

    f32, f64 = torch.float32, torch.float64
    ts = [
        ("rnn.weight_ih_l0", "F32", torch.arange(12, dtype=f32).reshape(4, 3) / 7),
        ("rnn.specials", "F32", torch.tensor(SPECIALS_F32, dtype=f32)),
        ("rnn.empty", "F32", torch.zeros(0, 3, dtype=f32)),
        ("head.weight", "F64", torch.arange(1, 7, dtype=f64).reshape(2, 3) / 3),
        ("head.bias", "F64", torch.tensor(SPECIALS_F64, dtype=f64)),
        ("step", "F64", torch.tensor(0.1, dtype=f64)),
    ]
    out = []
    for name, dtype, t in ts:
        t = t.contiguous()
        try:
            data = t.numpy().tobytes()
        except Exception:  # no numpy: go through Python floats, which are exact
            data = pack(dtype, t.flatten().tolist())
        out.append((name, dtype, list(t.shape), data))
    return out


def serialize(tensors, metadata):
    order = sorted(tensors, key=lambda t: (-ALIGN[t[1]], t[0]))
    header = {"__metadata__": metadata}
    data = b""
    for name, dtype, shape, raw in order:
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def main():
    blob = serialize([(n, d, s, pack(d, v)) for n, d, s, v in pure()], METADATA)
    try:
        torch_blob = serialize(with_torch(), METADATA)
    except ImportError:
        print("torch not found: using the pure-Python bytes", file=sys.stderr)
    else:
        if torch_blob != blob:
            sys.exit("torch and pure-Python bytes differ")
        print("torch bytes match the pure-Python bytes", file=sys.stderr)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_small.safetensors")
    with open(path, "wb") as f:
        f.write(blob)
    print("%s: %d bytes, sha256 %s" % (path, len(blob), hashlib.sha256(blob).hexdigest()))


if __name__ == "__main__":
    main()
