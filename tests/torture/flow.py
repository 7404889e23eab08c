"""One case, end to end: grow the database, run plan / apply (from the config,
from a saved plan, or as `run`) / audit / seed twice / verify, and check the
properties after each step. Returns None (passed), "invalid" (the grammar grew
SQL the database refused: not counted) or raises props.Failure."""
from __future__ import annotations

import os
import re

from props import Failure, Runner, check_unchanged, touched_tables

# Drift a saved plan must notice: an orphan row for an FK the plan adds.
ORPHAN_VALUES = ["987654321", "'orphan-987'", "'00000000-0000-4000-8000-987654321000'"]


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_sql(display: str, dialect: str) -> str:
    if dialect == "postgres" and "." in display:
        schema, name = display.split(".", 1)
        return quoted(schema) + "." + quoted(name)
    return quoted(display)


def same_state(target, case, before, what: str):
    after = target.snapshot(case)
    for key, text in before.objects.items():
        if after.objects.get(key) != text:
            raise Failure(what, "%s %s changed: %r -> %r" % (key[0], key[2], text[:120],
                                                            (after.objects.get(key) or "gone")[:120]))
    for key, rows in before.rows.items():
        if sorted(map(repr, rows)) != sorted(map(repr, after.rows.get(key, []))):
            raise Failure(what, "rows of %s changed" % (key,))


def seeds_valid(case, error: str = "") -> bool:
    """Whether seed must work. Not when the config leaves out a value the
    database requires, provided the error then says so."""
    if "seed missing a NOT NULL column" in case.notes:
        return False
    if "row-level security" in error:
        return False  # a policy would hide rows: refused loudly by design (docs/production.md)
    if case.latin1 and "encoding" in error:
        return False  # text LATIN1 cannot hold: refused in one line, nothing inserted
    if "NOT NULL column the config calls nullable" in case.notes and (
            "NOT NULL" in error or "not-null" in error):
        return False
    return True


def add_orphan(target, case, plan) -> bool:
    """Inserts an orphan row into an address table whose FK the plan adds."""
    for parent in plan.get("parents", []):
        for f in parent.get("findings", []):
            if f["kind"] == "foreign_key_missing" and f["severity"] == "change":
                table = table_sql(parent["address_table"], case.dialect)
                for value in ORPHAN_VALUES:
                    if target.execute(case, ["INSERT INTO %s (%s) VALUES (%s)" % (
                            table, quoted(f["column"]), value)]) is None:
                        return True
    return False


def check_case(target, case, workdir: str):
    error = target.fresh(case)
    if error:
        return "invalid"
    before = target.snapshot(case)
    probes_before = target.probe(case, case.probes)
    r = Runner(target, case, workdir)
    rc_plan, plan, err = r.run("plan")
    if rc_plan not in (0, 1):
        raise Failure("plan-exit", "plan exited %d: %s" % (rc_plan, err))
    if "NUL character in a seed value" in case.notes:
        # a config error (naming the NUL, or another problem of the config
        # found first, with its line), before any database is touched
        if rc_plan != 1 or ("NUL character" not in err and ".toml:" not in err):
            raise Failure("nul-accepted", "a seed value with a NUL: plan exited %d: %s" % (rc_plan, err[:200]))
        same_state(target, case, before, "nul-changed")
        return None
    pending = rc_plan == 0 and plan and plan.get("pending")
    mode = case.seed % 4
    if case.use_run:
        rc_apply, doc, err = run_stage(target, case, r, rc_plan)
    elif mode == 1 and pending:
        saved = os.path.join(workdir, "saved.sql")
        r.run("plan", "--out", saved)
        if case.seed % 8 == 1 and add_orphan(target, case, plan):
            drifted = target.snapshot(case)
            rc, _, err = r.run("apply", saved)
            if rc != 2 or "orphan" not in err:
                raise Failure("saved-plan-reason", "apply FILE after an orphan appeared: exit %d, %r"
                              % (rc, err[:300]))
            same_state(target, case, drifted, "saved-plan-changed")
            return None
        rc_apply, doc, err = r.run("apply", saved)
    else:
        rc_apply, doc, err = r.run("apply")
    if case.use_run and rc_apply == 1 and has_finding(plan, "seed_incomplete") and "nothing was applied" in err:
        # the plan said the seed cannot be inserted; run refused before applying
        same_state(target, case, before, "refused-run-changed")
        return None
    if rc_plan == 0 and rc_apply != 0:
        raise Failure("plan-0-apply-failed", err.splitlines()[-1] if err else "exit %d" % rc_apply)
    if rc_apply != 0 and not case.use_run:
        same_state(target, case, before, "failed-apply-changed")
        return None
    if rc_plan != 0:
        return None
    after = target.snapshot(case)
    check_unchanged(target, before, after, touched_tables(plan), set())
    probes_after = target.probe(case, case.probes)
    for probe, was, now in zip(case.probes, probes_before, probes_after):
        broke = was is None and now is not None and not target.allowed_probe_error(now)
        mismatch = now and "mismatch" in now and not (was and "mismatch" in was)
        if broke or mismatch:
            raise Failure("probe", "%s: before apply %s, after: %s" % (
                probe, "it worked" if was is None else "it failed with " + was.splitlines()[0],
                now.splitlines()[0]))
    rc, audit, err = r.run("audit")
    if rc != 0:
        drift = [f["message"] for p in (audit or {}).get("parents", []) for f in p["findings"]
                 if f["severity"] != "info"]
        raise Failure("audit-not-clean", "audit after apply exited %d: %s" % (rc, (drift or [err])[0]))
    if case.use_run or not case.seeds:
        return None
    return check_seeds(target, case, r, plan)


def has_finding(plan, kind: str) -> bool:
    return any(f["kind"] == kind for p in (plan or {}).get("parents", []) for f in p.get("findings", []))


def check_seeds(target, case, r, plan=None):
    rc, first, err = r.run("seed")
    if rc != 0:
        if seeds_valid(case, err) and not has_finding(plan, "seed_incomplete"):
            raise Failure("seed-failed", err.splitlines()[-1] if err else "exit %d" % rc)
        return None
    rc, second, err = r.run("seed")
    if rc != 0 or second.get("parents_inserted") or second.get("addresses_inserted"):
        raise Failure("seed-not-idempotent", "second seed: exit %d, %s %s" % (rc, second, err[:200]))
    rc, report, err = r.run("verify")
    if rc != 0:
        lines = [m for e in (report or {}).get("entries", []) for m in e.get("mismatches", [])]
        # A seed that matched a parent which already had addresses: verify
        # counts those as extra rows by design (seed never deletes them).
        lines = [m for m in lines if not re.search(r": has \d+ address rows, expected \d+$", m)]
        if lines or not report:
            raise Failure("verify-mismatch", str(lines[:1] or err)[:300])
    return None


def run_stage(target, case, r, rc_plan):
    """`run`: every completed stage is reported, in one JSON document, even when a later one fails."""
    history = target.history_count(case)
    rc, doc, err = r.run("run")
    committed = target.history_count(case) > history
    if committed and (not doc or not doc.get("apply", {}).get("applied")):
        raise Failure("run-silent", "run exited %d after committing an apply, stdout: %r" % (rc, doc))
    if rc in (1, 3) and committed and (doc is None or "error" not in doc):
        raise Failure("run-silent", "run exited %d without an error in its JSON" % rc)
    if rc == 0 or not committed:
        return rc, doc, err
    if seeds_valid(case, err):
        raise Failure("run-failed", err.splitlines()[-1] if err else "exit %d" % rc)
    return 0, doc, err
