#!/usr/bin/env python3
"""Fleet benchmark (docs/performance.md, "Fleets"): one `addrmig apply` per
database in a shell loop, the way a user would write it, against
`--targets --jobs 1/2/4`, on 200 SQLite and 50 PostgreSQL databases; and a
3,000-parent apply in batches of 500 on a default-settings server against
psql running the same six transactions.

Run through scripts/bench-fleet.sh, which starts the clusters. Every case
starts from fresh databases (recreated between runs, not measured); cases
alternate so that load from elsewhere hits all alike. Reported: medians of
wall time and the ratio against the shell loop (or psql).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def log(message: str) -> None:
    print(f"bench-fleet: {message}", file=sys.stderr, flush=True)


def config_text(parents: int) -> str:
    body = '[related]\ncolumns = [ { name = "street", type = "text" }, { name = "city", type = "text" } ]\n'
    for i in range(parents):
        body += f'\n[[parents]]\ntable = "p{i}"\ncolumns = [ {{ name = "name", type = "text" }} ]\n'
    return body


def with_db(url: str, db: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + db, parts.query, ""))


def psql(url: str, sql: str) -> None:
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True,
                   stdout=subprocess.DEVNULL)


def timed(cmd: list[str], env: dict | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}: {result.stderr.decode()[-500:]}")
    return elapsed


class Fleet:
    def __init__(self, work: Path, dialect: str, count: int, admin_url: str | None):
        self.work, self.dialect, self.count, self.admin_url = work, dialect, count, admin_url
        self.names = [f"{dialect[:2]}{i:03d}" for i in range(count)]

    def url(self, name: str) -> str:
        if self.dialect == "sqlite":
            return f"sqlite:{self.work / (name + '.db')}"
        return with_db(self.admin_url, name)

    def reset(self) -> None:
        if self.dialect == "sqlite":
            for name in self.names:
                (self.work / (name + ".db")).unlink(missing_ok=True)
            return
        for name in self.names:
            psql(self.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            psql(self.admin_url, f'CREATE DATABASE "{name}"')

    def targets_file(self) -> Path:
        path = self.work / f"{self.dialect}-targets.toml"
        path.write_text("".join(f'[[targets]]\nname = "{n}"\nurl = "{self.url(n)}"\n\n' for n in self.names))
        return path

    def loop_script(self, addrmig: str, config: Path) -> Path:
        path = self.work / f"{self.dialect}-loop.sh"
        urls = " ".join(f"'{self.url(n)}'" for n in self.names)
        path.write_text("#!/bin/sh\nset -e\n"
                        f"for url in {urls}; do\n"
                        f"  ADDRMIG_DATABASE_URL=\"$url\" '{addrmig}' -q -c '{config}' apply\n"
                        "done\n")
        path.chmod(0o755)
        return path


def bench_fleet(addrmig: str, fleet: Fleet, runs: int, rows: list) -> None:
    config = fleet.work / f"{fleet.dialect}-fleet.toml"
    config.write_text(config_text(10))
    targets = fleet.targets_file()
    loop = fleet.loop_script(addrmig, config)
    cases = {"shell loop": [str(loop)]}
    for jobs in (1, 2, 4):
        cases[f"--jobs {jobs}"] = [addrmig, "-q", "-c", str(config), "--targets", str(targets), "--jobs", str(jobs),
                                   "apply"]
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(runs):
        for name, cmd in cases.items():
            fleet.reset()
            times[name].append(timed(cmd))
            log(f"{fleet.dialect} x{fleet.count} {name}: {times[name][-1]:.2f} s (run {run + 1})")
    loop_median = statistics.median(times["shell loop"])
    for name, samples in times.items():
        median = statistics.median(samples)
        rows.append((f"apply, 10 parents, {fleet.count} {fleet.dialect} databases", name, median,
                     loop_median / median))


def batches_script(addrmig: str, config: Path, url: str, batch: int, out: Path) -> None:
    """`plan --sql` of the whole migration, cut into transactions of `batch`
    parents the way `apply --batch-size` cuts it (a statement belongs to the
    parent its comment names)."""
    # --batch-size: unbatched, the plan is blocked (the lock table is too small).
    sql = subprocess.run([addrmig, "-c", str(config), "--database", url, "plan", "--sql", "--batch-size",
                          str(batch)], check=True, capture_output=True, text=True).stdout
    # Each statement follows its comment ("-- create table p12_address",
    # "-- index p12_address.parent_id"), which names its parent.
    statements = re.findall(r"(-- [a-z ]*\bp(\d+)(?:_address)?\b[^\n]*\n(?:(?!-- |BEGIN;|COMMIT;).*\n)+)", sql)
    script, current = [], None
    for text, parent in statements:
        group = int(parent) // batch
        if group != current:
            if current is not None:
                script.append("COMMIT;\n")
            script.append("BEGIN;\n")
            current = group
        script.append(text)
    script.append("COMMIT;\n")
    out.write_text("".join(script))


def bench_batched(addrmig: str, admin_url: str, work: Path, runs: int, rows: list) -> None:
    config = work / "batched.toml"
    config.write_text(config_text(3000))
    url = with_db(admin_url, "batched")

    def fresh():
        psql(admin_url, 'DROP DATABASE IF EXISTS "batched" WITH (FORCE)')
        psql(admin_url, 'CREATE DATABASE "batched"')

    script = work / "batched.sql"
    fresh()
    batches_script(addrmig, config, url, 500, script)
    cases = {
        "addrmig apply --batch-size 500": [addrmig, "-q", "-c", str(config), "--database", url, "apply",
                                           "--batch-size", "500"],
        "psql, the same 6 transactions": ["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-f", str(script)],
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in range(runs):
        for name, cmd in cases.items():
            fresh()
            times[name].append(timed(cmd))
            log(f"3000 parents {name}: {times[name][-1]:.1f} s (run {run + 1})")
    baseline = statistics.median(times["psql, the same 6 transactions"])
    for name, samples in times.items():
        median = statistics.median(samples)
        rows.append(("3,000 parents, default-settings server", name, median, baseline / median))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--addrmig", required=True)
    parser.add_argument("--pg-url", help="admin URL of the cluster for the 50-database fleet")
    parser.add_argument("--default-pg-url", help="admin URL of a default-settings cluster (batched apply)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite", type=int, default=200)
    parser.add_argument("--postgres", type=int, default=50)
    args = parser.parse_args()
    rows: list = []
    with tempfile.TemporaryDirectory(prefix="addrmig-fleet-bench.") as tmp:
        work = Path(tmp)
        bench_fleet(args.addrmig, Fleet(work, "sqlite", args.sqlite, None), args.runs, rows)
        if args.pg_url:
            bench_fleet(args.addrmig, Fleet(work, "postgresql", args.postgres, args.pg_url), args.runs, rows)
        if args.default_pg_url:
            bench_batched(args.addrmig, args.default_pg_url, work, max(1, args.runs // 2), rows)
    print(f"| case | how | median | speed-up vs the baseline (shell loop / psql) |")
    print("|---|---|---|---|")
    for case, how, median, ratio in rows:
        print(f"| {case} | {how} | {median:.2f} s | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
