import CLoupeKernels
import Foundation

/// Stored weights kept in the form the SGEMM reads, made once and reused by every later
/// many-row product with them (a prompt, the path points of integrated gradients).
///
/// Without it each such product decodes its weight again. For Q4_0 / Q4_1 / Q8_0 that decoding
/// goes straight into the SGEMM's packed panels and is cheap next to the product itself (~2 % at
/// the 231-row passes of an attribution, ~10 % at a 57-token prompt); for formats decoded in
/// Swift (Q4_K, Q6_K and the other K-quants, F16, BF16) it is 10–30 % of a product, forward and
/// backward. So a weight keeps, from its second such product on:
/// - in those other formats, a float copy (4 bytes a weight), read by the forward product and
///   the input gradient alike;
/// - in Q4_0 / Q4_1 / Q8_0, its packed panels (4 bytes a weight), only for prompts in
///   generation (``QuantizedArithmetic/Mode/floatKernels``): a chat's second prompt on.
///   Attribution decodes into the panels at every pass instead — keeping them added 425 MB
///   to SmolLM2's IG (1.07 → 1.48 GB at 13 points a pass) for ~2 %, and its first call paid
///   for packing them.
///
/// Either form gives the same bits as decoding at every call. A one-off product keeps nothing.
/// All kept weights together stay within ``budgetBytes``; a weight that does not fit is decoded
/// at every call, as without the cache. A kept form lives as long as its weight does.
/// `loupe-bench panel-cache` measures both ways for each format.
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

    /// Bytes all kept weights together may take. Lowering it frees nothing already kept; it
    /// stops new ones from being made.
    public static var budgetBytes: Int {
        get { shared.limit }
        set { shared.limit = newValue }
    }

    /// Bytes the kept weights hold now.
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

/// One weight's kept form (see ``WeightPanelCache``): 64-byte aligned floats — packed panels in
/// the active SGEMM kernel's layout with the K block they were packed with, or a float copy of
/// the matrix (K block 1, not a panel layout).
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

/// The cache slot of one weight: how often it was multiplied, and its kept form once made.
/// Shared by every copy of the ``QuantizedMatrix`` value.
final class PanelSlot: @unchecked Sendable {
    private let lock = NSLock()
    private let budget: PanelBudget
    private var uses = 0
    private var panels: PackedPanels?
    private var building = false
    private var refused = false

    init(budget: PanelBudget = WeightPanelCache.shared) { self.budget = budget }

    /// Whether the kept form has been made.
    var hasPanels: Bool { lock.withLock { panels != nil } }

    /// The kept form if made, without counting a use.
    var current: PackedPanels? { lock.withLock { panels } }

    /// The kept form for this use: made on the second use (by `pack`, which fills `count` floats
    /// and returns its K block, or 0 for a format it cannot pack), nil before that, while another
    /// thread is making it (that caller goes on without, rather than wait), when the budget is
    /// spent or when the format cannot be packed. `pack` runs outside the slot's lock.
    func panels(floats count: Int, pack: (UnsafeMutablePointer<Float>) -> Int32) -> PackedPanels? {
        let bytes = count * MemoryLayout<Float>.stride
        let claimed: Bool = lock.withLock {
            if panels != nil || building || refused { return false }
            uses += 1
            guard uses >= 2, count > 0 else { return false }
            guard budget.reserve(bytes) else { return false }   // tried again later: the budget may grow
            building = true
            return true
        }
        guard claimed else { return current }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        let kBlock = pack(raw.bindMemory(to: Float.self, capacity: count))
        let made = kBlock > 0 ? PackedPanels(floats: raw, kBlock: kBlock, bytes: bytes, budget: budget) : nil
        if made == nil {
            raw.deallocate()
            budget.release(bytes)
        }
        lock.withLock {
            building = false
            if let made { panels = made } else { refused = true }
        }
        return made
    }
}
