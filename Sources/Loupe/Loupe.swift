// Loupe: the umbrella module. `import Loupe` brings in every layer of the toolkit.
@_exported import LoupeIO
@_exported import LoupeTensor
@_exported import LoupeNN
@_exported import LoupeAttribution
@_exported import LoupeRender
@_exported import LoupeDefaults
@_exported import LoupeTokenizers
@_exported import LoupePretrained
