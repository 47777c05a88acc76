/// The element types of the safetensors format that autobw reads, each converted to Float32 on reading.
///
/// Integers and booleans become the nearest Float32 (exact up to 2^24 in magnitude); the 8-bit float types
/// (`F8_E4M3`, `F8_E5M2`) and anything newer are refused with `CheckpointError.unsupportedDType`. autobw
/// itself writes F32 only.
enum SafeTensorsDType: String {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    var size: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool: return 1
        }
    }

    /// The little-endian element at `p`, as a Float.
    func float(at p: UnsafeRawPointer) -> Float {
        switch self {
        case .f64: return Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
        case .f32: return Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        case .f16: return Float(Float16(bitPattern: UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))))
        case .bf16: return Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self))) << 16)
        case .i64: return Float(Int64(littleEndian: p.loadUnaligned(as: Int64.self)))
        case .i32: return Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self)))
        case .i16: return Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self)))
        case .i8: return Float(p.load(as: Int8.self))
        case .u64: return Float(UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)))
        case .u32: return Float(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
        case .u16: return Float(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
        case .u8: return Float(p.load(as: UInt8.self))
        case .bool: return p.load(as: UInt8.self) != 0 ? 1 : 0
        }
    }
}
