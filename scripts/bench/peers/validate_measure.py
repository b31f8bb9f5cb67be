"""Runs one command and prints {"seconds", "cpuSeconds", "maxRssMiB", "code", "stdout"} as JSON.

Peak RSS comes from getrusage(RUSAGE_CHILDREN), so every tool (node, python, duckdb) is
measured the same way, from outside. CPU seconds (user + system) are printed too:
on a busy machine they say more than wall time about single-threaded work.
"""
import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"seconds": seconds, "cpuSeconds": usage.ru_utime + usage.ru_stime, "maxRssMiB": usage.ru_maxrss / 1024, "code": done.returncode, "stdout": done.stdout, "stderr": done.stderr[-2000:]}, sys.stdout)
