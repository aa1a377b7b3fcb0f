#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a campaign report page as Chromium rendered it (--dump-dom)
against the database it was written from:

  - links: every link that is not to an anchor of the page resolves,
    relative to the page's directory, to a file that exists; each crash
    bucket and finding row has a console.log link and a rerun command
    naming a run of the database;
  - empty sections: a section the database has nothing for says so in
    words (class "empty"), and one it has something for does not;
  - plots: a parameter plot exists exactly for each numeric parameter of
    a scenario with race hits that was drawn with more than one value,
    and its axes are named (with the unit the parameter's name gives);
  - the runs table comes in its four orders, each with every run.

usage: report-check.py DOM.html PAGE_DIR DB
"""
import html.parser
import json
import os
import sqlite3
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []          # (href, the id of the table it is in)
        self.empty = []          # text of class="empty" paragraphs
        self.plots = {}          # data-param -> [axis texts]
        self.views = {}          # runs view id -> rows
        self.rows = {}           # table id -> [row texts]
        self.stack = []          # open elements: (tag, attrs)
        self.text = None         # collecting text for: ('empty'|'axis'|'row', key)

    def _within(self, key, value=None):
        for tag, attrs in reversed(self.stack):
            if key in attrs and (value is None or value in attrs[key].split()):
                return attrs[key]
        return None

    def handle_starttag(self, tag, attrs):
        a = dict((k, v or "") for k, v in attrs)
        if tag not in ("br", "meta", "line", "circle", "rect", "polyline", "img"):
            self.stack.append((tag, a))
        if tag == "a" and "href" in a:
            table = None
            for t, at in reversed(self.stack):
                if t == "table" and "id" in at:
                    table = at["id"]
                    break
                if t == "div" and "runs-view" in at.get("class", "").split():
                    table = at["id"]
                    break
            self.links.append((a["href"], table))
        if tag == "p" and "empty" in a.get("class", "").split():
            self.text = ["empty", ""]
        if tag == "svg" and "data-param" in a:
            self.plots[a["data-param"]] = []
        if tag == "text" and "axis" in a.get("class", "").split():
            self.text = ["axis", ""]
        if tag == "tr":
            self.text = ["row", ""]

    def handle_endtag(self, tag):
        if self.text and ((self.text[0] == "empty" and tag == "p") or
                          (self.text[0] == "axis" and tag == "text") or
                          (self.text[0] == "row" and tag == "tr")):
            kind, txt = self.text
            self.text = None
            if kind == "empty":
                self.empty.append(txt)
            elif kind == "axis":
                param = self._within("data-param")
                if param is not None:
                    self.plots[param].append(txt)
            else:
                view = self._within("class", "runs-view") and \
                    [at["id"] for t, at in self.stack if "runs-view" in at.get("class", "").split()][-1]
                table = [at.get("id") for t, at in self.stack if t == "table"]
                key = view or (table[-1] if table else None)
                self.rows.setdefault(key, []).append(txt)
        if tag not in [t for t, _ in self.stack]:
            return      # an element never pushed: <line></line> of SVG
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if self.text:
            self.text[1] += data


def fail(msg):
    print("report-check: " + msg)
    sys.exit(1)


def unit(name):
    for suffix, u in (("_us", "µs"), ("_ms", "ms"), ("_s", "s"), ("_mb", "MiB"),
                      ("_kb", "KiB"), ("rate", "per s")):
        if name.endswith(suffix):
            return u
    return None


def main():
    dom, page_dir, dbpath = sys.argv[1:4]
    p = Page()
    p.feed(open(dom, encoding="utf-8").read())
    db = sqlite3.connect(dbpath)
    cid = db.execute("SELECT id FROM campaigns ORDER BY id DESC LIMIT 1").fetchone()[0]
    run_ids = set(r[0] for r in db.execute("SELECT run_id FROM runs"))

    # links
    files = 0
    for href, table in p.links:
        if href.startswith("#"):
            continue
        u = urllib.parse.urlparse(href)
        if u.scheme not in ("", "file"):
            fail("link out of the page's world: " + href)
        path = urllib.parse.unquote(u.path)
        if not os.path.isabs(path):
            path = os.path.join(page_dir, path)
        if not os.path.exists(path):
            fail("link to nothing: %s (in %s)" % (href, table))
        files += 1
    bucket_rows = p.rows.get("buckets", [])[1:]
    if db.execute("SELECT COUNT(*) FROM crashes c JOIN runs r ON r.run_id = c.run_id "
                  "WHERE r.campaign_id = ?", (cid,)).fetchone()[0] > 0:
        if not bucket_rows:
            fail("crashes in the database, no bucket rows")
        for row in bucket_rows:
            if "racerig run --replay " not in row:
                fail("bucket row without a rerun command: " + row[:80])
            rid = row.split("racerig run --replay ")[1].split()[0]
            if rid not in run_ids:
                fail("rerun command names no run of the database: " + rid)
        if not any(h.endswith("console.log") for h, t in p.links if t == "buckets"):
            fail("no console.log link in the buckets table")
        if not any(h.endswith("report.json") for h, t in p.links if t == "buckets"):
            fail("no report.json link in the buckets table")
    print("links: %d to files, all there; %d bucket rows with a rerun command"
          % (files, len(bucket_rows)))

    # empty sections say so, full ones do not
    def said(words):
        return any(words in e for e in p.empty)
    nfind = db.execute("SELECT COUNT(*) FROM findings f JOIN runs r ON r.run_id = f.run_id "
                       "WHERE r.campaign_id = ?", (cid,)).fetchone()[0]
    npairs = db.execute("SELECT COUNT(*) FROM findings WHERE title LIKE 'KCSAN: data-race%'"
                        ).fetchone()[0]
    for words, empty in (("No findings", nfind == 0),
                         ("No KCSAN data-race pairs", npairs == 0)):
        if said(words) != empty:
            fail("section wording: '%s' %s, but the database has %s" %
                 (words, "missing" if empty else "shown", "none" if empty else "some"))
    print("empty sections said so: %s" % "; ".join(e.strip()[:60] for e in p.empty))

    # plots exactly for the parameters drawn with more than one value
    values = {}
    hits = set(r[0] for r in db.execute(
        "SELECT scenario FROM runs WHERE campaign_id = ? GROUP BY scenario "
        "HAVING MAX(hits_per_s) > 0", (cid,)))
    for scen, params in db.execute("SELECT scenario, params FROM runs WHERE campaign_id = ?",
                                   (cid,)):
        if scen not in hits:
            continue
        for k, v in json.loads(params or "{}").items():
            try:
                float(v)
            except (TypeError, ValueError):
                continue
            values.setdefault(k, set()).add(float(v))
    want = sorted(k for k, vs in values.items() if len(vs) > 1)
    held = sorted(k for k, vs in values.items() if len(vs) == 1)
    got = sorted(p.plots)
    if got != want:
        fail("plots for %s, want %s (held at one value: %s)" % (got, want, held))
    for k, axes in p.plots.items():
        x = "%s (%s)" % (k, unit(k)) if unit(k) else k
        if x not in axes or "race hits/s" not in axes:
            fail("plot of %s: axes %s, want '%s' and 'race hits/s'" % (k, axes, x))
    print("plots: %s; not plotted, held at one value: %s" % (got, held))

    # the runs table in four orders, each complete
    nruns = db.execute("SELECT COUNT(*) FROM runs WHERE campaign_id = ?", (cid,)).fetchone()[0]
    for v in ("runs-by-outcome", "runs-by-kernel", "runs-by-scenario", "runs-by-time"):
        n = len(p.rows.get(v, [])) - 1
        if n != min(nruns, 500):
            fail("view %s has %d runs, want %d" % (v, n, nruns))
    print("runs table: 4 orders of %d runs" % nruns)


main()
