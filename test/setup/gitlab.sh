#!/usr/bin/env bash
# gitlab-ci-local (a dev dependency) copies the project with rsync before it runs jobs.
# provides: rsync
set -euo pipefail
command -v rsync >/dev/null || apt-get install -y -q rsync
