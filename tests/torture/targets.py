"""Databases the tester grows and reads back independently of addrmig:
SQLite through Python's sqlite3 (sqlite_master, PRAGMA foreign_key_list),
PostgreSQL through psql and pg_dump --schema-only. One database per worker,
reset between cases, so thousands of cases cost no cluster start-ups."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess

HISTORY = "addrmig_history"


class Snapshot:
    def __init__(self, objects: dict, rows: dict, fks: dict, columns: dict):
        self.objects = objects    # (kind, schema, name) -> definition text
        self.rows = rows          # (schema, table) -> list of dict rows
        self.fks = fks            # (schema, table) -> list of fk dicts
        self.columns = columns    # (schema, table) -> [column names]


# ---------------------------------------------------------------- SQLite ----

class SqliteTarget:
    dialect = "sqlite"

    def __init__(self, workdir: str):
        self.path = os.path.join(workdir, "db.sqlite")

    def url(self, case) -> str:
        return "sqlite:" + self.path

    def fresh(self, case) -> str | None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(self.path + suffix):
                os.remove(self.path + suffix)
        con = sqlite3.connect(self.path)
        try:
            for statement in case.setup:
                con.execute(statement)
            con.commit()
        except sqlite3.Error as e:
            return "%s: %s" % (statement, e)
        finally:
            con.close()
        return None

    def execute(self, case, statements) -> str | None:
        con = sqlite3.connect(self.path)
        try:
            for statement in statements:
                con.execute(statement)
            con.commit()
        except sqlite3.Error as e:
            return str(e)
        finally:
            con.close()
        return None

    def snapshot(self, case) -> Snapshot:
        con = sqlite3.connect(self.path)
        con.row_factory = sqlite3.Row
        objects, rows, fks, columns = {}, {}, {}, {}
        for r in con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"):
            objects[(r["type"], "", r["name"])] = r["sql"] or "(auto:%s)" % r["tbl_name"]
            if r["type"] != "table" or r["name"] in ("sqlite_sequence", HISTORY):
                continue
            key = ("", r["name"])
            qn = '"' + r["name"].replace('"', '""') + '"'
            rows[key] = [dict(x) for x in con.execute("SELECT * FROM " + qn)]
            columns[key] = [c["name"] for c in con.execute("PRAGMA table_info(%s)" % qn)]
            fks[key] = [{"from": f["from"], "table": f["table"], "to": f["to"], "on_update": f["on_update"],
                         "on_delete": f["on_delete"], "match": f["match"]}
                        for f in con.execute("PRAGMA foreign_key_list(%s)" % qn)]
        con.close()
        return Snapshot(objects, rows, fks, columns)

    def primary_key(self, table: str) -> list[str]:
        con = sqlite3.connect(self.path)
        qn = '"' + table.replace('"', '""') + '"'
        cols = sorted((c[5], c[1]) for c in con.execute("PRAGMA table_info(%s)" % qn) if c[5])
        con.close()
        return [c for _, c in cols]

    def probe(self, case, statements) -> list[str | None]:
        """Runs each statement with FKs enforced and rolls it back; None = worked."""
        con = sqlite3.connect(self.path, isolation_level=None)
        con.execute("PRAGMA foreign_keys = ON")
        out = []
        for statement in statements:
            con.execute("BEGIN")
            try:
                con.execute(statement)
                out.append(None)
            except sqlite3.Error as e:
                out.append(str(e))
            con.execute("ROLLBACK")
        con.close()
        return out

    def history_count(self, case) -> int:
        con = sqlite3.connect(self.path)
        try:
            return con.execute("SELECT count(*) FROM " + HISTORY).fetchone()[0]
        except sqlite3.Error:
            return 0
        finally:
            con.close()

    def names_equal(self, a: str, b: str) -> bool:
        return a.lower() == b.lower()

    def allowed_probe_error(self, error: str) -> bool:
        # A constraint doing its job; "foreign key mismatch" is a broken schema.
        return "constraint failed" in error


# ------------------------------------------------------------ PostgreSQL ----

RESET = r"""
DO $$DECLARE s text; BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
  LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END$$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
"""

ROWS = r"""
SELECT format('SELECT %L, %L, coalesce(json_agg(to_jsonb(t))::text, ''[]'') FROM %I.%I t',
              n.nspname, c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
  AND c.relname <> 'addrmig_history' AND NOT c.relispartition
\gexec
SELECT '#fk', n.nspname, c.relname, json_build_object(
  'name', k.conname,
  'from', (SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)),
  'schema', fn.nspname, 'table', f.relname,
  'to', (SELECT json_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = k.confrelid AND a.attnum = ANY (k.confkey)),
  'on_update', k.confupdtype, 'on_delete', k.confdeltype, 'match', k.confmatchtype,
  'deferrable', k.condeferrable, 'deferred', k.condeferred)::text
FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class f ON f.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
WHERE k.contype = 'f';
SELECT '#col', n.nspname, c.relname, json_agg(a.attname ORDER BY a.attnum)::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema' GROUP BY 1, 2, 3;
"""


class PostgresTarget:
    dialect = "postgres"

    def __init__(self, workdir: str, admin_url: str, worker: int):
        self.admin_url = admin_url
        self.db = "torture_%d" % worker
        self.role = "torture_app_%d" % worker
        self.password = "pw%d" % worker
        self.base = admin_url.rsplit("/", 1)[0]
        self.host = self.base.split("@", 1)[1]
        self.latin1 = False  # set per case by fresh(): which of the two databases
        self.env = dict(os.environ, PGCONNECT_TIMEOUT="10", PGCLIENTENCODING="UTF8")
        # A UTF-8 database and a LATIN1 one (a production server's encoding).
        self.psql(admin_url, "DROP DATABASE IF EXISTS %s;\nCREATE DATABASE %s;\n"
                             "DROP DATABASE IF EXISTS %s_l1;\nCREATE DATABASE %s_l1 ENCODING 'LATIN1' "
                             "LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;\n"
                             "DROP ROLE IF EXISTS %s;\nCREATE ROLE %s LOGIN PASSWORD '%s';" % (
                                 self.db, self.db, self.db, self.db, self.role, self.role, self.password))

    @property
    def database(self) -> str:
        return self.db + ("_l1" if self.latin1 else "")

    @property
    def super_url(self) -> str:
        return self.base + "/" + self.database

    @property
    def app_url(self) -> str:
        return "postgresql://%s:%s@%s/%s" % (self.role, self.password, self.host, self.database)

    def psql(self, url: str, script: str, check=True) -> subprocess.CompletedProcess:
        p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url],
                           input=script, capture_output=True, text=True, env=self.env)
        if check and p.returncode != 0:
            raise RuntimeError("psql: " + p.stderr.strip())
        return p

    def url(self, case) -> str:
        return self.app_url if case.low_privilege else self.super_url

    def fresh(self, case) -> str | None:
        self.latin1 = case.latin1
        script = ["SET client_min_messages = warning;", RESET,
                  "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_foreign_data_wrapper WHERE fdwname='torture_fdw') "
                  "THEN CREATE FOREIGN DATA WRAPPER torture_fdw; CREATE SERVER torture_srv FOREIGN DATA WRAPPER "
                  "torture_fdw; END IF; END$$;",
                  "GRANT USAGE ON FOREIGN SERVER torture_srv TO %s;" % self.role]
        if case.low_privilege:
            script += ["CREATE SCHEMA app AUTHORIZATION %s;" % self.role, "SET ROLE %s;" % self.role,
                       "SET search_path = app;"]
        script += [s + ";" for s in case.setup]
        p = self.psql(self.super_url, "\n".join(script), check=False)
        return None if p.returncode == 0 else p.stderr.strip()

    def execute(self, case, statements) -> str | None:
        script = ("SET ROLE %s;\n" % self.role if case.low_privilege else "") + \
            "BEGIN;\n" + "\n".join(s + ";" for s in statements) + "\nCOMMIT;\n"
        p = self.psql(self.super_url, script, check=False)
        return None if p.returncode == 0 else p.stderr.strip()

    def snapshot(self, case) -> Snapshot:
        dump = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "-d", self.super_url],
                              capture_output=True, text=True, env=self.env)
        if dump.returncode != 0:
            raise RuntimeError("pg_dump: " + dump.stderr.strip())
        objects = parse_pg_dump(dump.stdout)
        out = self.psql(self.super_url, ROWS).stdout
        rows, fks, columns = {}, {}, {}
        for line in out.splitlines():
            parts = line.split("|", 3)
            if len(parts) == 3:
                rows[(parts[0], parts[1])] = json.loads(parts[2])
            elif parts[0] == "#fk":
                fks.setdefault((parts[1], parts[2]), []).append(json.loads(parts[3]))
            elif parts[0] == "#col":
                columns[(parts[1], parts[2])] = json.loads(parts[3])
        return Snapshot(objects, rows, fks, columns)

    def probe(self, case, statements) -> list[str | None]:
        """Each statement in a DO block that always rolls it back and reports
        how it ended as a NOTICE: one psql for all probes."""
        script = "SET ROLE %s;\nSET search_path = app, public;\n" % self.role if case.low_privilege else ""
        for n, statement in enumerate(statements):
            script += ("DO $probe$ BEGIN %s; RAISE EXCEPTION 'probe-ok'; EXCEPTION WHEN OTHERS THEN "
                       "RAISE NOTICE 'probe %d: %%', SQLERRM; END $probe$;\n" % (statement, n))
        p = subprocess.run(["psql", "-X", "-q", "-At", "-d", self.super_url], input=script,
                           capture_output=True, text=True, env=self.env)
        out = [None] * len(statements)
        for line in p.stderr.splitlines():
            m = re.match(r"(?:psql:.*?)?NOTICE:  probe (\d+): (.*)$", line)
            if m and m.group(2) != "probe-ok":
                out[int(m.group(1))] = m.group(2)
        return out

    def history_count(self, case) -> int:
        p = self.psql(self.super_url, "SELECT count(*) FROM (SELECT 1 FROM pg_class WHERE relname = '%s') c;"
                      % HISTORY)
        if p.stdout.strip() == "0":
            return 0
        p = self.psql(self.super_url, "SELECT format('SELECT count(*) FROM %%I.%%I', n.nspname, c.relname) "
                      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE relname = '%s'\n\\gexec\n"
                      % HISTORY)
        return sum(int(x) for x in p.stdout.split())

    def primary_key(self, table: str) -> list[str]:
        return []

    def names_equal(self, a: str, b: str) -> bool:
        return a == b

    def allowed_probe_error(self, error: str) -> bool:
        return any(w in error for w in ("violates foreign key", "violates not-null", "violates check",
                                        "violates unique", "permission denied"))


HEADER = re.compile(r"^-- Name: (.*); Type: (.*); Schema: (.*); Owner: .*$")


def parse_pg_dump(text: str) -> dict:
    """pg_dump --schema-only as {(type, schema, name): statement text}."""
    objects, key, body = {}, None, []
    for line in text.splitlines():
        m = HEADER.match(line)
        if m:
            if key:
                objects[key] = "\n".join(body).strip()
            key, body = (m.group(2), m.group(3), m.group(1)), []
        elif key and line.strip() and not line.startswith(("--", "SET ", "\\restrict", "\\unrestrict")):
            body.append(line)
    if key:
        objects[key] = "\n".join(body).strip()
    return objects
