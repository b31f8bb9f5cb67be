"""Runs one command and prints {"seconds", "maxRssMiB", "code", "stdout"} as JSON.

Peak RSS comes from getrusage(RUSAGE_CHILDREN), so every tool (node, python, duckdb) is
measured the same way, from outside.
"""
import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
json.dump({"seconds": seconds, "maxRssMiB": rss_kib / 1024, "code": done.returncode, "stdout": done.stdout[-4000:], "stderr": done.stderr[-2000:]}, sys.stdout)
