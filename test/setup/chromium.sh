#!/usr/bin/env bash
# provides: chromium
# test/report/browser.test.ts opens report.html and renders its Mermaid charts in Debian's
# Chromium, driven by playwright-core, so no browser is downloaded. A font so the charts' text
# has a size when Mermaid measures it and the screenshot is legible.
# .ci/run runs `apt-get update` before this script.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends chromium fonts-liberation >/dev/null
chromium --version
