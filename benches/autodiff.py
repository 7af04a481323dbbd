"""Autodiff benchmark: un-jitted ``grad``, ``jvp`` and ``vjp`` next to JAX (un-jitted).

Workloads (issue targets: at least 3x faster than JAX un-jitted):
- ``grad`` of a function with a 50-iteration Python loop over ``sin(x) * x`` on 100 elements;
- ``jvp`` and ``vjp`` (forward pass plus one pullback) of the logistic-regression
  ``predict(W, b, X) = sigmoid(X @ W + b)`` on a 4x3 input.

NumPy has no autodiff; its column times the plain forward function, the floor any autodiff
system pays for running it. Times are best-of-N of auto-sized loops, blocked on results.

    python benches/autodiff.py [--repeat 5]
"""

import argparse

import ferrax
import numpy as np
from timing import best_time

try:
    import jax
except ImportError:  # JAX is optional: its column is left out
    jax = None


def workloads(fw, np_mod):
    """(name, callable) pairs for one framework (``fw`` is ferrax or jax, or None for NumPy)."""

    def loop(x):
        for _ in range(50):
            x = np_mod.sin(x) * x
        return np_mod.sum(x)

    def predict(W, b, X):
        return 1 / (1 + np_mod.exp(-(X @ W + b)))

    rng = np.random.default_rng(0)
    x = (rng.uniform(0.5, 1.5, 100)).astype(np.float32)
    W, b = rng.standard_normal(3).astype(np.float32), np.float32(0.1)
    X = rng.standard_normal((4, 3)).astype(np.float32)
    if fw is None:
        return [
            ("grad, 50-iteration loop (100 elems)", lambda: loop(x)),
            ("jvp of predict (4x3)", lambda: predict(W, b, X)),
            ("vjp of predict + pullback", lambda: predict(W, b, X)),
        ]
    put = np_mod.asarray
    xa, Wa, ba, Xa = put(x), put(W), put(b), put(X)
    grad_loop = fw.grad(loop)

    def jvp_predict():
        return fw.jvp(lambda w: predict(w, ba, Xa), (Wa,), (Wa,))[1]

    def vjp_predict():
        out, pull = fw.vjp(lambda w: predict(w, ba, Xa), Wa)
        return pull(out)[0]

    return [
        ("grad, 50-iteration loop (100 elems)", lambda: grad_loop(xa).block_until_ready()),
        ("jvp of predict (4x3)", lambda: jvp_predict().block_until_ready()),
        ("vjp of predict + pullback", lambda: vjp_predict().block_until_ready()),
    ]


def main():
    """Measures every workload and prints times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import ferrax.numpy as fnp

    frameworks = [("numpy (forward only)", None, np), ("ferrax", ferrax, fnp)]
    if jax is not None:
        import jax.numpy as jjnp

        frameworks.append(("jax", jax, jjnp))
    results = {}
    for name, fw, mod in frameworks:
        for workload, fn in workloads(fw, mod):
            results.setdefault(workload, {})[name] = best_time(fn, args.repeat)
    names = [n for n, _, _ in frameworks]
    header = f"{'workload (us/call)':38}" + "".join(f"{n:>22}" for n in names)
    header += f"{'fx/jax':>9}" if jax is not None else ""
    print(f"ferrax {ferrax.__version__}" + (f", jax {jax.__version__}" if jax else ""))
    print(header)
    print("-" * len(header))
    for workload, times in results.items():
        row = f"{workload:38}" + "".join(f"{times[n] * 1e6:22.1f}" for n in names)
        if jax is not None:
            row += f"{times['ferrax'] / times['jax']:9.2f}"
        print(row)


if __name__ == "__main__":
    main()
