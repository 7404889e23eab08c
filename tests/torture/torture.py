#!/usr/bin/env python3
"""Generative tester for addrmig (issue #11), in the way of SQLancer/sqlsmith.

  torture.py --dialect sqlite|postgres --seconds N [--seed S] [--jobs J]
  torture.py --dialect D --seeds 1,2,3          a fixed set (the ctest suite)
  torture.py --replay FIXTURE.json [...]        re-check saved failures

Grows a database per case from grammar.py, runs the real binary ($ADDRMIG),
checks the properties (props.py, flow.py), shrinks a failure to a minimal case
and saves it under --fixtures as JSON plus a readable SQL script and config.
PostgreSQL: --pg-url of a running cluster's superuser (scripts/torture.sh
starts one); each worker owns one database, reset between cases.
The last line is always `N schemas, N failures`.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from case import Case, render_config  # noqa: E402
from flow import check_case  # noqa: E402
from grammar import grow  # noqa: E402
from props import Failure  # noqa: E402
from targets import PostgresTarget, SqliteTarget  # noqa: E402


def make_target(dialect, workdir, pg_url, worker):
    if dialect == "sqlite":
        return SqliteTarget(workdir)
    return PostgresTarget(workdir, pg_url, worker)


def outcome(target, case, workdir):
    try:
        return check_case(target, case, workdir)
    except Failure as f:
        return f
    except Exception:  # the tester itself, or the binary vanished: report, keep going
        return Failure("tester-error", traceback.format_exc(limit=3))


def shrink(target, case: Case, failure: Failure, workdir: str, budget: float) -> Case:
    """Greedy delta debugging: drop parts while the same kind of failure remains."""
    deadline = time.time() + budget

    def still_fails(candidate):
        if time.time() > deadline:
            return False
        result = outcome(target, candidate, workdir)
        return isinstance(result, Failure) and result.kind == failure.kind

    def try_lists(current, field):
        items = getattr(current, field)
        i = len(items) - 1
        while i >= 0:
            candidate = Case.from_json(current.to_json())
            del getattr(candidate, field)[i]
            if field == "parents":
                gone = current.parents[i].table
                candidate.seeds = [s for s in candidate.seeds if s.parent != gone]
            if still_fails(candidate):
                current = candidate
            i -= 1
            i = min(i, len(getattr(current, field)) - 1)
        return current

    current = case
    for _ in range(2):
        for field in ("parents", "seeds", "probes", "setup", "related"):
            current = try_lists(current, field)
    return current


def save_fixture(case: Case, failure: Failure, fixtures: str, url_hint: str) -> str:
    os.makedirs(fixtures, exist_ok=True)
    stem = os.path.join(fixtures, "%s-%s-%d" % (case.dialect, failure.kind, case.seed))
    with open(stem + ".json", "w", encoding="utf-8") as f:
        f.write(case.to_json())
    with open(stem + ".sql", "w", encoding="utf-8") as f:
        f.write("-- %s\n-- found by torture.py --dialect %s --seed %d\n" % (failure, case.dialect, case.seed))
        f.write("".join(s + ";\n" for s in case.setup))
    with open(stem + ".toml", "w", encoding="utf-8") as f:
        f.write(render_config(case, url_hint))
    return stem


def worker(args, index, seeds, queue):
    workdir = tempfile.mkdtemp(prefix="torture-%d-" % index)
    target = make_target(args.dialect, workdir, args.pg_url, index)
    deadline = time.time() + args.seconds if args.seconds else None
    schemas = failures = invalid = 0
    kinds = {}
    # SIGINT/SIGTERM end the run after the current case, with its summary.
    stop = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.append(True))
    for seed in seeds:
        if stop or (deadline and time.time() > deadline):
            break
        case = Case.from_json(open(seed).read()) if isinstance(seed, str) else grow(args.dialect, seed)
        result = outcome(target, case, workdir)
        if result == "invalid":
            invalid += 1
            continue
        schemas += 1
        if isinstance(result, Failure):
            failures += 1
            kinds[result.kind] = kinds.get(result.kind, 0) + 1
            line = "FAIL seed %s: %s" % (case.seed, str(result)[:400])
            if not isinstance(seed, str) and args.fixtures and kinds[result.kind] <= args.shrink_per_kind:
                small = shrink(target, case, result, workdir, args.shrink_seconds)
                line += "\n  shrunk to " + save_fixture(small, result, args.fixtures, target.url(small))
            queue.put(("line", line))
        if schemas % 250 == 0:
            queue.put(("line", "progress: worker %d: %d schemas, %d failures" % (index, schemas, failures)))
    queue.put(("done", (schemas, failures, invalid, kinds)))


def seed_stream(start, index, jobs):
    n = start + index
    while True:
        yield n
        n += jobs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dialect", choices=["sqlite", "postgres"], required=True)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--seed", type=int, default=int(time.time()) % 1000000)
    ap.add_argument("--seeds", default="", help="comma-separated fixed seeds")
    ap.add_argument("--count", type=int, default=0, help="stop after this many seeds")
    ap.add_argument("--seeds-file", default="", help="a file of fixed seeds (whitespace or commas)")
    ap.add_argument("--replay", nargs="*", default=[], help="saved fixtures (those of --dialect run)")
    ap.add_argument("--pg-url-file", default="")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--pg-url", default=os.environ.get("TORTURE_PG_URL", ""))
    ap.add_argument("--fixtures", default="")
    ap.add_argument("--shrink-seconds", type=float, default=60)
    ap.add_argument("--shrink-per-kind", type=int, default=1)
    args = ap.parse_args()
    if args.pg_url_file and not args.pg_url and args.dialect == "postgres":
        args.pg_url = open(args.pg_url_file).read().strip()
    if args.dialect == "postgres" and not args.pg_url:
        ap.error("--pg-url, --pg-url-file or TORTURE_PG_URL is needed for postgres")
    started = time.time()
    jobs = max(1, args.jobs)
    fixed = [int(s) for s in args.seeds.split(",") if s.strip()]
    if args.seeds_file:
        fixed += [int(s) for s in open(args.seeds_file).read().replace(",", " ").split()]
    fixed += [f for f in args.replay if os.path.basename(f).startswith(args.dialect + "-")]
    if fixed or args.replay:
        work = [fixed[i::jobs] for i in range(jobs)]
    elif args.count:
        work = [list(range(args.seed + i, args.seed + args.count, jobs)) for i in range(jobs)]
    else:
        args.seconds = args.seconds or 10
        work = [seed_stream(args.seed, i, jobs) for i in range(jobs)]
    print("torture: dialect %s, first seed %d, %d worker(s)" % (args.dialect, args.seed, len(work)), flush=True)
    queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(args, i, w, queue)) for i, w in enumerate(work)]
    for p in procs:
        p.start()
    # A signal to this process alone reaches the workers too.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: [os.kill(p.pid, signal.SIGTERM) for p in procs if p.is_alive()])
    done, total = 0, [0, 0, 0, {}]
    while done < len(procs):
        kind, payload = queue.get()
        if kind == "line":
            print(payload, flush=True)
        else:
            done += 1
            for i in range(3):
                total[i] += payload[i]
            for k, v in payload[3].items():
                total[3][k] = total[3].get(k, 0) + v
    for p in procs:
        p.join()
    elapsed = time.time() - started
    if total[3]:
        print("failure kinds: " + ", ".join("%s %d" % kv for kv in sorted(total[3].items())))
    per = elapsed / total[0] * 1000 if total[0] else 0
    print("%.0f s, %.0f ms per schema, %d grown SQL the database refused (not counted)" % (elapsed, per, total[2]))
    print("%d schemas, %d failures" % (total[0], total[1]))
    return 1 if total[1] else 0


if __name__ == "__main__":
    sys.exit(main())
