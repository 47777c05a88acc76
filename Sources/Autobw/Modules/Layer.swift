/// A module that maps one tensor to one tensor, so it can be chained in a `Sequential`.
///
/// Implement `forward(_:)`; call the layer as a function (`layer(x)`), which records its entries under the
/// layer's scope and the caller's source line.
public protocol Layer: Module {
    /// The layer's computation on `x`.
    func forward(_ x: Tensor) throws -> Tensor
}

extension Layer {
    /// Applies the layer: `forward(x)` in the layer's scope, with the caller's site on its entries.
    public func callAsFunction(_ x: Tensor, file: StaticString = #fileID, line: UInt = #line) throws -> Tensor {
        try scoped(file: file, line: line) { try forward(x) }
    }
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
    public func forward(_ x: Tensor) throws -> Tensor {
        try layers.reduce(x) { try $1($0) }
    }
}

/// `tanh` as a layer.
public final class Tanh: Module, Layer, @unchecked Sendable {
    /// A tanh layer.
    override public init() {}
    /// Applies tanh.
    public func forward(_ x: Tensor) throws -> Tensor { try x.tanh() }
}

/// The logistic sigmoid as a layer.
public final class Sigmoid: Module, Layer, @unchecked Sendable {
    /// A sigmoid layer.
    override public init() {}
    /// Applies the sigmoid.
    public func forward(_ x: Tensor) throws -> Tensor { try x.sigmoid() }
}

/// `max(x, 0)` as a layer.
public final class ReLU: Module, Layer, @unchecked Sendable {
    /// A ReLU layer.
    override public init() {}
    /// Applies the ReLU.
    public func forward(_ x: Tensor) throws -> Tensor { try x.relu() }
}
