#!/bin/sh
# Installs loupe into PREFIX (default /usr/local): PREFIX/bin/loupe and its resources in
# PREFIX/share/loupe/Loupe_*.resources (fonts, the bundled default models). See README.md, "Install".
# Usage: tools/install/install.sh [PREFIX]   (run from the package root)
set -eu
prefix=${1:-/usr/local}
swift build -c release --product loupe
bin=$(swift build -c release --show-bin-path)
mkdir -p "$prefix/bin" "$prefix/share/loupe"
for bundle in "$bin"/Loupe_LoupeRender.resources "$bin"/Loupe_LoupeDefaults.resources; do
    name=$(basename "$bundle")
    rm -rf "$prefix/share/loupe/$name.new"
    cp -R "$bundle" "$prefix/share/loupe/$name.new"
    rm -rf "$prefix/share/loupe/$name"
    mv "$prefix/share/loupe/$name.new" "$prefix/share/loupe/$name"
done
cp "$bin/loupe" "$prefix/bin/.loupe.new"
mv "$prefix/bin/.loupe.new" "$prefix/bin/loupe"
echo "installed $prefix/bin/loupe (resources in $prefix/share/loupe)"
