// Package nets holds the recurrent networks rnnscope trains: vanilla RNN, LSTM and
// GRU with a linear head, their forward and backward passes (PyTorch-exact), the
// optimisers, sampling and safetensors checkpoints. It knows nothing of probes or
// screens: observers attach through a per-step hook.
package nets
