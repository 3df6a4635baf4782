import CLoupeKernels

extension Parallel {
    /// Runs `body` over `0..<count` cut into `parts` contiguous ranges, on the calling thread and
    /// the GEMM's own worker threads (`loupe_parallel_chunks`). Work between two products —
    /// attention, say — then runs on the threads that just ran the product, instead of waking a
    /// second pool (Dispatch's) while the GEMM workers still spin on the same cores. When that
    /// pool is busy (called from inside a part, or from another thread's parallel work) the
    /// calling thread runs every part itself, in order. `body` must not throw or escape.
    static func forEachPart(_ count: Int, parts: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        withoutActuallyEscaping(body) { body in
            var closure = body
            withUnsafeMutablePointer(to: &closure) { pointer in
                loupe_parallel_chunks(count, Int32(clamping: parts), { context, begin, end in
                    context!.assumingMemoryBound(to: ((Range<Int>) -> Void).self).pointee(Int(begin)..<Int(end))
                }, pointer)
            }
        }
    }
}
