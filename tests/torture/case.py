"""A generated test case: the SQL that grows a database by hand, the addrmig
config pointed at it, and the probes that show whether it still works.

A Case is plain data so that the shrinker can drop parts of it and a failure
can be saved as a fixture (a SQL script plus a TOML config) and replayed.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field


@dataclass
class Col:
    name: str
    type: str            # portable type, for the config
    nullable: bool = True


@dataclass
class Parent:
    table: str
    schema: str = ""
    key: str | None = None
    columns: list[Col] = field(default_factory=list)   # for a missing parent


@dataclass
class Seed:
    parent: str
    values: dict          # column -> python value (str, int, float, bool, Decimal as str tag)
    addresses: list[dict]


@dataclass
class Case:
    dialect: str                       # "sqlite" | "postgres"
    seed: int
    setup: list[str]                   # SQL statements, in order
    related_name: str = "address"
    fk: str = "parent_id"
    on_delete: str = "cascade"
    related: list[Col] = field(default_factory=list)
    parents: list[Parent] = field(default_factory=list)
    seeds: list[Seed] = field(default_factory=list)
    # DML run (and rolled back) before and after apply with FKs enforced:
    # what worked before must still work, bar constraint violations.
    probes: list[str] = field(default_factory=list)
    # SQL run between `plan --out` and `apply FILE` (the database drifts).
    drift: list[str] = field(default_factory=list)
    drift_expect: str = ""             # a word the apply FILE error must contain
    use_run: bool = False              # exercise `run` instead of apply/seed/verify
    low_privilege: bool = False        # PostgreSQL: a role owning its schema only
    history_schema: str = ""           # PostgreSQL: [history] schema in the config
    latin1: bool = False               # PostgreSQL: the database's encoding is LATIN1
    notes: list[str] = field(default_factory=list)  # grammar features used

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1)

    @staticmethod
    def from_json(text: str) -> "Case":
        raw = json.loads(text)
        raw["related"] = [Col(**c) for c in raw["related"]]
        raw["parents"] = [Parent(**{**p, "columns": [Col(**c) for c in p["columns"]]})
                          for p in raw["parents"]]
        raw["seeds"] = [Seed(**s) for s in raw["seeds"]]
        return Case(**raw)


def toml_str(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append("\\u%04X" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and value.startswith("dec:"):
        return value[4:]              # a decimal written as a TOML float, e.g. 0.1
    return toml_str(value)


def toml_col(col: Col) -> str:
    return "{ name = %s, type = %s, nullable = %s }" % (
        toml_str(col.name), toml_str(col.type), "true" if col.nullable else "false")


def toml_inline(row: dict) -> str:
    return "{ " + ", ".join("%s = %s" % (toml_str(k), toml_value(v)) for k, v in row.items()) + " }"


def render_config(case: Case, url: str) -> str:
    lines = ["[database]", "url = %s" % toml_str(url), ""]
    if case.history_schema:
        lines += ["[history]", "schema = %s" % toml_str(case.history_schema), ""]
    lines += ["[related]", "name = %s" % toml_str(case.related_name),
              "foreign_key = %s" % toml_str(case.fk), "on_delete = %s" % toml_str(case.on_delete),
              "columns = [" + ", ".join(toml_col(c) for c in case.related) + "]", ""]
    for p in case.parents:
        lines.append("[[parents]]")
        lines.append("table = %s" % toml_str(p.table))
        if p.schema:
            lines.append("schema = %s" % toml_str(p.schema))
        if p.key is not None:
            lines.append("key = %s" % toml_str(p.key))
        if p.columns:
            lines.append("columns = [" + ", ".join(toml_col(c) for c in p.columns) + "]")
        lines.append("")
    for s in case.seeds:
        lines.append("[[seed]]")
        lines.append("parent = %s" % toml_str(s.parent))
        lines.append("values = " + toml_inline(s.values))
        lines.append("addresses = [" + ", ".join(toml_inline(a) for a in s.addresses) + "]")
        lines.append("")
    return "\n".join(lines)
