"""Eager-mode benchmark: per-op overhead on tiny arrays and throughput on a large one.

Runs the same workloads with NumPy, ferrax and (when ``import jax`` works) JAX in one process
and prints a table with the ratios ferrax/NumPy and ferrax/JAX (below 1 means ferrax is
faster). Times are the best of several repeats of an auto-sized loop, as ``timeit`` does;
ferrax and JAX results are blocked on before the clock stops.

    python benches/eager.py [--repeat 5] [--large 16777216]
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


def chain(np_mod, x, y):
    """Ten elementwise ops."""
    a = x + y
    b = a * y
    c = b - x
    d = c / y
    e = np_mod.maximum(d, x)
    f = np_mod.minimum(e, y)
    g = f * 0.5
    h = g + 1.0
    i = np_mod.abs(h)
    return np_mod.negative(i)


def fused(np_mod, x):
    """``tanh(x) * 2 + sin(x)``."""
    return np_mod.tanh(x) * 2 + np_mod.sin(x)


def frameworks(small_x, small_y, large):
    """(name, module, small x, small y, large x, block) for every available framework.

    Blocking is the array's own ``block_until_ready()`` method for ferrax and JAX (one method
    call, as a user writes it) and nothing for NumPy, whose results are always ready.
    """
    out = [("numpy", np, small_x, small_y, large, lambda r: r)]
    out.append(
        (
            "ferrax",
            fnp,
            fnp.asarray(small_x),
            fnp.asarray(small_y),
            fnp.asarray(large),
            lambda r: r.block_until_ready(),
        )
    )
    if jax is not None:
        put = jax.device_put
        out.append(
            ("jax", jjnp, put(small_x), put(small_y), put(large), lambda r: r.block_until_ready())
        )
    return out


def measure(mod, x, y, big, block, repeat):
    """Seconds per op (tiny workloads) or per call (large one) for one framework."""
    return {
        "x + y (8 elems), us/op": best_time(lambda: block(x + y), repeat),
        "10-op chain (8 elems), us/op": best_time(lambda: block(chain(mod, x, y)), repeat) / 10,
        "tanh(x)*2+sin(x) (16M f32), GB/s": best_time(
            lambda: block(fused(mod, big)), repeat, min_batch_s=0.5
        ),
    }


def main():
    """Measures every workload on every framework and prints the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--large", type=int, default=16 * 1024 * 1024)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    small_x = rng.uniform(1, 2, 8).astype(np.float32)
    small_y = rng.uniform(1, 2, 8).astype(np.float32)
    large = rng.uniform(-3, 3, args.large).astype(np.float32)
    large_bytes = large.nbytes
    reference = fused(np, large.astype(np.float64))

    results = {}  # workload -> framework -> seconds
    for name, mod, x, y, big, block in frameworks(small_x, small_y, large):
        for workload, seconds in measure(mod, x, y, big, block, args.repeat).items():
            results.setdefault(workload, {})[name] = seconds
        err = np.max(np.abs(np.asarray(fused(mod, big), dtype=np.float64) - reference))
        assert err < 1e-5, f"{name}: tanh(x)*2+sin(x) differs from float64 NumPy by {err}"

    names = ["numpy", "ferrax"] + (["jax"] if jax is not None else [])
    header = f"{'workload':36}" + "".join(f"{n:>12}" for n in names) + f"{'fx/np':>9}"
    header += f"{'fx/jax':>9}" if jax is not None else ""
    print(
        f"ferrax {ferrax.__version__}, numpy {np.__version__}"
        + (f", jax {jax.__version__}" if jax is not None else ", jax not installed")
    )
    print(header)
    print("-" * len(header))
    for workload, times in results.items():
        throughput = workload.endswith("GB/s")
        shown = [large_bytes / times[n] / 1e9 if throughput else times[n] * 1e6 for n in names]
        row = f"{workload:36}" + "".join(f"{v:12.3f}" for v in shown)
        # Ratios are of times: ferrax time / other time.
        row += f"{times['ferrax'] / times['numpy']:9.2f}"
        if jax is not None:
            row += f"{times['ferrax'] / times['jax']:9.2f}"
        print(row)


if __name__ == "__main__":
    main()
