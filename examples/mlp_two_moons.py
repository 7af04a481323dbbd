"""A two-layer MLP classifying the two-moons data set, trained with Adam under jit.

python examples/mlp_two_moons.py [--steps 600]
"""

import argparse

import ferrax as jax
import ferrax.numpy as jnp
from ferrax import random


def two_moons(key, n=400, noise=0.1):
    """Two interleaved half circles with Gaussian noise; labels 0 and 1."""
    k_t, k_noise = random.split(key)
    t = random.uniform(k_t, (n,), minval=0.0, maxval=jnp.pi)
    upper = jnp.stack([jnp.cos(t), jnp.sin(t)], axis=1)
    lower = jnp.stack([1.0 - jnp.cos(t), 0.5 - jnp.sin(t)], axis=1)
    X = jnp.concatenate([upper, lower]) + noise * random.normal(k_noise, (2 * n, 2))
    y = jnp.concatenate([jnp.zeros(n), jnp.ones(n)])
    return X, y


def init(key, sizes=(2, 32, 32, 1)):
    """Glorot-normal weights and zero biases for each layer."""
    keys = random.split(key, len(sizes) - 1)
    init_w = jax.nn.initializers.glorot_normal()
    return [
        {"w": init_w(k, (m, n)), "b": jnp.zeros(n)} for k, m, n in zip(keys, sizes[:-1], sizes[1:])
    ]


def predict(params, X):
    h = X
    for layer in params[:-1]:
        h = jax.nn.relu(h @ layer["w"] + layer["b"])
    return (h @ params[-1]["w"] + params[-1]["b"])[:, 0]


def loss(params, X, y):
    logits = predict(params, X)
    return jnp.mean(jax.nn.softplus(logits) - y * logits)


@jax.jit
def adam_step(params, moments, X, y, t):
    """One Adam step (learning rate 0.01, betas 0.9 / 0.999)."""
    value, grads = jax.value_and_grad(loss)(params, X, y)
    m, v = moments
    m = jax.tree_util.tree_map(lambda a, g: 0.9 * a + 0.1 * g, m, grads)
    v = jax.tree_util.tree_map(lambda a, g: 0.999 * a + 0.001 * g * g, v, grads)
    scale = 0.01 * jnp.sqrt(1 - 0.999**t) / (1 - 0.9**t)
    params = jax.tree_util.tree_map(
        lambda p, a, b: p - scale * a / (jnp.sqrt(b) + 1e-8), params, m, v
    )
    return params, (m, v), value


def main(steps):
    X, y = two_moons(random.PRNGKey(42))
    params = init(random.PRNGKey(1))
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    moments = (zeros, zeros)
    for t in range(1, steps + 1):
        params, moments, value = adam_step(params, moments, X, y, float(t))
        if t == 1 or t % max(steps // 5, 1) == 0:
            print(f"step {t:4d} loss {float(value):.4f}")
    accuracy = jnp.mean((predict(params, X) > 0) == (y > 0.5))
    print(f"accuracy {float(accuracy):.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    main(parser.parse_args().steps)
