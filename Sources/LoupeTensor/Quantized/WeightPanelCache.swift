import CLoupeKernels
import Foundation

/// SGEMM panels of constant weights, packed once and reused by every later product with them.
///
/// A product with many input rows (a prompt, the path points of integrated gradients) multiplies
/// by a block-quantized weight through the SGEMM, which decodes the weight's blocks into its
/// packed panels at every call — and when the rows are split into shards, once per shard. A
/// weight used a second time keeps those panels instead (`rows × columns` floats, 4 bytes each;
/// 425 MB for SmolLM2-135M's projections) and later products read them directly: the same bits,
/// without the decoding or the packing. A one-off prompt therefore costs no memory; attribution,
/// which multiplies by every weight hundreds of times, pays the packing once.
///
/// All panels together stay within ``budgetBytes``; a weight that does not fit is decoded at
/// every call, as without the cache. Panels live as long as the weight (its file mapping) does.
public enum WeightPanelCache {
    /// The budget every weight's panels draw on.
    static let shared = PanelBudget(limit: defaultBudget())

    /// 1 GiB, or `LOUPE_PANEL_CACHE_MB` mebibytes (0 turns the cache off).
    static func defaultBudget() -> Int {
        if let text = ProcessInfo.processInfo.environment["LOUPE_PANEL_CACHE_MB"], let mb = Int(text), mb >= 0 {
            return mb << 20
        }
        return 1 << 30
    }

    /// Bytes all packed panels together may take. Lowering it frees nothing already packed; it
    /// stops new panels from being made.
    public static var budgetBytes: Int {
        get { shared.limit }
        set { shared.limit = newValue }
    }

    /// Bytes the packed panels hold now.
    public static var residentBytes: Int { shared.resident }
}

/// Bytes of packed panels allowed and held (``WeightPanelCache``).
final class PanelBudget: @unchecked Sendable {
    private let lock = NSLock()
    private var limitBytes: Int
    private var residentBytes = 0

    init(limit: Int) { limitBytes = Swift.max(0, limit) }

    var limit: Int {
        get { lock.withLock { limitBytes } }
        set { lock.withLock { limitBytes = Swift.max(0, newValue) } }
    }

    var resident: Int { lock.withLock { residentBytes } }

    /// Takes `bytes` out of the budget, or returns false when they do not fit.
    func reserve(_ bytes: Int) -> Bool {
        lock.withLock {
            guard residentBytes + bytes <= limitBytes else { return false }
            residentBytes += bytes
            return true
        }
    }

    func release(_ bytes: Int) {
        lock.withLock { residentBytes -= bytes }
    }
}

/// One weight's packed panels (see ``WeightPanelCache``): 64-byte aligned floats in the active
/// SGEMM kernel's layout, and the K block they were packed with.
final class PackedPanels: @unchecked Sendable {
    let floats: UnsafeMutableRawPointer
    let kBlock: Int32
    let bytes: Int
    private let budget: PanelBudget

    init(floats: UnsafeMutableRawPointer, kBlock: Int32, bytes: Int, budget: PanelBudget) {
        self.floats = floats
        self.kBlock = kBlock
        self.bytes = bytes
        self.budget = budget
    }

    var pointer: UnsafePointer<Float> { UnsafePointer(floats.assumingMemoryBound(to: Float.self)) }

    deinit {
        floats.deallocate()
        budget.release(bytes)
    }
}

/// The panel cache slot of one weight: how often it was multiplied, and its panels once made.
/// Shared by every copy of the ``QuantizedMatrix`` value.
final class PanelSlot: @unchecked Sendable {
    private let lock = NSLock()
    private let budget: PanelBudget
    private var uses = 0
    private var panels: PackedPanels?
    private var refused = false

    init(budget: PanelBudget = WeightPanelCache.shared) { self.budget = budget }

    /// Whether the panels have been made.
    var hasPanels: Bool { lock.withLock { panels != nil } }

    /// The panels for this use: made on the second use (by `pack`, which fills `count` floats and
    /// returns its K block, or 0 for a format it cannot pack), nil before that, when the budget
    /// is spent or when the format cannot be packed.
    func panels(floats count: Int, pack: (UnsafeMutablePointer<Float>) -> Int32) -> PackedPanels? {
        lock.lock()
        defer { lock.unlock() }
        if let panels { return panels }
        uses += 1
        guard uses >= 2, !refused, count > 0 else { return nil }
        let bytes = count * MemoryLayout<Float>.stride
        guard budget.reserve(bytes) else {
            refused = true
            return nil
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let kBlock = pack(raw.bindMemory(to: Float.self, capacity: count))
        guard kBlock > 0 else {
            raw.deallocate()
            budget.release(bytes)
            refused = true
            return nil
        }
        let made = PackedPanels(floats: raw, kBlock: kBlock, bytes: bytes, budget: budget)
        panels = made
        return made
    }
}
