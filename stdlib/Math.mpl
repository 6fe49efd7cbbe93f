##! Numeric functions (stdlib.md §4). Natives: mesh_interp/natives/math.py.

## Absolute value of an Int or Float (`abs` of the minimum Int wraps to itself).
pub fn abs<T>(x :: T) -> T

## The smaller of `a` and `b` (Float: a NaN operand yields the other one).
pub fn min<T>(a :: T, b :: T) -> T

## The larger of `a` and `b` (Float: a NaN operand yields the other one).
pub fn max<T>(a :: T, b :: T) -> T

## The constant 3.141592653589793, written `Math.pi` (no parentheses).
pub fn pi() -> Float = 3.141592653589793

## `b` raised to the power `e`.
pub fn pow(b :: Float, e :: Float) -> Float

## Square root; NaN for negative numbers.
pub fn sqrt(x :: Float) -> Float

## Largest integer not above `x` (`floor(-2.3)` is -3).
pub fn floor(x :: Float) -> Int

## Smallest integer not below `x` (`ceil(-2.7)` is -2).
pub fn ceil(x :: Float) -> Int

## Nearest integer, halves away from zero (3.5 gives 4, -2.5 gives -3).
pub fn round(x :: Float) -> Int
