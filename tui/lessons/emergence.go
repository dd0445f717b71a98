package lessons

// note is a sentence in both languages.
type note struct{ en, ko string }

// emergenceOf says when a unit appeared while the embedded model trained. The
// numbers come from the probes `rnnscope probe --every 244` printed during the
// runs in tools/pretrain.sh (one probe every 249,856 characters, so "first at
// 1.25M" means between 1.0M and 1.25M). Times assume `rnnscope train`'s ~45k
// characters a second for an LSTM-128 on this class of 2-core machine.
func emergenceOf(model, label string) (note, bool) {
	switch {
	case model == modelQuotes && label == "quote":
		return note{
			"Trained from scratch, this unit first reached AUC ≥ 0.9 at 1.25M characters (probed every 0.25M): about half a minute of rnnscope train here.",
			"처음부터 학습하면 이 유닛은 125만 글자 무렵 처음으로 AUC 0.9를 넘었다 (25만 글자마다 검사). 여기서 rnnscope train으로 30초쯤 걸린다.",
		}, true
	case model == modelCode && label == "quote":
		return note{
			"Trained from scratch, this unit reached AUC ≥ 0.9 at 2.25M characters, but it flipped sign cleanly only from 4.75M (about 50 s and 2 min of rnnscope train here).",
			"처음부터 학습하면 이 유닛은 225만 글자에서 AUC 0.9를 넘었지만, 부호가 깔끔하게 바뀐 건 475만 글자부터다 (여기서 rnnscope train으로 각각 50초, 2분쯤).",
		}, true
	case model == modelCode && (label == "depth" || label == "if"):
		return note{
			"Trained from scratch, depth was followed only loosely for 3M characters (best |r| 0.54 at 3.0M); then c70 formed within half a million (0.86 at 3.5M): about 80 s of rnnscope train here.",
			"처음부터 학습하면 300만 글자까지는 깊이를 느슨하게만 따라가다가(300만에서 최고 |r| 0.54), 그 뒤 50만 글자 사이에 c70이 생겼다(350만에서 0.86). 여기서 rnnscope train으로 80초쯤.",
		}, true
	}
	return note{}, false
}

// codeSeedNote is shown when a checkpoint's seed was chosen for its unit.
func codeSeedNote() note {
	return note{
		"This checkpoint's seed was chosen for it: of the code seeds tried (1–7), this is the one whose string unit literally flips sign (sign right on ≥ 90% of characters, balanced ≥ 85%).",
		"이 체크포인트의 seed는 일부러 고른 것이다. 시도한 code seed(1–7) 가운데 문자열 유닛이 실제로 부호를 바꾸는(부호만으로 90% 이상, 균형 정확도 85% 이상 맞히는) 것이 이 seed다.",
	}
}
