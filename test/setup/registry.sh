#!/usr/bin/env bash
# provides: docker-registry skopeo curl openssl
# Registry tests (test/registry, test/push-model) and the registry bench need real servers:
#  - docker-registry: Debian's Distribution 2.8, started per suite on 127.0.0.1 by test/servers/
#  - skopeo: the independent OCI client the tests check our pushes with
#  - curl: the bench's peer for a plain monolithic blob upload
#  - python3: its crypt module makes the bcrypt htpasswd for the basic-auth test
#  - openssl: a self-signed certificate for the TLS read test
# MLflow comes from test/requirements.txt (pip/uv into .venv, done by .ci/run).
# .ci/run runs `apt-get update` before this script. Nothing is started here: each suite starts
# and stops its own servers on free loopback ports.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends docker-registry skopeo curl python3 openssl >/dev/null
# The Debian package enables a system service on :5000; the tests never use it. Stop it when a
# service manager runs, so nothing listens that the tests did not start.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  systemctl stop docker-registry || true
fi
docker-registry --version
skopeo --version
