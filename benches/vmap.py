"""vmap benchmark: per-example gradients of a logistic-regression loss, batch 512, 1000
features, computed by ``vmap(grad(loss), in_axes=(None, 0, 0))`` and by a Python loop of
single-example ``grad`` calls, next to JAX's ``vmap`` (un-jitted and jitted) in the same run.

Issue target: ferrax's vmap faster than JAX's un-jitted vmap. NumPy has no autodiff; its row
evaluates the closed form ``(sigmoid(X @ w) - y)[:, None] * X``, the floor for the arithmetic.

    python benches/vmap.py [--repeat 5]
"""

import argparse

import ferrax
import ferrax.numpy as fnp
import numpy as np
from timing import best_time

try:
    import jax
    import jax.numpy as jjnp
except ImportError:  # JAX is optional: its rows are left out
    jax = None

BATCH, FEATURES = 512, 1000


def data():
    """The same batch for every framework."""
    rng = np.random.default_rng(0)
    X = (rng.standard_normal((BATCH, FEATURES)) / np.sqrt(FEATURES)).astype(np.float32)
    y = rng.random(BATCH) > 0.5
    w = rng.standard_normal(FEATURES).astype(np.float32)
    return X, y, w


def loss_for(mod):
    """The single-example negative log-likelihood written against ``mod`` (a numpy module)."""

    def loss(w, x, t):
        p = 1 / (1 + mod.exp(-mod.dot(x, w)))
        return -mod.where(t, mod.log(p), mod.log(1 - p))

    return loss


def workloads():
    """(name, callable) pairs, every framework on the same data."""
    X, y, w = data()

    def numpy_closed_form():
        p = 1 / (1 + np.exp(-(X @ w)))
        return (p - y)[:, None] * X

    out = [("numpy closed form (no autodiff)", numpy_closed_form)]
    fx_loss = loss_for(fnp)
    Xf, yf, wf = fnp.asarray(X), fnp.asarray(y), fnp.asarray(w)
    per_example = ferrax.vmap(ferrax.grad(fx_loss), in_axes=(None, 0, 0))
    single = ferrax.grad(fx_loss)
    out.append(("ferrax vmap(grad)", lambda: per_example(wf, Xf, yf).block_until_ready()))
    jitted = ferrax.jit(per_example)
    out.append(("ferrax jit(vmap(grad))", lambda: jitted(wf, Xf, yf).block_until_ready()))
    rows = [(Xf[i], yf[i]) for i in range(BATCH)]
    out.append(
        (
            "ferrax Python loop of grad",
            lambda: [single(wf, x, t) for x, t in rows][-1].block_until_ready(),
        )
    )
    if jax is not None:
        jx_loss = loss_for(jjnp)
        Xj, yj, wj = jjnp.asarray(X), jjnp.asarray(y), jjnp.asarray(w)
        jax_vmap = jax.vmap(jax.grad(jx_loss), in_axes=(None, 0, 0))
        jax_jit = jax.jit(jax_vmap)
        out.append(("jax vmap(grad), un-jitted", lambda: jax_vmap(wj, Xj, yj).block_until_ready()))
        out.append(("jax jit(vmap(grad))", lambda: jax_jit(wj, Xj, yj).block_until_ready()))
    return out


def main():
    """Measures every workload and prints times and ratios to ferrax's vmap."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    times = {name: best_time(fn, args.repeat) for name, fn in workloads()}
    print(f"ferrax {ferrax.__version__}" + (f", jax {jax.__version__}" if jax else ""))
    print(f"per-example gradients, batch {BATCH} x {FEATURES} features")
    header = f"{'workload':36}{'ms/batch':>12}{'ferrax vmap / this':>22}"
    print(header)
    print("-" * len(header))
    ours = times["ferrax vmap(grad)"]
    for name, t in times.items():
        print(f"{name:36}{t * 1e3:12.3f}{ours / t:22.2f}")


if __name__ == "__main__":
    main()
