"""Shared fixtures: a seeded NumPy generator and the x64 toggle (always restored)."""

import ferrax
import numpy as np
import pytest
from helpers import x64_mode


@pytest.fixture
def rng():
    """A NumPy generator with a fixed seed, fresh for every test."""
    return np.random.default_rng(1234)


@pytest.fixture
def x64():
    """Enables 64-bit types for the test."""
    with x64_mode(True):
        yield


@pytest.fixture
def no_x64():
    """Disables 64-bit types for the test (the default, made explicit)."""
    with x64_mode(False):
        yield


@pytest.fixture(autouse=True)
def _restore_x64():
    """Guarantees that no test leaks the x64 flag into the next one."""
    old = ferrax.config.jax_enable_x64
    yield
    ferrax.config.update("jax_enable_x64", old)
