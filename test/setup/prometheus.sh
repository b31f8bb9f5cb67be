#!/usr/bin/env bash
# provides: prometheus
# The gate's live analysis (test/gate/analysis-*.test.ts) queries a real Prometheus: Debian's
# package, started per test file by test/servers/prometheus.ts on a free 127.0.0.1 port with a temp
# config and temp storage, scraping a loopback exporter the test controls.
# .ci/run runs `apt-get update` before this script. Nothing is started here.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends prometheus >/dev/null
# The package enables a system service on :9090 (and its node exporter on :9100); the tests never
# use them. Stop them when a service manager runs, so nothing listens that the tests did not start.
if command -v systemctl >/dev/null 2>&1; then
  for service in prometheus prometheus-node-exporter; do
    if systemctl is-active --quiet "$service" 2>/dev/null; then systemctl stop "$service" || true; fi
  done
fi
prometheus --version
