import Foundation
import Loupe

/// PNG pictures as the input of an image VAE.
enum ImageInput {
    /// The canvas as grayscale intensities in [0, 1] (luma × alpha, i.e. composited over black),
    /// resampled by area averaging to `width × height`, row by row.
    static func intensities(of canvas: Canvas, width: Int, height: Int) -> [Float] {
        var pixels = [Float](repeating: 0, count: canvas.width * canvas.height)
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                guard let p = canvas.pixel(x: x, y: y) else { continue }
                let luma = (0.299 * Float(p.r) + 0.587 * Float(p.g) + 0.114 * Float(p.b)) / 255
                pixels[y * canvas.width + x] = luma * Float(p.a) / 255
            }
        }
        let gray = GrayImage(width: canvas.width, height: canvas.height, pixels: pixels)
        if canvas.width == width && canvas.height == height { return gray.pixels }
        return gray.downsampled(width: width, height: height).pixels
    }
}
