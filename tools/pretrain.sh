#!/usr/bin/env bash
# Reproduce the pretrained models the lessons embed (tui/lessons/models/).
#
# Each model is trained by rnnscope itself, headless, with `rnnscope probe`, which
# trains exactly as `rnnscope train` does and also probes the held-out window
# every 244 steps (249,856 characters): those probe lines are where the lessons'
# "from scratch, the unit appeared after ..." numbers come from. Then the
# checkpoint is rewritten as F32 weights without optimiser state
# (tui/lessons/internal/tof32), which is what gets embedded (~0.1–0.45 MB each).
#
# Runs are deterministic: the same commit, seed and flags give the same weights
# (the two-core trainer adds its halves in a fixed order). A different CPU may
# pick other matrix kernels (nets/kernels: avx512, avx2, go), which round
# differently in the last bits; the lessons' probe numbers are then re-checked by
# `go test ./tui/lessons -run TestPretrainedFacts` (LESSONS_WRITE_FACTS=1 rewrites
# the table they are stated from).
#
# Usage: tools/pretrain.sh [OUT_DIR]   (default: a temporary folder; the embedded
# files are written to tui/lessons/models/). About 25 minutes on 2 busy cores.
#
# Models and why:
#   quotes-lstm128  LSTM-128, quotes, seed 1, 5,860 steps (6.0M characters): the
#                   quote unit (lessons 5, 7). Seeds 1 and 2 were tried; seed 1's
#                   unit is the sharper (best c unit AUC 0.987 vs 0.92).
#   code-lstm128    LSTM-128, code, seed 2, 5,371 steps (5.5M characters): the
#                   string unit that flips sign and the depth unit (lessons 5, 9).
#                   The seed was chosen: of code seeds 1–7 trained to 6M, only
#                   seed 2 has a string unit that passes rnnscope's "flips sign"
#                   bar (sign right on ≥ 90% of characters and balanced ≥ 85%),
#                   at 5 of its 25 probes, from 4.75M on. (All 7 seeds formed a
#                   depth unit: best c |r| 0.85–0.92 at 6M.)
#                   At 6.0M it sat exactly on the bar (90.0%); at 5.5M it clears
#                   it (90.5%, balanced 92.5%), so that is where it is cut.
#   quotes-gru128   GRU-128, quotes, seed 1, 5,860 steps (lesson 8).
#   code-rnn128     vanilla RNN-128, code, seed 1, 5,860 steps (lessons 6, 9).
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-$(mktemp -d)}
mkdir -p "$OUT"
BIN="$OUT/rnnscope"
go build -o "$BIN" .

# train NAME CORPUS CELL SEED STEPS LABELS
train() {
	local name=$1 corpus=$2 cell=$3 seed=$4 steps=$5 labels=$6
	echo "== $name: $cell-128 on $corpus, seed $seed, $steps steps" >&2
	"$BIN" probe --corpus "$corpus" --cell "$cell" --hidden 128 --seed "$seed" --steps "$steps" \
		--every 244 --top 3 --labels "$labels" --val-every 100000 --json \
		--save "$OUT/$name.safetensors" >"$OUT/$name.jsonl"
	go run ./tui/lessons/internal/tof32 "$OUT/$name.safetensors" "tui/lessons/models/$name.safetensors"
}

train quotes-lstm128 quotes lstm 1 5860 quote,paren
train code-lstm128 code lstm 2 5371 quote,if,depth,paren
train quotes-gru128 quotes gru 1 5860 quote,paren
train code-rnn128 code rnn 1 5860 quote,if,depth,paren

# The seed search for the code model (not needed to rebuild it): seeds 1–7, 6M
# characters each; look at each run's last probe line for the quote label's
# sign_acc and sign_bal.
if [[ ${SEED_SEARCH:-} == 1 ]]; then
	for s in 1 2 3 4 5 6 7; do
		"$BIN" probe --corpus code --cell lstm --hidden 128 --seed "$s" --steps 5860 --every 244 --top 3 \
			--labels quote,if,depth,paren --val-every 100000 --json >"$OUT/code-lstm128-s$s.jsonl"
	done
fi

# The numbers the lessons state about these models are checked here.
go test ./tui/lessons -run 'TestPretrainedFacts|TestEmbeddedModels' -count=1
echo "models written to tui/lessons/models; logs in $OUT" >&2
