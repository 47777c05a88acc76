// The autobw side of the safetensors interoperability check (Tests/Interop/safetensors_roundtrip.py):
//
//     safetensors-interop read FILE     prints each tensor as autobw loads it: one JSON line of name, shape and
//                                       the Float32 bit patterns, then one line of metadata
//     safetensors-interop write DIR     writes the files the reference library must read back exactly, and
//                                       prints what it wrote to shapes.safetensors in the same form as `read`
import Autobw
import Foundation

func jsonString(_ text: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data()
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
}

/// Deterministic values that exercise signs, fractions, subnormals and large magnitudes.
func values(_ count: Int, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    return (0..<count).map { i in
        switch i % 5 {
        case 0: return Float.leastNonzeroMagnitude * Float(i + 1)
        case 1: return -generator.nextUnit() * 1e30
        default: return generator.nextNormal()
        }
    }
}

func write(to directory: String) throws {
    var generator = SeededGenerator(seed: 1)
    let model = Sequential([try Linear(3, 4, generator: &generator), Tanh(), try Linear(4, 2, generator: &generator)])
    let optimizer = Adam(model.namedParameters(), learningRate: 0.01)
    try Checkpoint.save(model: model, optimizer: optimizer, step: 12, to: directory + "/checkpoint.safetensors")
    let tensors = [
        "matrix": try Tensor(shape: [3, 5], scalars: values(15, seed: 2)),
        "scalar": Tensor(scalar: -2.5),
        "empty": try Tensor(shape: [0, 3], scalars: []),
        "vector": Tensor(values(7, seed: 3)),
    ]
    let metadata = ["note": "written by autobw", "unicode": "é ✓"]
    try SafeTensors.write(tensors, metadata: metadata, to: directory + "/shapes.safetensors")
    printTensors(tensors, metadata: metadata)
}

func read(_ path: String) throws {
    let (tensors, metadata) = try SafeTensors.read(path)
    printTensors(tensors, metadata: metadata)
}

func printTensors(_ tensors: [String: Tensor], metadata: [String: String]) {
    for name in tensors.keys.sorted() {
        guard let tensor = tensors[name] else { continue }
        let bits = tensor.scalars.map { String($0.bitPattern) }.joined(separator: ",")
        print("{\"name\":\(jsonString(name)),\"shape\":\(tensor.shape),\"bits\":[\(bits)]}")
    }
    let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
    print("{\"metadata\":{\(pairs.joined(separator: ","))}}")
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch (arguments.first, arguments.count) {
    case ("read", 2): try read(arguments[1])
    case ("write", 2): try write(to: arguments[1])
    default:
        FileHandle.standardError.write(Data("usage: safetensors-interop read FILE | write DIR\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("safetensors-interop: \(error)\n".utf8))
    exit(1)
}
