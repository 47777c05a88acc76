/// `exp`, `tanh` and the sigmoid in plain float arithmetic that the compiler vectorises.
///
/// glibc's `expf`/`tanhf` are scalar calls, which cost more than an op's GEMMs. These stay within a few ulp of
/// `exp` for results in the normal float range (a degree-6 polynomial after Cody-Waite range reduction);
/// `FastMathTests` and the gradient checks hold them to it. The LSTM's gate loops and softmax rows use the same
/// arithmetic in C (`CVectorLoops`, compiled for wider vectors than Swift's baseline): change both together.
enum FastMath {
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        // e^x = 2^n * e^r with n = round(x / ln 2), |r| <= ln 2 / 2. Adding 1.5 * 2^23 rounds to an integer
        // in the low mantissa bits without a conversion instruction that could trap, so the loop vectorises.
        let clamped = Swift.min(Swift.max(x, -87.3), 88.7)
        let shifted = clamped * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = (clamped - n * 0.693_145_75) - n * 1.428_606_8e-6
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let exponent = (shifted.bitPattern &- 0x4B40_0000 &+ 127) << 23
        let value = p * Float(bitPattern: exponent)
        // Beyond the float range: overflow to infinity like `exp`, and flush results below the smallest
        // normal float to zero.
        return x > 88.72 ? .infinity : (x < -87.3 ? 0 : value)
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        // tanh(x) = 1 - 2 / (e^{2x} + 1); for tiny |x| this loses relative (not absolute) accuracy, so the
        // first terms of the series take over there.
        let magnitude = Swift.abs(x)
        let viaExp = 1 - 2 / (exp(2 * magnitude) + 1)
        let series = magnitude * (1 - magnitude * magnitude / 3)
        let value = magnitude < 4e-3 ? series : viaExp
        return x < 0 ? -value : value
    }
}
