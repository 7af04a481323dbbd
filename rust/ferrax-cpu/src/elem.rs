//! The element trait the generic kernels are written against.

/// Arithmetic every numeric element type provides, with XLA's integer conventions
/// (wrapping overflow; division by zero gives -1, remainder by zero the dividend).
pub trait Num: Copy + Send + Sync + PartialOrd + 'static {
    /// Additive identity.
    const ZERO: Self;
    /// Multiplicative identity.
    const ONE: Self;
    /// The smallest value (negative infinity for floats).
    const LOWEST: Self;
    /// The largest value (infinity for floats).
    const HIGHEST: Self;
    /// `a + b`.
    fn add(self, b: Self) -> Self;
    /// `a * b`.
    fn mul(self, b: Self) -> Self;
    /// Whether this is a NaN.
    fn is_nan(self) -> bool {
        false
    }
    /// NaN-propagating maximum.
    #[inline(always)]
    fn max_nan(self, b: Self) -> Self {
        if self.is_nan() || self > b {
            self
        } else {
            b
        }
    }
    /// NaN-propagating minimum.
    #[inline(always)]
    fn min_nan(self, b: Self) -> Self {
        if self.is_nan() || self < b {
            self
        } else {
            b
        }
    }
}

macro_rules! int_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            const LOWEST: Self = <$t>::MIN;
            const HIGHEST: Self = <$t>::MAX;
            #[inline(always)]
            fn add(self, b: Self) -> Self { self.wrapping_add(b) }
            #[inline(always)]
            fn mul(self, b: Self) -> Self { self.wrapping_mul(b) }
        }
    )*};
}
int_num!(i32, u32, i64);

macro_rules! float_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const LOWEST: Self = <$t>::NEG_INFINITY;
            const HIGHEST: Self = <$t>::INFINITY;
            #[inline(always)]
            fn add(self, b: Self) -> Self { self + b }
            #[inline(always)]
            fn mul(self, b: Self) -> Self { self * b }
            #[inline(always)]
            fn is_nan(self) -> bool { self != self }
        }
    )*};
}
float_num!(f32, f64);
