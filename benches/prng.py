"""Random-number benchmark: JAX's threefry stream (``random.normal``, ``random.uniform``,
``random.split``) in ferrax and in JAX, same keys and same bits, with NumPy's ``Generator``
(PCG64, another algorithm) as the floor for drawing numbers at all.

    python benches/prng.py [--repeat 5]
"""

import argparse

import ferrax
import numpy as np
from timing import best_time

try:
    import jax
except ImportError:  # JAX is optional: its rows are left out
    jax = None

SMALL, LARGE = 8, 1 << 20


def workloads():
    """(workload, framework, callable) triples."""
    rng = np.random.default_rng(0)
    fkey = ferrax.random.PRNGKey(0)
    out = []
    for n in (SMALL, LARGE):
        out.append(
            (f"normal, {n} float32", "numpy", lambda n=n: rng.standard_normal(n, np.float32))
        )
        out.append(
            (
                f"normal, {n} float32",
                "ferrax",
                lambda n=n: ferrax.random.normal(fkey, (n,)).block_until_ready(),
            )
        )
        out.append((f"uniform, {n} float32", "numpy", lambda n=n: rng.random(n, np.float32)))
        out.append(
            (
                f"uniform, {n} float32",
                "ferrax",
                lambda n=n: ferrax.random.uniform(fkey, (n,)).block_until_ready(),
            )
        )
    out.append(
        ("split into 2 keys", "ferrax", lambda: ferrax.random.split(fkey).block_until_ready())
    )
    if jax is not None:
        jkey = jax.random.PRNGKey(0)
        for n in (SMALL, LARGE):
            out.append(
                (
                    f"normal, {n} float32",
                    "jax",
                    lambda n=n: jax.random.normal(jkey, (n,)).block_until_ready(),
                )
            )
            out.append(
                (
                    f"uniform, {n} float32",
                    "jax",
                    lambda n=n: jax.random.uniform(jkey, (n,)).block_until_ready(),
                )
            )
        out.append(("split into 2 keys", "jax", lambda: jax.random.split(jkey).block_until_ready()))
    return out


def main():
    """Measures every workload and prints µs per call and ferrax's ratio to each baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    times = {}
    for workload, framework, fn in workloads():
        times.setdefault(workload, {})[framework] = best_time(fn, args.repeat)
    print(f"ferrax {ferrax.__version__}" + (f", jax {jax.__version__}" if jax else ""))
    header = (
        f"{'workload':26}{'numpy µs':>12}{'ferrax µs':>12}{'jax µs':>12}{'f/np':>8}{'f/jax':>8}"
    )
    print(header)
    print("-" * len(header))
    for workload, row in times.items():
        cells = [row.get(k) for k in ("numpy", "ferrax", "jax")]
        text = "".join(f"{c * 1e6:12.1f}" if c else f"{'-':>12}" for c in cells)
        ours = row["ferrax"]
        ratios = "".join(
            f"{ours / row[k]:8.2f}" if k in row else f"{'-':>8}" for k in ("numpy", "jax")
        )
        print(f"{workload:26}{text}{ratios}")


if __name__ == "__main__":
    main()
