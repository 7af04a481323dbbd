"""The derivative of a Gamma(a) sample with respect to its shape ``a``, as JAX defines it:
the implicit reparameterization gradient (Figurnov, Mohamed and Mnih, "Implicit
Reparameterization Gradients", NeurIPS 2018). Holding the CDF value ``P(a, x)`` fixed,

    dx/da = -(dP/da)(a, x) / p(x; a),    p(x; a) = x**(a-1) e**-x / Gamma(a).

``dP/da`` comes, as in XLA's ``RandomGammaGrad``, from the power series of ``P`` where
``x <= max(1, a)`` and from the continued fraction of ``Q = 1 - P`` elsewhere, each summed
together with its derivative in ``a`` (forward mode by hand) until the terms stop mattering.
"""

import numpy as np

from . import lax
from . import numpy as jnp
from ._control import while_loop
from ._random_math import const

__all__ = ["digamma", "gamma_sample_grad"]

_MAX_TERMS = 2000


def digamma(a):
    """The digamma function for ``a > 0``: the recurrence ``psi(a) = psi(a + 6) - sum 1/(a+k)``,
    then the asymptotic series of ``psi`` at ``a + 6``."""
    f = np.dtype(a.dtype)
    shift = lax.full_like(a, 0)
    for k in range(6):
        shift = lax.add(shift, lax.div(const(1, f), lax.add(a, const(k, f))))
    z = lax.add(a, const(6, f))
    z2 = lax.div(const(1, f), lax.mul(z, z))
    # 1/(12 z^2) - 1/(120 z^4) + 1/(252 z^6) - 1/(240 z^8) + 1/(132 z^10)
    series = const(1 / 132, f)
    for coefficient in (-1 / 240, 1 / 252, -1 / 120, 1 / 12):
        series = lax.add(lax.mul(series, z2), const(coefficient, f))
    series = lax.mul(series, z2)
    psi = lax.sub(lax.sub(lax.log(z), lax.div(const(0.5, f), z)), series)
    return lax.sub(psi, shift)


def _series(a, x):
    """``S = sum_n x**n / ((a+1)...(a+n))`` and ``dS/da``, so that
    ``P(a, x) = x**a e**-x / Gamma(a+1) * S``."""
    f = np.dtype(a.dtype)
    eps = const(np.finfo(f).eps, f)

    def unconverged(state):
        n, term, _, total, _ = state
        small = lax.le(lax.abs(term), lax.mul(eps, lax.abs(total)))
        return lax.and_(lax.lt(n, const(_MAX_TERMS, f)), jnp.any(lax.not_(small)))

    def step(state):
        n, term, dterm, total, dtotal = state
        n = lax.add(n, const(1, f))
        denominator = lax.add(a, n)
        ratio = lax.div(x, denominator)
        dterm = lax.mul(lax.sub(dterm, lax.div(term, denominator)), ratio)
        term = lax.mul(term, ratio)
        return n, term, dterm, lax.add(total, term), lax.add(dtotal, dterm)

    one, zero = lax.full_like(a, 1), lax.full_like(a, 0)
    state = (const(0, f), one, zero, one, zero)
    _, _, _, total, dtotal = while_loop(unconverged, step, state)
    return total, dtotal


def _continued_fraction(a, x):
    """``h`` and ``dh/da`` for ``Q(a, x) = x**a e**-x / Gamma(a) * h``, by the modified Lentz
    method on Legendre's continued fraction (Numerical Recipes, section 6.2)."""
    f = np.dtype(a.dtype)
    eps = const(np.finfo(f).eps, f)
    tiny = const(np.finfo(f).tiny, f)

    def unconverged(state):
        i, _, _, _, _, _, _, (delta, dh_change) = state
        _, dh = state[6]
        done = lax.and_(
            lax.le(lax.abs(lax.sub(delta, const(1, f))), eps),
            lax.le(lax.abs(dh_change), lax.mul(eps, lax.abs(dh))),
        )
        return lax.and_(lax.lt(i, const(_MAX_TERMS, f)), jnp.any(lax.not_(done)))

    def step(state):
        i, b, c, dc, d, dd, h_and_dh, _ = state
        h, dh = h_and_dh
        i = lax.add(i, const(1, f))
        an = lax.mul(lax.neg(i), lax.sub(i, a))  # -i (i - a)
        dan = i
        b = lax.add(b, const(2, f))  # db/da stays -1
        denominator = lax.add(lax.mul(an, d), b)
        denominator = lax.select(
            lax.lt(lax.abs(denominator), tiny), lax.full_like(a, tiny), denominator
        )
        d_new = lax.div(const(1, f), denominator)
        dd = lax.mul(
            lax.neg(lax.add(lax.add(lax.mul(dan, d), lax.mul(an, dd)), const(-1, f))),
            lax.mul(d_new, d_new),
        )
        c_new = lax.add(b, lax.div(an, c))
        c_new = lax.select(lax.lt(lax.abs(c_new), tiny), lax.full_like(a, tiny), c_new)
        dc = lax.add(
            const(-1, f), lax.div(lax.sub(lax.mul(dan, c), lax.mul(an, dc)), lax.mul(c, c))
        )
        delta = lax.mul(d_new, c_new)
        ddelta = lax.add(lax.mul(dd, c_new), lax.mul(d_new, dc))
        dh_new = lax.add(lax.mul(dh, delta), lax.mul(h, ddelta))
        return i, b, c_new, dc, d_new, dd, (lax.mul(h, delta), dh_new), (delta, lax.sub(dh_new, dh))

    b = lax.sub(lax.add(x, const(1, f)), a)
    d = lax.div(const(1, f), b)
    dd = lax.mul(d, d)  # d/da (1 / b) with db/da = -1
    state = (
        const(0, f),
        b,
        lax.full_like(a, 1 / np.finfo(f).tiny),
        lax.full_like(a, 0),
        d,
        dd,
        (d, dd),
        (lax.full_like(a, 0), lax.full_like(a, 1)),
    )
    out = while_loop(unconverged, step, state)
    return out[6]


def gamma_sample_grad(a, x):
    """``dx/da`` for Gamma(a) samples ``x`` (arrays of one shape and float dtype)."""
    f = np.dtype(a.dtype)
    zero, one = const(0, f), const(1, f)
    positive = lax.gt(x, zero)
    safe_x = lax.select(positive, x, lax.full_like(x, 1))
    use_fraction = lax.and_(lax.gt(safe_x, one), lax.gt(safe_x, a))
    # Each branch sees harmless arguments where the other one is used.
    x_series = lax.select(use_fraction, lax.full_like(x, 0.5), safe_x)
    x_fraction = lax.select(use_fraction, safe_x, lax.add(a, lax.full_like(a, 2)))
    total, dtotal = _series(a, x_series)
    by_series = lax.mul(
        lax.neg(lax.div(x_series, a)),
        lax.add(lax.mul(total, lax.sub(lax.log(x_series), digamma(lax.add(a, one)))), dtotal),
    )
    h, dh = _continued_fraction(a, x_fraction)
    by_fraction = lax.mul(
        x_fraction, lax.add(lax.mul(h, lax.sub(lax.log(x_fraction), digamma(a))), dh)
    )
    grad = lax.select(use_fraction, by_fraction, by_series)
    return lax.select(positive, grad, lax.full_like(x, 0))
