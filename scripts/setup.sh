#!/usr/bin/env bash
# setup.sh installs the system packages this project needs, idempotently.
#   setup.sh demo  what `make demo` needs: Mesa's lavapipe, the Vulkan loader (libvulkan-dev's
#                  libvulkan.so, which the Vulkan bindings open at run time), the C compiler of cgo,
#                  and Fashion-MNIST, the default dataset. The demo's commands link no GLFW.
#   setup.sh run   that, and the C headers of cgo's GLFW/X11: what building every command and
#                  running them on lavapipe needs (`make build`, bin/viewer included).
#   setup.sh all   (the default) that, and what the test matrix needs (`make test`): chromium-common
#                  ships SwiftShader, the second software Vulkan driver (scripts/test.sh); chromium is
#                  the headless browser of the report page's test; glslc and spirv-tools recompile
#                  and check the shaders; the validation layers, vulkan-tools and Xvfb; openmpi-bin
#                  and libopenmpi-dev serve multi-process training (the binaries load Open MPI only
#                  when mpirun starts them, so `run` needs neither).
# Debian 12's own Mesa (22.3) lavapipe lacks descriptor indexing, which vgpu requests, so Mesa comes
# from bookworm-backports (added from the mirror apt already uses; no address is written here).
set -euo pipefail

profile=${1:-all}
pkgs=(libvulkan-dev dataset-fashion-mnist gcc)
glfw=(libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libgl-dev pkg-config)
case "$profile" in
  demo) ;;
  run) pkgs+=("${glfw[@]}") ;;
  all) pkgs+=("${glfw[@]}" vulkan-tools glslc spirv-tools vulkan-validationlayers libglfw3-dev xvfb xauth
              chromium-common chromium openmpi-bin libopenmpi-dev) ;;
  *) echo "setup: unknown profile '$profile' (expected demo, run or all)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
mesa_ok=0
if v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null); then
  dpkg --compare-versions "$v" ge 23 && mesa_ok=1
fi
if [ ${#missing[@]} -eq 0 ] && [ $mesa_ok = 1 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    echo "setup: missing packages: ${missing[*]} $([ $mesa_ok = 1 ] || echo 'mesa-vulkan-drivers(>=23, bookworm-backports)')" >&2
    echo "setup: run as root:  sudo bash scripts/setup.sh $profile" >&2
    exit 1
  fi
fi

if [ $mesa_ok = 0 ] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  src=/etc/apt/sources.list.d/debian.sources
  if [ -f "$src" ]; then
    # Copy the main stanza (the one whose Suites start with "bookworm ") with the backports suite.
    awk 'BEGIN{RS="";ORS="\n\n"} /Suites: bookworm( |$)/ && !/security/ {sub(/Suites: [^\n]*/,"Suites: bookworm-backports"); print; exit}' "$src" \
      | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  else
    mirror=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
    echo "deb $mirror bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
[ ${#missing[@]} -eq 0 ] || $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [ $mesa_ok = 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers
fi
