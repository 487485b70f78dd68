"""Helpers for the engine's integration tests: out_stdout lines and process CPU time."""
import json
import os
import re

# <time %Y-%m-%d %H:%M:%S.%N %z> <tag>: <json>
RECORD_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4}) (\S*): (\{.*\})$")


def records(text):
    """[(tag, record)] for every out_stdout line in text, in order."""
    out = []
    for line in text.splitlines():
        m = RECORD_LINE.match(line)
        if m:
            out.append((m.group(2), json.loads(m.group(3))))
    return out


def records_for(text, tag):
    return [r for t, r in records(text) if t == tag]


def cpu_seconds(pid):
    """utime + stime of the process (all its threads), in seconds, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    # The command name may contain spaces; fields after it start past the last ')'.
    fields = stat[stat.rindex(")") + 2:].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")
