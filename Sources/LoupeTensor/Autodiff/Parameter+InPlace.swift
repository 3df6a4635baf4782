extension Parameter {
    /// Runs `body` on the parameter's elements in place (row-major), for optimizer updates.
    ///
    /// No copy is made when the value's storage is not shared with another tensor (a tensor taken
    /// from ``tensor`` or ``value`` earlier and still alive shares it; the first write then copies
    /// once, as copy-on-write does). This lets a sparse update touch O(rows used) memory instead of
    /// rebuilding the whole table. The shape cannot change.
    public func withMutableScalars<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        var storage = value.scalars
        value.scalars = []          // drop the parameter's own reference so `storage` is unique
        defer { value.scalars = storage }
        return try storage.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Multiplies the dense ``gradient`` by `factor` in place (gradient-norm clipping), with no
    /// copy unless its storage is shared: a new array per step for MiniLM's 47 MB embedding
    /// gradient was a fresh mapping (above glibc's mmap threshold) to fault in and zero.
    public func scaleDenseGradient(by factor: Float) {
        guard var g = gradient else { return }
        gradient = nil
        var storage = g.scalars
        g.scalars = []
        storage.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] *= factor }
        }
        g.scalars = storage
        gradient = g.detached
    }
}
