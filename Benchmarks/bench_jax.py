#!/usr/bin/env python3
"""W1, W2 and W4 of ../shared/bench/WORKLOADS.md in JAX (CPU, one jit-compiled training step), the fastest thing
a Python user has, as an anchor beside PyTorch eager.

    python bench_jax.py --workload W1 --threads 1 --steps 100 --warmup 20

Prints one line `RESULT {json}` with "ms_step" (median over the counted steps), and "gflops" for W1 and W4.
Threads: the process is pinned to that many cores before JAX loads, and XLA sizes its pool to them.
"""
import argparse
import json
import os
import statistics
import sys
import time


def parse():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", required=True, choices=["W1", "W2", "W4"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    return parser.parse_args()


arguments = parse()
os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: arguments.threads]))
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402  (after pinning: XLA sizes its thread pool when it loads)
import jax.numpy as jnp  # noqa: E402


def dense_init(key, sizes):
    """Weights ~ U(-1/sqrt(in), 1/sqrt(in)) and zero biases, as the other systems' defaults."""
    parameters = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        key, sub = jax.random.split(key)
        bound = 1 / fan_in**0.5
        parameters.append((jax.random.uniform(sub, (fan_in, fan_out), jnp.float32, -bound, bound), jnp.zeros(fan_out)))
    return parameters


def sgd_step(loss, rate):
    """One jit-compiled training step: the loss and its gradients, then plain SGD."""

    @jax.jit
    def step(parameters):
        value, gradients = jax.value_and_grad(loss)(parameters)
        return jax.tree_util.tree_map(lambda p, g: p - rate * g, parameters, gradients), value

    return step


def mlp_forward(parameters, x):
    for weight, bias in parameters[:-1]:
        x = jax.nn.relu(x @ weight + bias)
    weight, bias = parameters[-1]
    return x @ weight + bias


def w1():
    """784-256-256-10, ReLU, softmax cross-entropy, batch 128, SGD 0.1."""
    key = jax.random.PRNGKey(0)
    parameters = dense_init(key, [784, 256, 256, 10])
    x = jax.random.normal(jax.random.PRNGKey(1), (128, 784), jnp.float32)
    labels = jax.random.randint(jax.random.PRNGKey(2), (128,), 0, 10)

    def loss(parameters):
        logits = mlp_forward(parameters, x)
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), labels[:, None], axis=1))

    flops = 6 * 128 * (784 * 256 + 256 * 256 + 256 * 10)
    return sgd_step(loss, 0.1), parameters, flops


def w4():
    """1024-2048-2048-1024, batch 256, ReLU, MSE, SGD."""
    parameters = dense_init(jax.random.PRNGKey(0), [1024, 2048, 2048, 1024])
    x = jax.random.normal(jax.random.PRNGKey(1), (256, 1024), jnp.float32)
    target = jax.random.normal(jax.random.PRNGKey(2), (256, 1024), jnp.float32)

    def loss(parameters):
        return jnp.mean((mlp_forward(parameters, x) - target) ** 2)

    flops = 6 * 256 * (1024 * 2048 + 2048 * 2048 + 2048 * 1024)
    return sgd_step(loss, 0.01), parameters, flops


def w2():
    """char-rnn: one-hot vocab 65, 2-layer LSTM hidden 128, 50 timesteps, batch 50, cross-entropy every step."""
    vocab, hidden, length, batch = 65, 128, 50, 50
    keys = jax.random.split(jax.random.PRNGKey(0), 8)
    bound = 1 / hidden**0.5

    def uniform(key, shape):
        return jax.random.uniform(key, shape, jnp.float32, -bound, bound)

    parameters = {
        "l1": (uniform(keys[0], (vocab, 4 * hidden)), uniform(keys[1], (hidden, 4 * hidden)), jnp.zeros(4 * hidden)),
        "l2": (uniform(keys[2], (hidden, 4 * hidden)), uniform(keys[3], (hidden, 4 * hidden)), jnp.zeros(4 * hidden)),
        "head": (uniform(keys[4], (hidden, vocab)), jnp.zeros(vocab)),
    }
    tokens = jax.random.randint(keys[5], (length, batch), 0, vocab)
    targets = jax.random.randint(keys[6], (length, batch), 0, vocab)

    def layer(weights, inputs):
        input_weight, hidden_weight, bias = weights
        projected = inputs @ input_weight + bias  # every timestep's input product at once

        def cell(carry, gates_in):
            h, c = carry
            gates = gates_in + h @ hidden_weight
            i, f, g, o = jnp.split(gates, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), h

        zeros = jnp.zeros((batch, hidden), jnp.float32)
        return jax.lax.scan(cell, (zeros, zeros), projected)[1]

    def loss(parameters):
        h = layer(parameters["l1"], jax.nn.one_hot(tokens, vocab, dtype=jnp.float32))
        h = layer(parameters["l2"], h)
        weight, bias = parameters["head"]
        logits = h @ weight + bias
        return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), targets[..., None], axis=-1))

    return sgd_step(loss, 0.002), parameters, None


def main():
    step, parameters, flops = {"W1": w1, "W2": w2, "W4": w4}[arguments.workload]()
    times = []
    for index in range(arguments.warmup + arguments.steps):
        start = time.perf_counter()
        parameters, value = step(parameters)
        jax.block_until_ready(parameters)
        if index >= arguments.warmup:
            times.append((time.perf_counter() - start) * 1e3)
    milliseconds = statistics.median(times)
    result = {"workload": arguments.workload, "threads": arguments.threads, "ms_step": milliseconds,
              "loss": float(value), "jax": jax.__version__}
    if flops:
        result["gflops"] = flops / milliseconds / 1e6
    print("RESULT " + json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
