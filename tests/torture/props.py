"""Runs the real addrmig binary on a grown database and checks the three
properties of issue #11 against independent dumps:

  plan predicts apply   a plan that exits 0 applies; a failed apply changes nothing
  nothing else changes  objects the plan does not name are identical, every row is
                        kept and still refers to the same parent row
  afterwards it works   audit clean, DML with FKs enforced works as before, seed
                        twice inserts once, verify matches; `run` reports what it
                        committed; `apply FILE` names what changed

check() returns None or a Failure whose `kind` is stable enough for shrinking.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter

from case import render_config

ADDRMIG = os.environ.get("ADDRMIG", "addrmig")


class Failure(Exception):
    def __init__(self, kind: str, detail: str):
        super().__init__(kind + ": " + detail)
        self.kind = kind
        self.detail = detail


class Runner:
    def __init__(self, target, case, workdir):
        self.target, self.case, self.workdir = target, case, workdir
        self.config = os.path.join(workdir, "addrmig.toml")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(render_config(case, target.url(case)))

    def run(self, *args, json_out=True):
        argv = [ADDRMIG, "-q", "-c", self.config] + (["--format", "json"] if json_out else []) + list(args)
        p = subprocess.run(argv, capture_output=True, text=True, cwd=self.workdir, timeout=120)
        if p.returncode not in (0, 1, 2, 3):
            raise Failure("crash", "%s exited %d: %s" % (" ".join(args), p.returncode, p.stderr[-300:]))
        if "terminate called" in p.stderr or "Assertion" in p.stderr:
            raise Failure("crash", p.stderr[-300:])
        doc = None
        if json_out and p.stdout.strip():
            try:
                doc = json.loads(p.stdout)
            except ValueError:
                raise Failure("json", "%s printed no single JSON document: %r" % (args[0], p.stdout[:200]))
        return p.returncode, doc, p.stderr.strip()


def touched_tables(plan: dict) -> set:
    """Tables a plan names in a step (its statements), as display names."""
    out = set()
    for parent in plan.get("parents", []):
        if parent.get("statements"):
            for name in (parent["table"], parent["address_table"]):
                out.add(name)
                # Reports leave PostgreSQL's default schema out of a name.
                out.add("public." + name)
    return out


def display(key) -> str:
    schema, name = key
    return schema + "." + name if schema else name


def row_key(row: dict, columns) -> str:
    return json.dumps([row.get(c) for c in columns], sort_keys=True, default=str)


def check_unchanged(target, before, after, touched: set, changed_fk_tables: set):
    """Every object and row outside the plan is as it was."""
    for key, text in before.objects.items():
        kind, schema, name = key
        if "addrmig_history" in name:
            continue
        now = after.objects.get(key)
        if now == text:
            continue
        owner = object_table(kind, schema, name, text, before)
        if owner and owner in touched and kind in ("table", "TABLE", "CONSTRAINT", "FK CONSTRAINT",
                                                   "DEFAULT", "SEQUENCE OWNED BY", "SEQUENCE", "INDEX"):
            if now is None and kind not in ("table", "TABLE"):
                if kind == "FK CONSTRAINT":
                    continue
                raise Failure("object-lost", "%s %s of a changed table is gone" % (kind, name))
            continue
        if now is None:
            raise Failure("object-lost", "%s %s disappeared, the plan never named it" % (kind, name))
        raise Failure("object-changed", "%s %s changed: %r -> %r" % (kind, name, text[:200], now[:200]))
    for key, rows in before.rows.items():
        cols = before.columns.get(key, [])
        now = after.rows.get(key)
        if now is None:
            raise Failure("rows-lost", "table %s is gone" % display(key))
        missing = Counter(row_key(r, cols) for r in rows) - Counter(row_key(r, cols) for r in now)
        if missing:
            raise Failure("rows-lost", "%s lost %s" % (display(key), list(missing)[:2]))
    check_fk_attributes(before, after, changed_fk_tables)
    check_same_parents(target, before, after)


QUALIFIED = re.compile(r'(?:ALTER TABLE (?:ONLY )?| ON (?:ONLY )?)((?:"(?:[^"]|"")+"|[^\s."(]+)\.(?:"(?:[^"]|"")+"|[^\s."(]+))')


def unquote(part: str) -> str:
    return part[1:-1].replace('""', '"') if part.startswith('"') else part


def split_qualified(text: str):
    parts = re.findall(r'"(?:[^"]|"")+"|[^.]+', text)
    return unquote(parts[0]), unquote(parts[-1])


def object_table(kind, schema, name, text, snap):
    """The table an object belongs to, as a display name."""
    if kind in ("table", "TABLE"):
        return display((schema, name))
    if text.startswith("(auto:"):
        return text[6:-1]
    if kind in ("CONSTRAINT", "FK CONSTRAINT", "DEFAULT", "INDEX", "TRIGGER"):
        m = QUALIFIED.search(text)
        if m:
            return display(split_qualified(m.group(1)))
    if kind in ("SEQUENCE", "SEQUENCE OWNED BY"):
        return display((schema, name.rsplit("_id_seq", 1)[0]))
    return None


def fk_identity(fk: dict) -> tuple:
    return (fk["from"] if isinstance(fk["from"], str) else tuple(fk["from"]))


def matching_fks(after_fks: list, fk: dict) -> list:
    """The FKs after on the same columns, the one of the same name first: a
    table may hold two FKs on one column, and the catalog lists them in no
    fixed order."""
    same = [f for f in after_fks if str(fk_identity(f)).lower() == str(fk_identity(fk)).lower()]
    return sorted(same, key=lambda f: f.get("name") != fk.get("name"))


def check_fk_attributes(before, after, changed: set):
    """A replaced FK keeps what the plan did not mean to change: ON UPDATE, DEFERRABLE, MATCH."""
    for key, fks in before.fks.items():
        for fk in fks:
            same = matching_fks(after.fks.get(key, []), fk)
            if not same:
                raise Failure("fk-lost", "FK on %s(%s) is gone" % (display(key), fk["from"]))
            new = same[0]
            for attr in ("on_update", "match", "deferrable", "deferred"):
                if attr in fk and fk[attr] != new.get(attr):
                    raise Failure("fk-attribute-lost", "FK on %s(%s): %s was %r, now %r" % (
                        display(key), fk["from"], attr, fk[attr], new.get(attr)))


def resolve(snap, target, table_key, fk, value):
    """The parent row an FK value reaches in a snapshot."""
    ref = (fk.get("schema", ""), fk["table"])
    rows = snap.rows.get(ref)
    if rows is None:
        rows = next((r for k, r in snap.rows.items() if k[0] == ref[0] and target.names_equal(k[1], ref[1])), [])
    to = fk["to"] if isinstance(fk["to"], list) else [fk["to"]] if fk["to"] else target.primary_key(fk["table"])
    hits = [r for r in rows if len(to) == 1 and str(r.get(to[0])) == str(value)]
    return json.dumps(hits[0], sort_keys=True, default=str) if len(hits) == 1 else None


def check_same_parents(target, before, after):
    """Every row that reached a parent row through an FK reaches the same row."""
    for key, fks in before.fks.items():
        rows_after = after.rows.get(key, [])
        for fk in fks:
            col = fk["from"] if isinstance(fk["from"], str) else (fk["from"][0] if len(fk["from"]) == 1 else None)
            if col is None:
                continue
            new = matching_fks(after.fks.get(key, []), fk)
            if not new:
                continue
            for i, row in enumerate(before.rows.get(key, [])):
                value = row.get(col)
                if value is None:
                    continue
                was = resolve(before, target, key, fk, value)
                if was is None:
                    continue
                now = resolve(after, target, key, new[0], value)
                if now != was:
                    raise Failure("reparented", "%s row %s: %s=%r belonged to %s, now to %s" % (
                        display(key), row.get("id"), col, value, was[:80], (now or "nothing")[:80]))
