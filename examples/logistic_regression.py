"""Logistic regression trained with jit-compiled gradient steps, written as a JAX user would.

python examples/logistic_regression.py [--steps 300]
"""

import argparse

import ferrax as jax
import ferrax.numpy as jnp
from ferrax import random


def make_data(key, n=512, d=5):
    """Points with a linear decision boundary and 5% flipped labels."""
    k_x, k_w, k_flip = random.split(key, 3)
    X = random.normal(k_x, (n, d))
    true_w = random.normal(k_w, (d,))
    y = X @ true_w > 0
    flip = random.bernoulli(k_flip, 0.05, (n,))
    return X, jnp.where(flip, ~y, y)


def loss(params, X, y):
    """Mean negative log-likelihood, computed stably from the logits."""
    logits = X @ params["w"] + params["b"]
    return jnp.mean(jax.nn.softplus(logits) - jnp.where(y, logits, 0.0))


@jax.jit
def step(params, X, y, lr):
    value, grads = jax.value_and_grad(loss)(params, X, y)
    params = jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)
    return params, value


def main(steps):
    X, y = make_data(random.PRNGKey(0))
    params = {"w": jnp.zeros(X.shape[1]), "b": jnp.zeros(())}
    for i in range(steps):
        params, value = step(params, X, y, 0.5)
        if i % max(steps // 5, 1) == 0:
            print(f"step {i:4d} loss {float(value):.4f}")
    accuracy = jnp.mean((X @ params["w"] + params["b"] > 0) == y)
    print(f"final loss {float(loss(params, X, y)):.4f}")
    print(f"accuracy {float(accuracy):.4f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300)
    main(parser.parse_args().steps)
