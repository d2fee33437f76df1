#!/usr/bin/env bash
# Builds the sandbox image without any image registry: debootstrap a minimal Debian
# with Python 3 from the machine's apt mirror, then `docker import` the root filesystem.
# Idempotent: an image whose recipe label matches this script is reused as it is.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
suite=${ARBITER_SANDBOX_SUITE:-bookworm}
packages=python3,python3-numpy
# --polyglot: a second image that adds the compilers and runtimes of the driver's other languages
# (languages.py), so that the Python image stays small for the Python-only jobs.
if [ "${1:-}" = "--polyglot" ]; then
  image=${ARBITER_SANDBOX_POLYGLOT_IMAGE:-arbiter/sandbox-polyglot:1}
  packages=$packages,g++,openjdk-17-jdk-headless,golang-go,rustc,nodejs
else
  image=${ARBITER_SANDBOX_IMAGE:-arbiter/sandbox-python:1}
fi
# The recipe hash covers this script, the in-container driver and the checkers' header, so changing any rebuilds.
recipe=$( { cat "$0"; echo "$packages"; find "$here/driver" "$here/checkers" -type f -not -path '*/__pycache__/*' -print0 2>/dev/null | sort -z | xargs -0 -r cat; } | sha256sum | cut -c1-16)

log() { printf '[sandbox-image] %s\n' "$*"; }

if ! docker info >/dev/null 2>&1; then
  log "docker daemon not reachable; start dockerd first" >&2
  exit 1
fi

have=$(docker image inspect --format '{{ index .Config.Labels "arbiter.recipe" }}' "$image" 2>/dev/null || true)
if [ "$have" = "$recipe" ]; then
  log "image $image is present (recipe $recipe); reusing it"
  exit 0
fi

# The mirror apt already uses on this machine: no registry, no other network.
mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list)
fi
if [ -z "$mirror" ]; then
  log "no apt mirror configured in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list" >&2
  exit 1
fi

command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/arbiter-rootfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

log "building $image offline: debootstrap $suite from $mirror (no registry pull)"
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log" >&2
  log "debootstrap failed" >&2
  exit 1
}

# Trim what a sandbox never needs, and leave a writable scratch dir for the driver.
rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* \
       "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
mkdir -p "$rootfs/sandbox" "$rootfs/work"
if [ -d "$here/driver" ]; then cp -r "$here/driver/." "$rootfs/sandbox/"; rm -rf "$rootfs/sandbox/__pycache__"; fi
# Special judges compile against our testlib.h (the checker sources there are for its self-test).
mkdir -p "$rootfs/sandbox/checkers" && cp "$here/checkers/testlib.h" "$rootfs/sandbox/checkers/"
chmod 1777 "$rootfs/work"

log "importing root filesystem into docker as $image"
tar -C "$rootfs" -c . | docker import \
  --change "LABEL arbiter.recipe=$recipe" \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV PYTHONDONTWRITEBYTECODE=1" \
  --change "USER 65534:65534" \
  --change "WORKDIR /work" \
  --change 'CMD ["python3"]' \
  - "$image" >/dev/null

# Earlier builds of the image are left untagged: drop them.
docker image prune -f --filter "label=arbiter.recipe" >/dev/null 2>&1 || true

log "built $image: $(docker run --rm --network none "$image" python3 -c 'import sys; print(sys.version.split()[0])') on $suite, $(docker image inspect --format '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}')"
