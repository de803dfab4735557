#!/usr/bin/env bash
# Installs the system packages the build needs, only where they are missing.
# Debian/Ubuntu: apt-get. macOS: Homebrew. Elsewhere: says what is missing and fails.
set -euo pipefail

need_apt=()
have_pc() { pkg-config --exists "$1" 2>/dev/null; }

case "$(uname -s)" in
  Linux)
    command -v pkg-config >/dev/null || need_apt+=(pkg-config)
    have_pc libcmark || need_apt+=(libcmark-dev)
    have_pc openblas || need_apt+=(libopenblas-dev)
    if [ "${LESSON_WITH_TEST_TOOLS:-0}" = 1 ]; then
      command -v tmux >/dev/null || need_apt+=(tmux)
      command -v python3 >/dev/null || need_apt+=(python3)
      # The Python test tools live in a virtual environment (PEP 668); Debian ships venv's pip apart.
      python3 -c 'import ensurepip, venv' 2>/dev/null || need_apt+=(python3-venv)
      # The page tests drive headless Chromium through WebDriver.
      command -v chromium >/dev/null || need_apt+=(chromium)
      command -v chromedriver >/dev/null || need_apt+=(chromium-driver)
    fi
    if [ ${#need_apt[@]} -eq 0 ]; then exit 0; fi
    # Only root installs: without root this script changes nothing on the system (no sudo
    # prompt in the middle of a build) and says what is missing and how to provide it.
    if command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
      echo "install-deps: installing ${need_apt[*]}" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
    else
      echo "install-deps: missing (Debian/Ubuntu package names): ${need_apt[*]}" >&2
      if command -v apt-get >/dev/null; then
        echo "install-deps: as root: apt-get install ${need_apt[*]}" >&2
      fi
      echo "install-deps: without root: build or install cmark and OpenBLAS under a prefix you own (for" >&2
      echo "  example Homebrew on Linux: brew install cmark openblas pkg-config) and point pkg-config at" >&2
      echo "  their .pc files: export PKG_CONFIG_PATH=\$PREFIX/lib/pkgconfig:\$PKG_CONFIG_PATH (Homebrew:" >&2
      echo "  \$(brew --prefix)/lib/pkgconfig and \$(brew --prefix openblas)/lib/pkgconfig); then retry." >&2
      exit 1
    fi
    ;;
  Darwin)
    if ! command -v cmark >/dev/null && ! have_pc libcmark; then
      command -v brew >/dev/null || { echo "install-deps: cmark is missing and Homebrew is not installed." >&2; exit 1; }
      brew install cmark
    fi
    ;;
  *)
    echo "install-deps: unsupported system $(uname -s); install libcmark and a CBLAS by hand." >&2
    exit 1
    ;;
esac
