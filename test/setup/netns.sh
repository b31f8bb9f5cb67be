#!/usr/bin/env bash
# provides: unshare ip
# The Ray train backend's tests (test/ray) run in a network namespace of their own, where loopback
# is the only interface: Ray's head binds what it finds, and no job traffic can leave the machine.
#  - unshare (util-linux): makes the namespace (as root, or as a user through a user namespace)
#  - ip (iproute2): brings its loopback up
set -euo pipefail
apt-get install -y -q --no-install-recommends util-linux iproute2 >/dev/null
