"""jit benchmark: the cost of calling a jitted function on tiny inputs (the call path:
flattening, signature lookup, launch), and a jitted logistic-regression training step, next to
JAX's jit in the same run. NumPy's column is the same computation written eagerly.

Issue target: a jitted call on tiny inputs costs no more than JAX's.

    python benches/jit.py [--repeat 5]
"""

import argparse

import ferrax
import ferrax.numpy as fnp
import numpy as np
from timing import best_time

try:
    import jax
    import jax.numpy as jjnp
except ImportError:  # JAX is optional: its column is left out
    jax = None


def workloads(fw, mod):
    """(name, callable) pairs for ferrax or JAX (``fw``), or NumPy when ``fw`` is None."""
    rng = np.random.default_rng(0)
    x8, y8 = rng.standard_normal(8).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    X = rng.standard_normal((256, 4)).astype(np.float32)
    y = (X @ np.array([1.5, -2.0, 0.5, 1.0], np.float32)) > 0
    w = np.zeros(4, np.float32)
    if fw is None:

        def np_step(w):
            p = 1 / (1 + np.exp(-(X @ w)))
            return w - 0.5 * X.T @ (p - y) / len(y)

        return [
            ("x + y, 8 elements", lambda: x8 + y8),
            ("x * 2 + y, 8 elements", lambda: x8 * 2 + y8),
            ("logistic-regression step, 256x4", lambda: np_step(w)),
        ]
    put = mod.asarray
    xa, ya, Xa, ta, wa = put(x8), put(y8), put(X), put(y), put(w)
    add = fw.jit(lambda a, b: a + b)
    axpy = fw.jit(lambda a, b: a * 2 + b)

    def loss(w, X, t):
        p = 1 / (1 + mod.exp(-(X @ w)))
        return -mod.mean(mod.where(t, mod.log(p), mod.log(1 - p)))

    step = fw.jit(lambda w, X, t: w - 0.5 * fw.grad(loss)(w, X, t))
    return [
        ("x + y, 8 elements", lambda: add(xa, ya).block_until_ready()),
        ("x * 2 + y, 8 elements", lambda: axpy(xa, ya).block_until_ready()),
        ("logistic-regression step, 256x4", lambda: step(wa, Xa, ta).block_until_ready()),
    ]


def main():
    """Measures every workload and prints times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    frameworks = [("numpy (eager)", None, np), ("ferrax jit", ferrax, fnp)]
    if jax is not None:
        frameworks.append(("jax jit", jax, jjnp))
    results = {}
    for name, fw, mod in frameworks:
        for workload, fn in workloads(fw, mod):
            results.setdefault(workload, {})[name] = best_time(fn, args.repeat)
    names = [n for n, _, _ in frameworks]
    print(f"ferrax {ferrax.__version__}" + (f", jax {jax.__version__}" if jax else ""))
    header = f"{'workload (us/call)':34}" + "".join(f"{n:>16}" for n in names)
    header += f"{'fx/jax':>9}" if jax is not None else ""
    print(header)
    print("-" * len(header))
    for workload, times in results.items():
        row = f"{workload:34}" + "".join(f"{times[n] * 1e6:16.2f}" for n in names)
        if jax is not None:
            row += f"{times['ferrax jit'] / times['jax jit']:9.2f}"
        print(row)


if __name__ == "__main__":
    main()
