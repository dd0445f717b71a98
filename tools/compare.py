#!/usr/bin/env python3
"""Train rnnscope beside its peers on the same corpus, in one run, and print ratios.

    /usr/bin/python3 tools/compare.py [--reps 3] [--seconds 8] [--only lstm-b16,...]

Peers are the scripts in ../shared/bench: PyTorch float32 on one thread
(torch_charrnn.py, OMP_WAIT_POLICY=PASSIVE) and the numpy min-char-rnn
(numpy_minchar.py, column-gather one-hot). The corpus is ../shared/bench/make_corpus.sh's
1 MB of Go standard-library source. Runs are interleaved (rnnscope, peer, rnnscope,
peer, ...) so that a busy neighbour slows both alike, and each figure is the median
of --reps runs. rnnscope runs as `rnnscope train --json` with GOMAXPROCS=1 (one core)
unless a row says otherwise; its chars/s excludes start-up and validation.
Needs: Go, /usr/bin/python3 with python3-torch and python3-numpy.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BENCH = os.path.join(ROOT, "..", "shared", "bench")

# name, rnnscope flags, peer, peer flags, goal (ratio), note
ROWS = [
    ("lstm-b1", "--cell lstm --batch 1", "torch", "--cell lstm --batch 1", 3.0, "LSTM-128 batch 1 vs PyTorch f32"),
    ("gru-b1", "--cell gru --batch 1", "torch", "--cell gru --batch 1", 3.0, "GRU-128 batch 1 vs PyTorch f32"),
    ("rnn-b1", "--cell rnn --batch 1", "torch", "--cell rnn --batch 1", 3.0, "vanilla-128 batch 1 vs PyTorch f32"),
    ("rnn-b1-numpy", "--cell rnn --batch 1 --optimizer adagrad", "numpy", "", 5.0,
     "vanilla-128 batch 1 vs numpy min-char-rnn (H128, T64)"),
    ("lstm-b16", "--cell lstm --batch 16", "torch", "--cell lstm --batch 16", None, "LSTM-128 batch 16 vs PyTorch f32"),
    ("gru-b16", "--cell gru --batch 16", "torch", "--cell gru --batch 16", None, "GRU-128 batch 16 vs PyTorch f32"),
    ("rnn-b16", "--cell rnn --batch 16", "torch", "--cell rnn --batch 16", None, "vanilla-128 batch 16 vs PyTorch f32"),
]


def sh(cmd, env=None, timeout=600):
    e = dict(os.environ)
    if env:
        e.update(env)
    out = subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), out.stderr[-2000:]))
    return out.stdout


def rnnscope(binary, corpus, flags, seconds):
    cmd = [binary, "train", "--corpus", corpus, "--hidden", "128", "--seq", "64", "--json",
           "--seconds", str(seconds), "--log-every", "1000000", "--val-every", "1000000"] + flags.split()
    last = sh(cmd, env={"GOMAXPROCS": "1"}).strip().splitlines()[-1]
    return json.loads(last)["chars_per_s"]


def torch(corpus, flags, seconds):
    cmd = ["/usr/bin/python3", os.path.join(BENCH, "torch_charrnn.py"), "--corpus", corpus,
           "--hidden", "128", "--seq", "64", "--threads", "1", "--dtype", "float32",
           "--steps", "100000", "--max-seconds", str(seconds)] + flags.split()
    return json.loads(sh(cmd, env={"OMP_WAIT_POLICY": "PASSIVE"}).strip().splitlines()[-1])["chars_per_sec"]


def numpy(corpus, seconds):
    # numpy_minchar.py has no time limit: size its steps from a short calibration.
    cmd = ["/usr/bin/python3", os.path.join(BENCH, "numpy_minchar.py"), "--corpus", corpus,
           "--hidden", "128", "--seq", "64", "--onehot", "gather", "--threads", "1"]
    probe = json.loads(sh(cmd + ["--steps", "120", "--warmup", "20"]).strip().splitlines()[-1])
    rate = probe["chars_per_sec"]
    steps = max(200, int(rate * seconds / 64))
    out = json.loads(sh(cmd + ["--steps", str(steps), "--warmup", "20"]).strip().splitlines()[-1])
    return out["chars_per_sec"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=8)
    ap.add_argument("--only", default="", help="comma-separated row names")
    a = ap.parse_args()
    rows = [r for r in ROWS if not a.only or r[0] in a.only.split(",")]

    tmp = tempfile.mkdtemp(prefix="rnnscope-compare")
    binary = os.path.join(tmp, "rnnscope")
    sh(["go", "build", "-o", binary, ROOT])
    corpus = os.path.join(tmp, "corpus.txt")
    sh(["bash", os.path.join(BENCH, "make_corpus.sh"), corpus])

    ours = {r[0]: [] for r in rows}
    peer = {r[0]: [] for r in rows}
    for rep in range(a.reps):
        for name, flags, kind, pflags, _, _ in rows:
            ours[name].append(rnnscope(binary, corpus, flags, a.seconds))
            peer[name].append(torch(corpus, pflags, a.seconds) if kind == "torch" else numpy(corpus, a.seconds))
            print("rep %d %-14s rnnscope %8.0f  %s %8.0f chars/s" % (rep + 1, name, ours[name][-1], kind, peer[name][-1]),
                  file=sys.stderr)

    print("| shape | rnnscope chars/s | peer chars/s | ratio | goal |")
    print("|---|---|---|---|---|")
    for name, _, kind, _, goal, note in rows:
        o, p = statistics.median(ours[name]), statistics.median(peer[name])
        g = "≥ %.1f× %s" % (goal, "✓" if o / p >= goal else "✗") if goal else "measure"
        print("| %s | %.0f | %.0f (%s) | %.2f× | %s |" % (note, o, p, kind, o / p, g))
    print("\nmedians of %d interleaved runs of %.0f s each; rnnscope with GOMAXPROCS=1" % (a.reps, a.seconds))


if __name__ == "__main__":
    main()
