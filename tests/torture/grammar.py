"""The grammar of hand-grown databases, per dialect.

Each case picks 1-3 parents. A parent is a table with a key of some kind
(integer/bigint/text/uuid primary key, composite primary key plus a unique
column, unique/partial/expression/collated unique index, mixed-case key
column), or missing (created from the config), or a name held by something
that is not a table (view, materialized view, foreign table, sequence). Its
address table is missing or present with random drift: columns missing or
spelled in another case, an FK column of another type or nullable with NULLs,
no FK, an FK with another ON DELETE / target / ON UPDATE / DEFERRABLE, orphan
rows, no index, extra columns, CHECK constraints, views over it with INSTEAD OF
triggers, ordinary triggers. Seeds use every portable type. Names are plain,
mixed-case, reserved words or Unicode.
"""
from __future__ import annotations

import random

from case import Case, Col, Parent, Seed

PARENT_NAMES = ["customer", "supplier", "Account", "order", "user", "group", "Kunde_Ü",
                "顧客", "my parent", "Select", "vendor", "CamelCase"]
RELATED_COLS = [("street", "text"), ("city", "text"), ("zip", "varchar(10)"),
                ("Line2", "text"), ("country", "text")]
FK_NAMES = ["parent_id", "owner_id", "Parent_Ref"]
ON_DELETE = ["cascade", "restrict", "no action"]

# portable type -> (sqlite DDL, postgres DDL)
TYPES = {
    "text": ("TEXT", "text"),
    "varchar(10)": ("VARCHAR(10)", "varchar(10)"),
    "integer": ("INTEGER", "integer"),
    "bigint": ("BIGINT", "bigint"),
    "boolean": ("BOOLEAN", "boolean"),
    "real": ("REAL", "real"),
    "double": ("DOUBLE", "double precision"),
    "numeric(10,2)": ("NUMERIC(10,2)", "numeric(10,2)"),
    "date": ("DATE", "date"),
    "timestamp": ("TIMESTAMP", "timestamp"),
    "uuid": ("UUID", "uuid"),
}
# How people spell the portable types in SQLite (same affinity).
SQLITE_SPELLINGS = {"text": "VARCHAR(255)", "integer": "INT", "boolean": "BOOL",
                    "timestamp": "DATETIME", "double": "FLOAT", "numeric(10,2)": "DECIMAL(10,2)"}
VALUE_TYPES = ["text", "varchar(10)", "integer", "bigint", "boolean", "double",
               "numeric(10,2)", "date", "timestamp", "uuid"]


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str) and value.startswith("dec:"):
        return value[4:]
    return "'" + str(value).replace("'", "''") + "'"


def seed_value(rng: random.Random, portable: str, serial: int):
    """A seed value of a portable type; `serial` keeps it distinct from other rows."""
    if portable in ("text", "varchar(10)"):
        pool = ["", "Ünïcödé %d" % serial, "O'Brien %d" % serial, "名前%d" % serial,
                "a;b--%d" % serial, "x%d" % serial]
        v = rng.choice(pool)
        return v[:10] if portable == "varchar(10)" else v
    if portable in ("integer", "bigint"):
        return rng.choice([serial + 1000, -serial - 7, 2**40 + serial if portable == "bigint" else serial])
    if portable == "boolean":
        return rng.choice([True, False])
    if portable in ("real", "double"):
        return rng.choice([0.5 + serial, 1.25, -3.0])
    if portable == "numeric(10,2)":
        return rng.choice(["dec:0.1", "dec:12.34", "dec:%d.5" % serial, "dec:0.3"])
    if portable == "date":
        return "2024-02-%02d" % (1 + serial % 28)
    if portable == "timestamp":
        return "2024-03-01 12:%02d:00" % (serial % 60)
    if portable == "uuid":
        return "00000000-0000-4000-8000-%012d" % serial
    raise ValueError(portable)


class Grower:
    """Grows one case; dialect differences are small and explicit."""

    def __init__(self, dialect: str, seed: int):
        self.d = dialect
        self.rng = random.Random(seed)
        self.case = Case(dialect=dialect, seed=seed, setup=[])
        self.serial = 0
        self.pg = dialect == "postgres"

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def ddl_type(self, portable: str) -> str:
        return TYPES[portable][1 if self.pg else 0]

    def note(self, feature: str):
        if feature not in self.case.notes:
            self.case.notes.append(feature)

    def sql(self, statement: str):
        self.case.setup.append(statement)

    def qualified(self, schema: str, name: str) -> str:
        return q(schema) + "." + q(name) if schema else q(name)

    # ------------------------------------------------------------- case ----

    def grow(self) -> Case:
        rng, c = self.rng, self.case
        c.related_name = rng.choice(["address", "address", "Adresse", "addr"])
        c.fk = rng.choice(FK_NAMES)
        c.on_delete = rng.choice(ON_DELETE)
        cols = rng.sample(RELATED_COLS, rng.randint(1, 3))
        c.related = [Col(n, t, rng.random() < 0.6) for n, t in cols]
        schemas = [""]
        if self.pg:
            if rng.random() < 0.1:
                c.latin1 = True
                self.note("LATIN1 database")
            if rng.random() < 0.25:
                c.low_privilege = True
                self.note("low-privilege role owning its schema")
            schemas = ["public"] + (["sales", "Ventes"] if rng.random() < 0.4 and not c.low_privilege else [])
            for s in schemas[1:]:
                self.sql("CREATE SCHEMA %s" % q(s))
                self.note("several schemas")
        names = rng.sample(PARENT_NAMES, rng.randint(1, 3))
        for name in names:
            schema = rng.choice(schemas)
            if c.low_privilege:
                schema = "app"
            self.grow_parent(name, "" if schema == "public" else schema)
        if rng.random() < 0.2:
            c.use_run = True
        return c

    # ----------------------------------------------------------- parents ----

    def grow_parent(self, name: str, schema: str):
        rng = self.rng
        kind = rng.choices(
            ["int_pk", "autoinc", "bigint_pk", "text_pk", "uuid_pk", "composite", "unique_ext",
             "collated", "partial", "expression", "case_key", "missing", "not_a_table",
             "without_rowid", "deferrable_unique"],
            weights=[8, 3, 3, 3, 2, 3, 4, 3, 2, 2, 3, 5, 4, 2, 2])[0]
        if self.pg and kind in ("autoinc", "without_rowid"):
            kind = "int_pk"
        if not self.pg and kind == "deferrable_unique":
            kind = "unique_ext"
        self.note("parent:" + kind)
        parent = Parent(table=name, schema=schema)
        self.case.parents.append(parent)
        ref = self.qualified(schema, name)
        extra = [Col("name", "text", False)]
        for portable in rng.sample(VALUE_TYPES, rng.randint(0, 3)):
            extra.append(Col("c_" + portable.split("(")[0], portable, rng.random() < 0.5))
        if kind == "missing":
            parent.columns = extra
            self.grow_address(parent, ref, key=("id", "integer"), ref_cols=["id"], rows=[])
            self.grow_seed(parent, extra, key=None)
            return
        if kind == "not_a_table":
            parent.columns = extra
            self.not_a_table(ref, schema, name)
            return
        key_col, key_type, key_ddl, tail, config_key, ref_cols = self.key_shape(kind)
        cols_ddl = [key_ddl] + ["%s %s%s" % (q(c.name), self.ddl_type(c.type),
                                            "" if c.nullable else " NOT NULL") for c in extra]
        if tail:
            cols_ddl.append(tail)
        suffix = " WITHOUT ROWID" if kind == "without_rowid" else ""
        self.sql("CREATE TABLE %s (%s)%s" % (ref, ", ".join(cols_ddl), suffix))
        if kind == "collated":
            self.sql("CREATE UNIQUE INDEX %s ON %s (%s COLLATE %s)" % (
                q(name + "_code_uq"), ref, q(key_col), "NOCASE" if not self.pg else '"C"'))
        if kind == "partial":
            self.sql("CREATE UNIQUE INDEX %s ON %s (%s) WHERE %s IS NOT NULL" % (
                q(name + "_ext_uq"), ref, q(key_col), q(key_col)))
        if kind == "expression":
            self.sql("CREATE UNIQUE INDEX %s ON %s (lower(%s))" % (q(name + "_code_lq"), ref, q(key_col)))
        parent.key = config_key
        rows = []
        for i in range(self.rng.randint(0, 3)):
            s = self.next_serial()
            kv = self.key_value(key_type, s)
            row = {key_col: kv, "name": "existing %d" % s}
            if kind in ("composite", "unique_ext", "deferrable_unique", "collated", "partial",
                        "expression", "case_key"):
                row["id"] = s
            if kind in ("unique_ext", "deferrable_unique"):
                row[key_col] = s ^ 1   # ext values that are other rows' ids
            if kind == "composite":
                row["b"] = 1
            for c in extra[1:]:
                if not c.nullable:
                    row[c.name] = seed_value(self.rng, c.type, s)
            self.sql("INSERT INTO %s (%s) VALUES (%s)" % (
                ref, ", ".join(q(k) for k in row), ", ".join(lit(v) for v in row.values())))
            rows.append(row)
        if self.pg and rows:
            # rows were given explicit ids: move serial sequences past them
            for col in ("id", "ID", "Id"):
                if any(col in r for r in rows) and ("serial" in cols_ddl[0] or col == "id"):
                    self.sql("SELECT setval(pg_get_serial_sequence('%s', '%s'), 100000) WHERE "
                             "pg_get_serial_sequence('%s', '%s') IS NOT NULL" % (
                                 ref.replace("'", "''"), col,
                                 ref.replace("'", "''"), col))
        if self.rng.random() < 0.3:
            self.note("trigger on parent")
            self.sql(self.parent_trigger(ref, name, schema))
        if self.rng.random() < 0.3:
            self.note("view on parent")
            self.sql("CREATE VIEW %s AS SELECT * FROM %s" % (self.qualified(schema, name + "_v"), ref))
        self.probes_for_parent(ref)
        self.grow_address(parent, ref, key=(key_col, key_type), ref_cols=ref_cols, rows=rows,
                          alt_unique=("id" if kind in ("unique_ext", "deferrable_unique") else None))
        key = None if kind in ("int_pk", "autoinc") else (key_col, key_type)
        if kind in ("unique_ext", "deferrable_unique") and parent.key is None:
            key = None
        self.grow_seed(parent, extra, key=key, composite=(kind == "composite"))

    def key_value(self, key_type: str, s: int):
        if key_type in ("integer", "bigint"):
            return s + (10**10 if key_type == "bigint" else 0)
        if key_type == "uuid":
            return "00000000-0000-4000-8000-%012d" % (900000 + s)
        return "K-%d" % s

    def key_shape(self, kind):
        """(key column, its portable type, its DDL, table tail, config key, FK ref columns)."""
        integer = self.ddl_type("integer")
        pk_int = "serial" if self.pg else integer   # a generated surrogate id
        if kind == "int_pk":
            col = self.rng.choice(["id", "ID", "Id"])
            return col, "integer", "%s %s PRIMARY KEY" % (q(col), "INTEGER" if not self.pg else "serial"), "", None, [col]
        if kind == "autoinc":
            return "id", "integer", '"id" INTEGER PRIMARY KEY AUTOINCREMENT', "", None, ["id"]
        if kind == "bigint_pk":
            return "id", "bigint", '"id" %s PRIMARY KEY' % self.ddl_type("bigint"), "", None, ["id"]
        if kind in ("text_pk", "without_rowid"):
            return "code", "text", '"code" TEXT PRIMARY KEY', "", None, ["code"]
        if kind == "uuid_pk":
            return "uid", "uuid", '"uid" %s PRIMARY KEY' % self.ddl_type("uuid"), "", None, ["uid"]
        if kind == "composite":
            return ("a", "integer", '"a" %s NOT NULL, "b" %s NOT NULL, "id" %s UNIQUE' % (integer, integer, integer),
                    'PRIMARY KEY ("a", "b")', "id", ["id"])
        if kind == "unique_ext":
            return "ext", "integer", '"id" %s PRIMARY KEY, "ext" %s UNIQUE' % (pk_int, integer), "", \
                self.rng.choice([None, "ext"]), ["ext"]
        if kind == "deferrable_unique":
            return "ext", "integer", '"id" %s PRIMARY KEY, "ext" %s' % (pk_int, integer), \
                'CONSTRAINT "ext_uq" UNIQUE ("ext") DEFERRABLE', "ext", ["ext"]
        if kind == "collated":
            return "code", "text", '"id" %s PRIMARY KEY, "code" TEXT NOT NULL' % pk_int, "", "code", ["code"]
        if kind == "partial":
            return "ext", "integer", '"id" %s PRIMARY KEY, "ext" %s' % (pk_int, integer), "", "ext", ["ext"]
        if kind == "expression":
            return "code", "text", '"id" %s PRIMARY KEY, "code" TEXT' % pk_int, "", "code", ["code"]
        if kind == "case_key":
            return "CODE", "text", '"id" %s PRIMARY KEY, "CODE" TEXT UNIQUE' % pk_int, "", \
                ("code" if not self.pg else "CODE"), ["CODE"]
        raise ValueError(kind)

    def not_a_table(self, ref: str, schema: str, name: str):
        kinds = ["view"] + (["matview", "foreign", "sequence", "domain"] if self.pg else [])
        kind = self.rng.choice(kinds)
        self.note("parent name held by " + kind)
        if kind == "view":
            self.sql("CREATE VIEW %s AS SELECT 1 AS id, 'x' AS name" % ref)
        elif kind == "matview":
            self.sql("CREATE MATERIALIZED VIEW %s AS SELECT 1 AS id, 'x' AS name" % ref)
        elif kind == "domain":
            self.sql("CREATE DOMAIN %s AS integer" % ref)
        elif kind == "foreign":
            self.sql("CREATE FOREIGN TABLE %s (id integer, name text) SERVER torture_srv" % ref)
        else:
            self.sql("CREATE SEQUENCE %s" % ref)

    def parent_trigger(self, ref: str, name: str, schema: str) -> str:
        if self.pg:
            fn = self.qualified(schema, name + "_touch")
            self.sql("CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$" % fn)
            return "CREATE TRIGGER %s BEFORE UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION %s()" % (
                q(name + "_trg"), ref, fn)
        return "CREATE TRIGGER %s AFTER UPDATE ON %s BEGIN SELECT 1; END" % (q(name + "_trg"), ref)

    def probes_for_parent(self, ref: str):
        self.case.probes.append("DELETE FROM %s" % ref)
        self.case.probes.append('UPDATE %s SET "name" = "name"' % ref)

    # ----------------------------------------------------------- address ----

    def address_ref(self, parent: Parent) -> tuple[str, str]:
        name = parent.table + "_" + self.case.related_name
        return self.qualified(parent.schema, name), name

    def fk_clause(self, parent_ref: str, ref_cols, alt_unique):
        """An FK on the address table as a user may have written it."""
        rng = self.rng
        target = ref_cols
        if alt_unique and rng.random() < 0.5:
            target = [alt_unique]
            self.note("FK to another unique column")
        on_delete = rng.choice(["CASCADE", "RESTRICT", "NO ACTION", "SET NULL"])
        clause = "REFERENCES %s (%s) ON DELETE %s" % (parent_ref, ", ".join(q(c) for c in target), on_delete)
        if rng.random() < 0.4:
            clause += " ON UPDATE CASCADE"
            self.note("FK ON UPDATE")
        if rng.random() < 0.3:
            clause += " DEFERRABLE INITIALLY DEFERRED"
            self.note("FK DEFERRABLE")
        return clause, target

    def grow_address(self, parent: Parent, parent_ref: str, key, ref_cols, rows, alt_unique=None):
        rng, c = self.rng, self.case
        ref, name = self.address_ref(parent)
        if rng.random() < 0.08:
            # another table's index holds the name addrmig gives the FK index
            other = self.qualified(parent.schema, name + "_other")
            self.sql("CREATE TABLE %s (x integer)" % other)
            self.sql("CREATE INDEX %s ON %s (x)" % (q(name + "_" + c.fk + "_idx"), other))
            self.note("FK index name held by another relation")
        if rng.random() < 0.35:
            return
        self.note("address table present")
        key_col, key_type = key
        cols = ['"id" %s PRIMARY KEY' % ("INTEGER" if not self.pg else "serial")]
        present = []
        for col in c.related:
            if rng.random() < 0.75:
                spelled = col.name
                if not self.pg and rng.random() < 0.3:
                    spelled = col.name.swapcase()
                    self.note("column in another case")
                nullable = col.nullable if rng.random() < 0.8 else not col.nullable
                if col.nullable and not nullable:
                    self.note("NOT NULL column the config calls nullable")
                ddl = self.ddl_type(col.type)
                if not self.pg and col.type in SQLITE_SPELLINGS and rng.random() < 0.3:
                    ddl = SQLITE_SPELLINGS[col.type]
                    self.note("SQLite type spelled another way")
                cols.append("%s %s%s" % (q(spelled), ddl, "" if nullable else " NOT NULL"))
                present.append(spelled)
        if rng.random() < 0.2:
            cols.append('"note" TEXT')
            self.note("extra column")
        fk_present = rng.random() < 0.85
        fk_target = ref_cols
        fk_spelled = c.fk
        null_ok = constrained = False
        if fk_present:
            if not self.pg and rng.random() < 0.2:
                fk_spelled = c.fk.swapcase()
                self.note("FK column in another case")
            fk_type = key_type
            if rng.random() < 0.08:
                fk_type = "text" if key_type != "text" else "integer"
                self.note("FK column of another type")
            null_ok = rng.random() < 0.3
            col = "%s %s%s" % (q(fk_spelled), self.ddl_type(fk_type), "" if null_ok else " NOT NULL")
            constrained = rng.random() < 0.7 and not (self.pg and alt_unique is None and ref_cols == ["ext"])
            if constrained:
                clause, fk_target = self.fk_clause(parent_ref, ref_cols, alt_unique)
                col += " " + clause
                self.note("FK present")
            cols.append(col)
        if rng.random() < 0.15:
            cols.append('CHECK ("id" > 0)')
            self.note("CHECK constraint")
        if self.pg and rng.random() < 0.08:
            cols.append('CONSTRAINT %s CHECK ("id" > 0)' % q(name + "_" + c.fk + "_fkey"))
            self.note("CHECK constraint with the FK's name")
        self.sql("CREATE TABLE %s (%s)" % (ref, ", ".join(cols)))
        if fk_present and rng.random() < 0.5:
            self.sql("CREATE INDEX %s ON %s (%s)" % (q(name + "_fk_i"), ref, q(fk_spelled)))
        # rows: children of existing parents, sometimes orphans and NULLs
        if fk_present and rows is not None:
            for i in range(rng.randint(0, 3)):
                s = self.next_serial()
                if rows and rng.random() < 0.85:
                    value = rows[rng.randrange(len(rows))][fk_target[0]]
                elif null_ok and rng.random() < 0.5:
                    value = None
                    self.note("NULL FK value")
                elif self.pg and constrained:
                    continue
                else:
                    value = self.key_value(key_type, 500 + s)
                    self.note("orphan row")
                vals = {fk_spelled: value}
                for p in present:
                    vals[p] = "ex%d" % s
                self.sql("INSERT INTO %s (%s) VALUES (%s)" % (
                    ref, ", ".join(q(k) for k in vals), ", ".join(lit(v) for v in vals.values())))
        if self.pg and rng.random() < 0.06:
            # a policy that hides half the rows, forced on the owner too (the
            # low-privilege role owns its tables; a superuser bypasses it)
            self.sql("ALTER TABLE %s ENABLE ROW LEVEL SECURITY" % ref)
            self.sql("ALTER TABLE %s FORCE ROW LEVEL SECURITY" % ref)
            self.sql("CREATE POLICY %s ON %s USING (\"id\" %% 2 = 0)" % (q(name + "_even"), ref))
            self.note("row-level security policy on the address table")
        if self.pg and rng.random() < 0.05:
            self.sql("CREATE TABLE %s (note2 text) INHERITS (%s)" % (
                self.qualified(parent.schema, name + "_archive"), ref))
            self.note("inheritance child of the address table")
        if self.pg and constrained and rng.random() < 0.08:
            self.sql("ALTER TABLE %s ADD CONSTRAINT %s FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE %s" % (
                ref, q(name + "_second_fk"), q(fk_spelled), parent_ref, ", ".join(q(x) for x in fk_target),
                rng.choice(["CASCADE", "RESTRICT", "NO ACTION"])))
            self.note("second FK on the FK column")
        if rng.random() < 0.35:
            self.grow_view(ref, parent.schema, name, present)
        if not self.pg and rng.random() < 0.2:
            self.note("trigger on address table")
            self.sql("CREATE TRIGGER %s AFTER INSERT ON %s BEGIN SELECT 1; END" % (q(name + "_ai"), ref))

    def grow_view(self, ref: str, schema: str, name: str, present):
        view = self.qualified(schema, name + "_view")
        self.note("view over address table")
        self.sql("CREATE VIEW %s AS SELECT * FROM %s" % (view, ref))
        if self.rng.random() < 0.6 and present:
            self.note("INSTEAD OF trigger")
            col = present[0]
            if self.pg:
                fn = self.qualified(schema, name + "_vins")
                self.sql("CREATE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$" % fn)
                self.sql("CREATE TRIGGER %s INSTEAD OF INSERT ON %s FOR EACH ROW EXECUTE FUNCTION %s()" % (
                    q(name + "_vins"), view, fn))
            else:
                self.sql("CREATE TRIGGER %s INSTEAD OF INSERT ON %s BEGIN SELECT 1; END" % (
                    q(name + "_vins"), view))
            self.case.probes.append("INSERT INTO %s (%s) VALUES ('probe')" % (view, q(col)))

    # -------------------------------------------------------------- seeds ----

    def grow_seed(self, parent: Parent, extra, key, composite=False):
        rng = self.rng
        if rng.random() < 0.25:
            return
        s = self.next_serial()
        values = {}
        if key:
            values[key[0]] = self.key_value(key[1], 7000 + s)
        if composite:
            values["b"] = 1
            values["id"] = 7000 + s
        for col in extra:
            if col.nullable and rng.random() < 0.4:
                continue
            if not col.nullable and self.case.use_run is False and rng.random() < 0.04:
                self.note("seed missing a NOT NULL column")
                continue
            values[col.name] = ("seed %d" % s) if col.name == "name" else seed_value(rng, col.type, s)
        if rng.random() < 0.02 and any(isinstance(v, str) and not v.startswith("dec:") for v in values.values()):
            column = next(k for k, v in values.items() if isinstance(v, str) and not v.startswith("dec:"))
            values[column] = values[column] + "\x00nul"
            self.note("NUL character in a seed value")
        addresses = []
        for i in range(rng.randint(0, 2)):
            row = {}
            for col in self.case.related:
                if col.nullable and rng.random() < 0.3:
                    continue
                row[col.name] = seed_value(rng, col.type, self.next_serial())
            addresses.append(row)
        self.note("seed")
        self.case.seeds.append(Seed(parent.table, values, addresses))


def grow(dialect: str, seed: int) -> Case:
    return Grower(dialect, seed).grow()
