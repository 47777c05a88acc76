/// A module that maps one tensor to one tensor, so it can be chained in a `Sequential`.
public protocol Layer: Module {
    /// Applies the layer.
    func callAsFunction(_ x: Tensor) throws -> Tensor
}

/// Layers applied one after another.
public final class Sequential: Module, Layer, @unchecked Sendable {
    /// The layers, in order; their parameters are named by position from 1 (`2.weight`).
    public let layers: [any Layer]

    /// A chain of `layers`.
    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    override public var children: [(name: String, module: Module)] {
        layers.enumerated().map { ("\($0.offset + 1)", $0.element) }
    }

    /// Feeds `x` through every layer.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try scoped { try layers.reduce(x) { try $1($0) } }
    }
}

/// `tanh` as a layer.
public final class Tanh: Module, Layer, @unchecked Sendable {
    /// A tanh layer.
    override public init() {}
    /// Applies tanh.
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.tanh() }
}

/// The logistic sigmoid as a layer.
public final class Sigmoid: Module, Layer, @unchecked Sendable {
    /// A sigmoid layer.
    override public init() {}
    /// Applies the sigmoid.
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.sigmoid() }
}

/// `max(x, 0)` as a layer.
public final class ReLU: Module, Layer, @unchecked Sendable {
    /// A ReLU layer.
    override public init() {}
    /// Applies the ReLU.
    public func callAsFunction(_ x: Tensor) throws -> Tensor { try x.relu() }
}
