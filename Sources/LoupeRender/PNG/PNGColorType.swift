/// The pixel layout of a PNG written by LoupeRender (always 8 bits per sample).
public enum PNGColorType: String, Hashable, Sendable, CaseIterable {
    /// One channel. Colour pixels are converted with Rec. 601 luma weights; alpha is
    /// composited over white first.
    case gray
    /// Three channels; alpha is composited over white.
    case rgb
    /// Four channels, straight alpha.
    case rgba
    /// The smallest of the three that loses nothing for this canvas.
    case automatic

    /// The concrete type to write `canvas` with.
    func resolved(for canvas: Canvas) -> PNGColorType {
        guard self == .automatic else { return self }
        if !canvas.isOpaque { return .rgba }
        return canvas.isGrayscale ? .gray : .rgb
    }

    /// Number of channels of a resolved type.
    var channels: Int {
        switch self {
        case .gray: return 1
        case .rgb: return 3
        case .rgba, .automatic: return 4
        }
    }

    /// libpng simplified-API format code (PNG_FORMAT_GRAY / _RGB / _RGBA).
    var libpngFormat: UInt32 {
        switch self {
        case .gray: return 0
        case .rgb: return 2
        case .rgba, .automatic: return 3
        }
    }
}
