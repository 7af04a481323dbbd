"""Global configuration flags, spelled as JAX spells them (``config.update("jax_enable_x64", True)``).

The flags live in the Rust core; this object only reads and writes them through ``_ferrax``.
``FERRAX_ENABLE_X64=1`` in the environment enables 64-bit types at import time.
"""

import os
from typing import ClassVar

from . import _ferrax
from .errors import FerraxTypeError

__all__ = ["Config", "config"]

_TRUE = {"1", "true", "t", "yes", "y", "on"}
_FALSE = {"0", "false", "f", "no", "n", "off", ""}


def _parse_bool(name, value):
    """A flag value as a bool: bools, 0/1 and the usual true/false spellings."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    elif isinstance(value, (bool, int)):
        return bool(value)
    raise FerraxTypeError(f"config: {name} expects a boolean, got {value!r}")


class Config:
    """The flag registry: ``update(name, value)`` and attribute access by flag name."""

    _flags: ClassVar[dict] = {"jax_enable_x64": (_ferrax.x64_enabled, _ferrax.set_x64)}

    def update(self, name, value):
        """Sets flag ``name`` to ``value`` (``config.update("jax_enable_x64", True)``)."""
        if name not in self._flags:
            raise AttributeError(f"Unrecognized config option: {name}")
        _, setter = self._flags[name]
        setter(_parse_bool(name, value))

    def read(self, name):
        """The current value of flag ``name``."""
        if name not in self._flags:
            raise AttributeError(f"Unrecognized config option: {name}")
        getter, _ = self._flags[name]
        return getter()

    def __getattr__(self, name):
        if name.startswith("_") or name not in type(self)._flags:
            raise AttributeError(f"Unrecognized config option: {name}")
        return self.read(name)

    def __setattr__(self, name, value):
        self.update(name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._flags))

    def __repr__(self):
        values = ", ".join(f"{name}={self.read(name)!r}" for name in sorted(self._flags))
        return f"Config({values})"


config = Config()

_env_x64 = os.environ.get("FERRAX_ENABLE_X64")
if _env_x64 is not None:
    config.update("jax_enable_x64", _env_x64)
