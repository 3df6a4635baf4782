import CFreeType

/// One FreeType face opened from a font file. Not thread-safe; the owning
/// ``TextRenderer`` serialises all calls.
final class FontFace {
    let id: Int
    let location: FontLocation
    let face: FT_Face
    let hasKerning: Bool
    private var currentSize = -1

    /// FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT: antialiased, light (vertical-only) hinting.
    private static let loadFlags = Int32(1 << 2) | Int32(1 << 16)

    init?(id: Int, location: FontLocation, library: FT_Library) {
        var face: FT_Face?
        guard FT_New_Face(library, location.path, location.index, &face) == 0, let face else { return nil }
        self.id = id
        self.location = location
        self.face = face
        self.hasKerning = (face.pointee.face_flags & (1 << 6)) != 0   // FT_FACE_FLAG_KERNING
    }

    deinit {
        FT_Done_Face(face)
    }

    /// The glyph index for `scalar`, or 0 when the face lacks it.
    func glyphIndex(for scalar: Unicode.Scalar) -> UInt32 {
        UInt32(FT_Get_Char_Index(face, FT_ULong(scalar.value)))
    }

    /// Selects the size (26.6 pixels) for subsequent calls.
    @discardableResult
    func setSize(_ size26_6: Int) -> Bool {
        if size26_6 == currentSize { return true }
        guard FT_Set_Char_Size(face, 0, FT_F26Dot6(size26_6), 72, 72) == 0 else { return false }
        currentSize = size26_6
        return true
    }

    /// Renders glyph `index` at `size26_6` into an 8-bit coverage bitmap.
    func render(glyphIndex index: UInt32, size26_6: Int) -> Glyph? {
        guard setSize(size26_6), FT_Load_Glyph(face, index, FontFace.loadFlags) == 0,
              let slot = face.pointee.glyph else { return nil }
        let bitmap = slot.pointee.bitmap
        let width = Int(bitmap.width), rows = Int(bitmap.rows), pitch = Int(bitmap.pitch)
        var coverage = [UInt8](repeating: 0, count: width * rows)
        if let buffer = bitmap.buffer, width > 0, rows > 0 {
            let grays = bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue)
            let levels = max(Int(bitmap.num_grays) - 1, 1)
            for y in 0..<rows {
                let row = pitch >= 0 ? buffer + y * pitch : buffer + (rows - 1 - y) * -pitch
                for x in 0..<width {
                    if grays {
                        coverage[y * width + x] = UInt8(min(255, Int(row[x]) * 255 / levels))
                    } else {   // 1-bit mono bitmaps (some bitmap-only fonts)
                        let bit = (row[x >> 3] >> (7 - UInt8(x & 7))) & 1
                        coverage[y * width + x] = bit == 1 ? 255 : 0
                    }
                }
            }
        }
        return Glyph(advance: Int(slot.pointee.advance.x), left: Int(slot.pointee.bitmap_left),
                     top: Int(slot.pointee.bitmap_top), width: width, rows: rows, coverage: coverage)
    }

    /// Kerning between two glyphs of this face, in 26.6 pixels (0 when the face has none).
    func kerning(_ left: UInt32, _ right: UInt32, size26_6: Int) -> Int {
        guard hasKerning, setSize(size26_6) else { return 0 }
        var delta = FT_Vector()
        guard FT_Get_Kerning(face, left, right, FT_UInt(FT_KERNING_DEFAULT.rawValue), &delta) == 0 else { return 0 }
        return Int(delta.x)
    }

    /// Ascender, descender (positive down) and line height in 26.6 pixels at `size26_6`.
    func verticalMetrics(size26_6: Int) -> (ascent: Int, descent: Int, height: Int)? {
        guard setSize(size26_6), let size = face.pointee.size else { return nil }
        let m = size.pointee.metrics
        return (Int(m.ascender), -Int(m.descender), Int(m.height))
    }
}
