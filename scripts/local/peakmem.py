#!/usr/bin/env python3
"""Run a command and report its wall time and peak memory (whole process tree), from /proc.

    peakmem.py [--label NAME] -- CMD [ARGS...]

Samples every 0.25 s the RSS of the command and all its descendants; prints to stderr
  [peakmem] NAME: 41.2 s, peak tree RSS 2315 MiB (largest process 1650 MiB: java), exit 0
and exits with the command's exit code. Linux only; sampling can miss very short peaks.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _rss_kib(pid: int) -> tuple[int, str]:
    try:
        with open(f"/proc/{pid}/status") as f:
            name, rss = "?", 0
            for line in f:
                if line.startswith("Name:"):
                    name = line.split()[1]
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
            return rss, name
    except OSError:
        return 0, "?"


def main() -> int:
    args = sys.argv[1:]
    label = "command"
    if len(args) >= 2 and args[0] == "--label":
        label, args = args[1], args[2:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    t0 = time.monotonic()
    p = subprocess.Popen(args)
    peak = {"tree": 0, "one": 0, "one_name": "?"}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            kids = _children()
            todo, tree = [p.pid], 0
            while todo:
                pid = todo.pop()
                rss, name = _rss_kib(pid)
                tree += rss
                if rss > peak["one"]:
                    peak["one"], peak["one_name"] = rss, name
                todo.extend(kids.get(pid, []))
            peak["tree"] = max(peak["tree"], tree)
            done.wait(0.25)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    rc = p.wait()
    done.set()
    th.join()
    print(f"[peakmem] {label}: {time.monotonic() - t0:.1f} s, peak tree RSS {peak['tree'] // 1024} MiB "
          f"(largest process {peak['one'] // 1024} MiB: {peak['one_name']}), exit {rc}", file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
