import Foundation

/// OpenBLAS, loaded with `dlopen` on first use rather than linked: OpenBLAS picks its kernels in a constructor
/// that runs when it loads, reading `OPENBLAS_CORETYPE` once, so choosing better kernels for a CPU that OpenBLAS
/// does not know means loading it again with that variable set (see `KernelChoice`). Only `BLAS` calls these.
struct OpenBLASLibrary: @unchecked Sendable {
    typealias SGEMM = @convention(c) (
        Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
        Float, UnsafeMutablePointer<Float>?, Int32
    ) -> Void
    typealias SDOT = @convention(c) (Int32, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32) -> Float
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?
    typealias GetThreads = @convention(c) () -> Int32
    typealias SetThreads = @convention(c) (Int32) -> Void

    let sgemm: SGEMM
    let sdot: SDOT
    let coreName: CoreName
    let getThreads: GetThreads
    let setThreads: SetThreads
    /// How the kernel set was chosen, for `--version` and reports.
    private(set) var selection: String
    private let handle: UnsafeMutableRawPointer?

    /// CBLAS's enum values (cblas.h).
    static let rowMajor: Int32 = 101, noTranspose: Int32 = 111, transpose: Int32 = 112

    /// The library, loaded once, on first use.
    static let shared = OpenBLASLibrary.load()

    /// Set (to anything) to run without OpenBLAS, on the reference loops: tests the fallback.
    static let withoutOpenBLASVariable = "AUTOBW_TEST_WITHOUT_OPENBLAS"

    /// Set (to anything) to test the upgrade path on a CPU that OpenBLAS knows: the first load is made to pick
    /// `Prescott`, as OpenBLAS does on CPUs newer than it.
    static let simulatedFallbackVariable = "AUTOBW_TEST_OPENBLAS_FALLBACK"

    private init(
        sgemm: SGEMM, sdot: SDOT, coreName: CoreName, getThreads: GetThreads, setThreads: SetThreads, selection: String
    ) {
        self.sgemm = sgemm
        self.sdot = sdot
        self.coreName = coreName
        self.getThreads = getThreads
        self.setThreads = setThreads
        self.selection = selection
        handle = nil
    }

    private init(handle: UnsafeMutableRawPointer, selection: String) throws {
        func symbol<T>(_ name: String, as type: T.Type) throws -> T {
            guard let address = dlsym(handle, name) else { throw LoadError(detail: "\(name) is missing") }
            return unsafeBitCast(address, to: type)
        }
        self.handle = handle
        self.selection = selection
        sgemm = try symbol("cblas_sgemm", as: SGEMM.self)
        sdot = try symbol("cblas_sdot", as: SDOT.self)
        coreName = try symbol("openblas_get_corename", as: CoreName.self)
        getThreads = try symbol("openblas_get_num_threads", as: GetThreads.self)
        setThreads = try symbol("openblas_set_num_threads", as: SetThreads.self)
    }

    struct LoadError: Error { let detail: String }

    var core: String { coreName().map { String(cString: $0) } ?? "unknown" }

    private static func open() throws -> UnsafeMutableRawPointer {
        for name in ["libopenblas.so.0", "libopenblas.so"] {
            if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return handle }
        }
        throw LoadError(detail: dlerror().map { String(cString: $0) } ?? "libopenblas.so.0 not found")
    }

    private static func load() -> OpenBLASLibrary {
        let environment = ProcessInfo.processInfo.environment
        if environment[withoutOpenBLASVariable] != nil { return reference(because: "\(withoutOpenBLASVariable) is set") }
        do {
            let userSetting = environment["OPENBLAS_CORETYPE"]
            let simulated = userSetting == nil && environment[simulatedFallbackVariable] != nil
            if simulated { setenv("OPENBLAS_CORETYPE", "Prescott", 1) }
            var library = try OpenBLASLibrary(handle: try open(), selection: "")
            let pick = library.core
            if simulated { unsetenv("OPENBLAS_CORETYPE") }
            let upgrades = KernelChoice.upgrades(pick: pick, flags: KernelChoice.cpuFlags(), userSetting: userSetting)
            guard !upgrades.isEmpty else {
                library.selection = userSetting == nil ? "OpenBLAS's own choice" : "OPENBLAS_CORETYPE"
                return library
            }
            for candidate in upgrades {
                library.close()
                setenv("OPENBLAS_CORETYPE", candidate, 1)
                library = try OpenBLASLibrary(
                    handle: try open(), selection: "chosen by autobw for this CPU; OpenBLAS picked \(pick)")
                if library.core.lowercased() == candidate.lowercased() && library.passesSelfCheck() { return library }
            }
            // No better set works here: back to OpenBLAS's own pick.
            library.close()
            unsetenv("OPENBLAS_CORETYPE")
            return try OpenBLASLibrary(handle: try open(), selection: "OpenBLAS's own choice (no better set passed the self-check)")
        } catch {
            // Without OpenBLAS everything still runs, on plain loops: slow, and said so wherever the kernels are
            // named (`autobw --version`, `blas_core`).
            let detail = (error as? LoadError)?.detail ?? "\(error)"
            return reference(because: detail)
        }
    }

    private func close() {
        if let handle { dlclose(handle) }
    }

    /// Plain-loop kernels, for a machine without OpenBLAS.
    static func reference(because detail: String) -> OpenBLASLibrary {
        OpenBLASLibrary(
            sgemm: { _, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
                guard let a, let b, let c else { return }
                for i in 0..<Int(m) {
                    for j in 0..<Int(n) {
                        var sum: Float = 0
                        for p in 0..<Int(k) {
                            let x = transposeA == OpenBLASLibrary.transpose ? a[p * Int(lda) + i] : a[i * Int(lda) + p]
                            let y = transposeB == OpenBLASLibrary.transpose ? b[j * Int(ldb) + p] : b[p * Int(ldb) + j]
                            sum += x * y
                        }
                        let index = i * Int(ldc) + j
                        c[index] = alpha * sum + (beta == 0 ? 0 : beta * c[index])
                    }
                }
            },
            sdot: { count, x, incx, y, incy in
                guard let x, let y else { return 0 }
                var sum: Float = 0
                for i in 0..<Int(count) { sum += x[i * Int(incx)] * y[i * Int(incy)] }
                return sum
            },
            coreName: { UnsafeMutablePointer(mutating: OpenBLASLibrary.referenceName) },
            getThreads: { 1 },
            setThreads: { _ in },
            selection: "OpenBLAS could not be loaded (\(detail)): plain loops, slow; install libopenblas0")
    }

    /// `reference`'s kernel name, a C string that lives as long as the process.
    nonisolated(unsafe) static let referenceName: UnsafePointer<CChar> = {
        let text = "none (reference loops)"
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: text.utf8.count + 1)
        text.withCString { pointer.initialize(from: $0, count: text.utf8.count + 1) }
        return UnsafePointer(pointer)
    }()

    /// A few small GEMMs in every transpose, with alpha and beta, against a Float64 reference: milliseconds.
    func passesSelfCheck() -> Bool {
        var generator = SystemRandomNumberGenerator()
        for (m, n, k) in [(7, 5, 3), (17, 13, 11), (33, 65, 17), (64, 48, 80)] {
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &generator) }
                    let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &generator) }
                    var c = (0..<(m * n)).map { _ in Float.random(in: -1...1, using: &generator) }
                    let original = c
                    let lda = transposeA ? m : k, ldb = transposeB ? k : n
                    sgemm(
                        Self.rowMajor, transposeA ? Self.transpose : Self.noTranspose,
                        transposeB ? Self.transpose : Self.noTranspose, Int32(m), Int32(n), Int32(k), 0.75, a,
                        Int32(lda), b, Int32(ldb), 0.5, &c, Int32(n))
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = 0.0
                            for p in 0..<k {
                                let x = transposeA ? a[p * m + i] : a[i * k + p]
                                let y = transposeB ? b[j * k + p] : b[p * n + j]
                                sum += Double(x) * Double(y)
                            }
                            let expected = 0.75 * sum + 0.5 * Double(original[i * n + j])
                            if abs(Double(c[i * n + j]) - expected) > 1e-4 * max(1, abs(expected)) { return false }
                        }
                    }
                }
            }
        }
        return true
    }
}
