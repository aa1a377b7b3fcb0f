#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
Check host/'s call graph from its object files (nm): every call or
reference goes to the caller's own layer or a lower one (the order in
host/util.h), and no files call each other in a circle, except the
command table's (cmd.c lists every command, help lists cmd.c's table),
which is the dispatcher's nature, as in git and tmux.

usage: layers.py OBJDIR   (prints the offending edges; exit 1 on any)
"""
import glob
import os
import re
import subprocess
import sys

# Lowest first; a file's layer is that of the pattern its name matches.
LAYERS = [
    ("util", [r"util\.c", r"proto\.c"]),
    ("text", [r"report(-.*)?\.c", r"scenario\.c", r"image\.c"]),
    ("guests", [r"vm(-.*)?\.c", r"qmp\.c", r"console\.c", r"dump\.c",
                r"snapshot\.c", r"agent-chan\.c"]),
    ("run", [r"run(-.*)?\.c", r"metrics\.c"]),
    ("many runs", [r"db\.c", r"summary(-.*)?\.c", r"campaign\.c",
                   r"stress(-.*)?\.c", r"bisect\.c", r"repro(-.*)?\.c"]),
    ("command line", [r"cmd(-.*)?\.c", r"help-.*\.c",
                      r"parse-options\.c", r"racerig\.c"]),
]
ALLOWED_CIRCLES = [{"host/cmd.c", "host/cmd-help.c", "host/help-man.c"}]


def layer(f):
    for i, (_, pats) in enumerate(LAYERS):
        if any(re.fullmatch(p, os.path.basename(f)) for p in pats):
            return i
    sys.exit("layers.py: %s belongs to no layer: add it to LAYERS" % f)


def main():
    objdir = sys.argv[1]
    defs, uses = {}, {}
    objs = glob.glob(objdir + "/host/*.o") + [objdir + "/guest/agent/proto.o"]
    for o in objs:
        f = os.path.relpath(o, objdir)[:-2] + ".c"
        out = subprocess.run(["nm", o], capture_output=True, text=True,
                             check=True).stdout
        uses[f] = set()
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBRV":
                defs[p[2]] = f
            elif len(p) == 2 and p[0] == "U":
                uses[f].add(p[1])
    if len(uses) < 40:
        sys.exit("layers.py: only %d objects under %s" % (len(uses), objdir))
    bad = 0
    edges = {}
    for f, syms in uses.items():
        edges[f] = {}
        for s in syms:
            g = defs.get(s)
            if g is None or g == f:
                continue
            edges[f].setdefault(g, []).append(s)
            if layer(g) > layer(f):
                print("up: %s (%s) -> %s (%s): %s" % (
                    f, LAYERS[layer(f)][0], g, LAYERS[layer(g)][0], s))
                bad = 1
    # circles: strongly connected components of more than one file
    index, low, stack, on, n = {}, {}, [], set(), [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        nonlocal bad
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1 and comp not in ALLOWED_CIRCLES:
                print("circle: " + " ".join(sorted(comp)))
                bad = 1

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return bad


sys.exit(main())
