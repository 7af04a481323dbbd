"""Differentially-private-style SGD: per-example gradients with vmap, each clipped to a
maximum norm, averaged, plus Gaussian noise.

    python examples/per_example_clipping.py [--steps 200]
"""

import argparse

import ferrax as jax
import ferrax.numpy as jnp
from ferrax import random

CLIP = 1.0
NOISE = 0.05


def loss(params, x, y):
    """Single-example logistic loss."""
    logit = jnp.dot(x, params["w"]) + params["b"]
    return jax.nn.softplus(logit) - y * logit


def clipped(grads):
    """Scales one example's gradient pytree down to norm at most CLIP."""
    norm = jnp.sqrt(sum(jnp.sum(g**2) for g in jax.tree_util.tree_leaves(grads)))
    factor = jnp.minimum(1.0, CLIP / (norm + 1e-12))
    return jax.tree_util.tree_map(lambda g: g * factor, grads), norm


@jax.jit
def step(params, X, y, key):
    per_example = jax.vmap(jax.grad(loss), in_axes=(None, 0, 0))(params, X, y)
    clipped_grads, norms = jax.vmap(clipped)(per_example)
    mean = jax.tree_util.tree_map(lambda g: jnp.mean(g, axis=0), clipped_grads)
    keys = random.split(key, 2)
    noisy = {
        "w": mean["w"] + NOISE * random.normal(keys[0], mean["w"].shape),
        "b": mean["b"] + NOISE * random.normal(keys[1], ()),
    }
    params = jax.tree_util.tree_map(lambda p, g: p - 0.5 * g, params, noisy)
    clipped_norms = jax.vmap(
        lambda g: jnp.sqrt(sum(jnp.sum(v**2) for v in jax.tree_util.tree_leaves(g)))
    )(clipped_grads)
    return params, jnp.max(norms), jnp.max(clipped_norms)


def main(steps):
    key = random.PRNGKey(7)
    k_x, k_w, key = random.split(key, 3)
    X = 3.0 * random.normal(k_x, (256, 10))
    y = (X @ random.normal(k_w, (10,)) > 0).astype(jnp.float32)
    params = {"w": jnp.zeros(10), "b": jnp.zeros(())}
    mean_loss = lambda p: jnp.mean(jax.vmap(loss, in_axes=(None, 0, 0))(p, X, y))
    print(f"initial loss {float(mean_loss(params)):.4f}")
    for i in range(steps):
        key, sub = random.split(key)
        params, raw, after = step(params, X, y, sub)
        if i % max(steps // 5, 1) == 0:
            print(f"step {i:4d} max per-example norm {float(raw):.3f} clipped {float(after):.3f}")
    print(f"final loss {float(mean_loss(params)):.4f}")
    accuracy = jnp.mean((X @ params["w"] + params["b"] > 0) == (y > 0.5))
    print(f"accuracy {float(accuracy):.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    main(parser.parse_args().steps)
