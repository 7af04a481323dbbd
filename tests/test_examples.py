"""The programs in ``examples/`` run (shortened) and learn: their printed losses fall and
their accuracies clear a bar a broken transformation could not."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ferrax import random

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(name, steps):
    out = subprocess.run(
        [sys.executable, str(EXAMPLES / name), "--steps", str(steps)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def numbers(text, label):
    return [float(v) for v in re.findall(rf"{label} (-?[0-9.]+)", text)]


def test_logistic_regression():
    out = run("logistic_regression.py", 150)
    losses = numbers(out, "loss")
    assert losses[0] == pytest.approx(0.6931, abs=1e-3)  # log 2 at zero weights
    assert losses[-1] < 0.5 * losses[0]
    assert numbers(out, "accuracy")[0] > 0.9


def test_mlp_two_moons():
    out = run("mlp_two_moons.py", 300)
    losses = numbers(out, "loss")
    assert losses[-1] < 0.25 * losses[0]
    assert numbers(out, "accuracy")[0] > 0.95


def test_per_example_clipping():
    out = run("per_example_clipping.py", 100)
    assert all(n <= 1.0 + 1e-5 for n in numbers(out, "clipped"))
    assert max(numbers(out, "per-example norm")) > 1.0  # clipping had work to do
    assert numbers(out, "final loss")[0] < 0.6 * numbers(out, "initial loss")[0]
    assert numbers(out, "accuracy")[0] > 0.85


def load(name):
    """The example program as a module, without running its ``main``."""
    spec = importlib.util.spec_from_file_location(name.removesuffix(".py"), EXAMPLES / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_logistic_regression_matches_numpy_gradient_descent():
    """The printed final loss equals plain gradient descent written in NumPy with the
    closed-form gradient X^T (sigmoid(Xw + b) - y) / n, on the example's own data."""
    steps = 60
    X, y = load("logistic_regression.py").make_data(random.PRNGKey(0))
    X, y = np.asarray(X, np.float64), np.asarray(y, np.float64)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(X @ w + b)))
        w, b = w - 0.5 * X.T @ (p - y) / len(y), b - 0.5 * np.mean(p - y)
    logits = X @ w + b
    expected = np.mean(np.logaddexp(0, logits) - y * logits)
    assert numbers(run("logistic_regression.py", steps), "final loss")[0] == pytest.approx(
        expected, abs=2e-4
    )
