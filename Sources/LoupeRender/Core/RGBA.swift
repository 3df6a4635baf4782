import Foundation

/// An 8-bit-per-channel sRGB colour with straight (non-premultiplied) alpha.
public struct RGBA: Hashable, Sendable, CustomStringConvertible {
    public var r: UInt8
    public var g: UInt8
    public var b: UInt8
    public var a: UInt8

    /// Creates a colour from its four channels.
    public init(_ r: UInt8, _ g: UInt8, _ b: UInt8, _ a: UInt8 = 255) {
        self.r = r
        self.g = g
        self.b = b
        self.a = a
    }

    /// Creates an opaque colour from a 24-bit hex value such as `0x2166ac`.
    public init(hex: UInt32) {
        self.init(UInt8((hex >> 16) & 0xff), UInt8((hex >> 8) & 0xff), UInt8(hex & 0xff))
    }

    public static let white = RGBA(255, 255, 255)
    public static let black = RGBA(0, 0, 0)
    public static let clear = RGBA(0, 0, 0, 0)

    public var description: String {
        "RGBA(\(r), \(g), \(b), \(a))"
    }

    /// The same colour with a different alpha.
    public func withAlpha(_ alpha: UInt8) -> RGBA {
        RGBA(r, g, b, alpha)
    }

    /// Linear interpolation in sRGB space; `t` is clamped to 0...1.
    public func mixed(with other: RGBA, _ t: Double) -> RGBA {
        let t = min(max(t, 0), 1)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
        }
        return RGBA(mix(r, other.r), mix(g, other.g), mix(b, other.b), mix(a, other.a))
    }

    /// WCAG relative luminance in 0...1 (0 = black, 1 = white).
    public var relativeLuminance: Double {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    }

    /// WCAG contrast ratio between two colours (1...21).
    public func contrastRatio(with other: RGBA) -> Double {
        let l1 = relativeLuminance, l2 = other.relativeLuminance
        return (max(l1, l2) + 0.05) / (min(l1, l2) + 0.05)
    }

    /// Near-black or white, whichever reads better on this colour as a background.
    public var readableTextColor: RGBA {
        let dark = RGBA(hex: 0x1a1a1a)
        return contrastRatio(with: dark) >= contrastRatio(with: .white) ? dark : .white
    }

    /// Saturation of the colour in HSV terms (0 = grey, 1 = fully saturated).
    public var saturation: Double {
        let mx = Double(max(r, g, b)), mn = Double(min(r, g, b))
        return mx == 0 ? 0 : (mx - mn) / mx
    }

    /// `#rrggbb` (alpha ignored), for HTML and CSS.
    public var hexString: String {
        func hex2(_ v: UInt8) -> String {
            let digits = Array("0123456789abcdef")
            return String([digits[Int(v >> 4)], digits[Int(v & 15)]])
        }
        return "#" + hex2(r) + hex2(g) + hex2(b)
    }
}
