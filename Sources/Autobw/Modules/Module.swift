/// Parameters with their names (`lstm.l1.wx`), in a stable order: the one list type that modules give
/// (`namedParameters()`) and optimizers, clipping and checkpoints take.
public typealias NamedParameters = [(name: String, parameter: Parameter)]

/// A building block of a model: parameters plus a forward computation, recorded under the module's name.
///
/// Parameters are found by reflection, so a subclass only declares them as stored properties:
///
/// ```swift
/// final class Head: Module {
///     let proj: Linear
///     init(generator: inout SeededGenerator) throws {
///         proj = try Linear(128, 65, generator: &generator)
///     }
///     func callAsFunction(_ h: Tensor) throws -> Tensor { try scoped { try proj(h).logSoftmax() } }
/// }
/// ```
///
/// (`Tests/Consumer` compiles this example in a package of its own, warnings as errors.)
///
/// A property's name becomes its path component (`proj.weight`); arrays of modules are numbered from 1
/// (`layers.1.weight`) unless `children` is overridden. The root is named when its parameters are first listed,
/// and calls made through `scoped` label tape entries with the module's path.
/// Modules are classes because identity matters: an optimizer and a checkpoint refer to the same parameters.
/// `Module` is not `Sendable`, so a subclass compiles without warnings in Swift 6 mode; a model is used by one
/// thread at a time, and one handed to another thread (as the trainer's models are) declares
/// `@unchecked Sendable` itself.
open class Module {
    /// The dotted path of this module inside its model (empty for the root).
    public internal(set) var path: String = ""
    /// False in evaluation mode (dropout passes values through).
    public private(set) var isTraining = true

    public init() {}

    /// The directly owned parameters with their names. Defaults to the stored `Parameter` properties.
    open var ownParameters: NamedParameters {
        reflectedProperties().compactMap { label, value in (value as? Parameter).map { (label, $0) } }
    }

    /// The directly owned submodules with their names. Defaults to stored `Module` properties and arrays.
    open var children: [(name: String, module: Module)] {
        reflectedProperties().flatMap { label, value -> [(name: String, module: Module)] in
            if let module = value as? Module { return [(label, module)] }
            if let modules = value as? [Module] {
                return modules.enumerated().map { ("\(label).\($0.offset + 1)", $0.element) }
            }
            return []
        }
    }

    /// Every parameter of this module and its descendants, named by dotted path (`lstm.l1.wx`), in a stable
    /// order. Also names the descendants' `path`s and each parameter's `name`, which tape views show.
    public func namedParameters() -> NamedParameters {
        var result = ownParameters.map { (name: qualified($0.name), parameter: $0.parameter) }
        for (name, parameter) in result where parameter.name != name { parameter.name = name }
        for (name, child) in children {
            child.path = qualified(name)
            result += child.namedParameters()
        }
        return result
    }

    /// The parameters, in the order of `namedParameters()`.
    public var parameters: [Parameter] { namedParameters().map(\.parameter) }

    /// Switches this module and its descendants between training and evaluation mode.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for (_, child) in children { child.setTraining(training) }
    }

    /// Runs `body` with tape entries labelled by this module's name (the last component of its path, or the
    /// type name for a root), nested inside the caller's scope.
    ///
    /// `file` and `line` are where the module was called: entries recorded inside that have no creation site of
    /// their own in the caller's code (operators, the engine's internal ops) show this one. Pass your own
    /// `callAsFunction`'s `#fileID`/`#line` through to point at your caller.
    public func scoped<R>(file: StaticString = #fileID, line: UInt = #line, _ body: () throws -> R) rethrows -> R {
        if path.isEmpty && !namedOnce {
            namedOnce = true
            _ = namedParameters()
        }
        let name = path.split(separator: ".").last.map(String.init) ?? String(describing: type(of: self)).lowercased()
        return try withScope(name, file: file, line: line, body)
    }

    private var namedOnce = false

    private func qualified(_ name: String) -> String { path.isEmpty ? name : path + "." + name }

    private func reflectedProperties() -> [(String, Any)] {
        var mirrors = [Mirror]()
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror {
            mirrors.insert(current, at: 0)
            mirror = current.superclassMirror
        }
        return mirrors.flatMap { mirror in
            mirror.children.compactMap { child -> (String, Any)? in
                guard let label = child.label else { return nil }
                return (label, Self.unwrapped(child.value))
            }
        }
    }

    /// Looks through `Optional`, so `let bias: Parameter?` is found too.
    private static func unwrapped(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first.map { unwrapped($0.value) } ?? value
    }
}
