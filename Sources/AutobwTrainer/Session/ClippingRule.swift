import Autobw

/// How a session limits the gradients before each update.
public enum ClippingRule: Sendable, Equatable, CustomStringConvertible {
    /// No clipping.
    case none
    /// Every gradient element clamped to `-limit...limit` (char-rnn's `grad_clip`).
    case elements(Float)
    /// All gradients scaled together so that their global norm is at most the limit.
    case globalNorm(Float)

    /// Applies the rule to `parameters`' gradients.
    /// - Throws: `TensorError.nonFiniteGradientNorm` for a non-finite global norm (`.globalNorm` only).
    func apply(to parameters: NamedParameters) throws {
        switch self {
        case .none: break
        case .elements(let limit): GradientClipping.clampElements(of: parameters, to: limit)
        case .globalNorm(let limit): try GradientClipping.clipGlobalNorm(of: parameters, to: limit)
        }
    }

    /// `element-wise at 5`, `global norm at 1`, `none`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .elements(let limit): return "element-wise at \(limit)"
        case .globalNorm(let limit): return "global norm at \(limit)"
        }
    }
}
