"""A dataset: how one of the company's databases holds personal data, as a validated value object.

A dataset file annotates a database reached by any SQLAlchemy URL (SQLite, PostgreSQL,
MariaDB/MySQL): for each table, which register activities it serves, which columns identify
a person, how its rows reach the person through references, which columns start a retention
clock, what each column holds (fideslang data categories) and how it is erased or anonymised.
Log directories (web server access logs and the like) are annotated the same way.

Like the register, these models *are* the file format. Rules that need the whole file
(unique names, references that resolve) live in :mod:`egide.datasets.loader`; rules that need
the register or the live database live in :mod:`egide.datasets.check`.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from egide.domain.durations import Duration, DurationFormatError
from egide.domain.identity import IdentifierKind
from egide.domain.requests import Right
from egide.register.model import DataSource, Key, RetentionClock, Slug, Text

FORMAT_VERSION = 1

Name = Annotated[
    str,
    Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$]*$", max_length=128,
          description="A table or column name as the database spells it: letters, digits, _ and $."),
]
ColumnRef = Annotated[
    str,
    Field(pattern=r"^[A-Za-z_][A-Za-z0-9_$]*\.[A-Za-z_][A-Za-z0-9_$]*$",
          description="The referenced column, written table.column (e.g. customers.id)."),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class ErasureStrategy(str, Enum):
    """What an erasure (art. 17) does to a column of the person's rows."""

    delete_row = "delete_row"  # the whole row goes
    null = "null"  # the value becomes NULL
    keyed_hash = "keyed_hash"  # HMAC of the value: rows still join, the value is gone
    redact = "redact"  # a fixed marker replaces the value
    keep = "keep"  # kept on purpose (a legal obligation, a defence of legal claims)


class AnonymizationStrategy(str, Enum):
    """What anonymisation at the end of a retention period does to a column."""

    null = "null"
    generalize_month = "generalize_month"  # a date keeps its year and month (2024-03-17 -> 2024-03-01)
    generalize_year = "generalize_year"  # a date keeps its year (2024-03-17 -> 2024-01-01)
    keyed_hash = "keyed_hash"
    truncate_ip = "truncate_ip"  # 203.0.113.57 -> 203.0.113.0, 2001:db8::1 -> 2001:db8::
    constant = "constant"  # a fixed value, given in `value`


class Anonymization(_Model):
    """How a column is anonymised: a strategy, and the value for `constant`."""

    strategy: AnonymizationStrategy
    value: Text | None = Field(None, description="The replacement, for the constant strategy only.")

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"strategy": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _value_goes_with_constant(self) -> "Anonymization":
        if self.strategy is AnonymizationStrategy.constant and self.value is None:
            raise ValueError("the constant strategy needs a value: {strategy: constant, value: ...}")
        if self.strategy is not AnonymizationStrategy.constant and self.value is not None:
            raise ValueError("value is only meaningful with the constant strategy")
        return self


class Column(_Model):
    """One column of a table: what it holds, and what Egide may do with it."""

    name: Name
    description: Text | None = None
    data_categories: list[Key] = Field(
        default_factory=list,
        description="fideslang data-category keys (or custom keys of the register) of the value. "
                    "Empty: the column holds no personal data of its own (a key, an amount, a status).")
    identity: IdentifierKind | None = Field(
        None, description="The column identifies the data subject: email, phone or customer_id. "
                          "A request names the person by one of these.")
    references: ColumnRef | None = Field(
        None, description="The column holds values of another column (a foreign key), written table.column. "
                          "Rows reach the person through references; erasure deletes children before parents.")
    clocks: list[RetentionClock] = Field(
        default_factory=list,
        description="The retention clocks this timestamp column can start (collection, last_contact, "
                    "transaction_date...), as named by the register's retention rules.")
    source: DataSource | None = Field(
        None, description="Where the value comes from. Portability (art. 20) exports provided and observed "
                          "columns. Absent: the source the register declares for the column's category.")
    erasure: ErasureStrategy | None = Field(
        None, description="What erasure does to this column; absent: the table's erasure strategy.")
    anonymization: Anonymization | None = Field(
        None, description="What anonymisation does to this column: null, generalize_month, generalize_year, "
                          "keyed_hash, truncate_ip, or {strategy: constant, value: ...}.")

    @field_validator("clocks", mode="before")
    @classmethod
    def _one_clock(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @property
    def is_personal(self) -> bool:
        """The column identifies the person or holds a ``user.*`` category (``system.*`` keys do not count)."""
        return self.identity is not None or any(is_personal_category(k) for k in self.data_categories)

    def referenced(self) -> tuple[str, str] | None:
        """The (table, column) this column references, if any."""
        if self.references is None:
            return None
        table, _, column = self.references.partition(".")
        return table, column


class SummaryGroup(_Model):
    """A column the summary groups by; a date may be generalized to its month or year."""

    column: Name
    generalize: Literal["month", "year"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, value: Any) -> Any:
        return {"column": value} if isinstance(value, str) else value


class Summary(_Model):
    """Non-identifying aggregates a retention run adds to before the rows go, when the deciding
    rule says aggregate_before_delete (INSERT ... SELECT ... GROUP BY in the delete's transaction)."""

    table: Name = Field(description="The summary table, created by Egide in the same database if missing.")
    group_by: list[SummaryGroup] = Field(min_length=1, description="Columns to group by, e.g. "
                                         "[{column: ordered_at, generalize: month}, status].")
    sums: list[Name] = Field(default_factory=list, description="Numeric columns summed (e.g. total_cents).")


class Table(_Model):
    """One table of the database, the register activities it serves and its columns."""

    name: Name
    description: Text | None = None
    activities: list[Slug] = Field(
        default_factory=list,
        description="Keys of the register activities this table serves (e.g. customer-management). "
                    "`egide dataset check` reports a table that serves none.")
    data_subjects: list[Key] = Field(
        default_factory=list, description="fideslang data-subject keys of the people in the rows: customer, prospect...")
    primary_key: list[Name] = Field(
        default_factory=list, description="The columns that identify a row; absent: the database's primary key.")
    erasure: ErasureStrategy | None = Field(
        None, description="The default erasure strategy of the table's personal columns (e.g. delete_row).")
    columns: list[Column] = Field(min_length=1, description="The columns Egide needs to know about.")
    summary: Summary | None = Field(
        None, description="Aggregates kept when retention deletes rows under a rule with aggregate_before_delete.")

    @field_validator("primary_key", mode="before")
    @classmethod
    def _one_key(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def is_personal(self) -> bool:
        return any(c.is_personal for c in self.columns)

    def erasure_of(self, column: Column) -> ErasureStrategy | None:
        """The strategy erasure applies to ``column``: its own, else the table's."""
        return column.erasure or (self.erasure if column.is_personal else None)


class LogErasure(str, Enum):
    """What erasure does to a log line that names the person."""

    delete_line = "delete_line"
    redact = "redact"  # the identifier is replaced, the rest of the line stays


class LogTimestamp(_Model):
    """Where the time of a log line is, and how it is written."""

    pattern: str = Field(description="A regular expression with a named group `timestamp`, "
                                     r"e.g. '\[(?P<timestamp>[^\]]+)\]'.")
    format: str = Field(description="The strptime format of the group, e.g. '%d/%b/%Y:%H:%M:%S %z'.")

    @field_validator("pattern")
    @classmethod
    def _has_timestamp_group(cls, value: str) -> str:
        return _regex_with_group(value, "timestamp")


class LogIdentifier(_Model):
    """How a log line names the person."""

    kind: IdentifierKind = Field(description="Which identifier the group holds: email, phone or customer_id.")
    pattern: str = Field(description="A regular expression with a named group `value`, "
                                     r"e.g. '/customers/(?P<value>\d+)'.")

    @field_validator("pattern")
    @classmethod
    def _has_value_group(cls, value: str) -> str:
        return _regex_with_group(value, "value")


class LogDirectory(_Model):
    """Log files (one per day, say) whose lines may name the person."""

    name: Slug
    description: Text | None = None
    path: Text = Field(description="A glob of the files, e.g. logs/access-*.log; relative to the dataset file "
                                   "or to the log root given to the command.")
    activities: list[Slug] = Field(default_factory=list, description="Keys of the register activities the logs serve.")
    data_categories: list[Key] = Field(default_factory=list, description="What the lines hold, e.g. user.device.ip_address.")
    timestamp: LogTimestamp = Field(description="The time of a line: it starts the collection clock.")
    identifiers: list[LogIdentifier] = Field(default_factory=list, description="How a line names the person.")
    erasure: LogErasure = Field(LogErasure.delete_line, description="What erasure does to the person's lines.")


class WebhookConnector(_Model):
    """A processor's endpoint: Egide POSTs each request it must act on, signed with HMAC-SHA256, and
    records the answer (docs/datasets.md, docs/requests.md for the signature)."""

    name: Slug
    description: Text | None = None
    url: Text = Field(description="The endpoint, an http(s) URL (https outside a test bench).")
    secret_env: Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$")] = Field(
        description="The environment variable holding the shared signing secret (never the secret itself).")
    activities: list[Slug] = Field(default_factory=list, description="Keys of the register activities the processor serves.")
    rights: list[Right] = Field(min_length=1, description="The rights sent to the endpoint: access, erasure, "
                                                          "rectification, restriction, portability, objection...")
    identifiers: list[IdentifierKind] = Field(
        default_factory=lambda: [IdentifierKind.email],
        description="Which of the person's identifiers the processor needs to find them (data minimisation).")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or " " in value.strip():
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.strip()


MANUAL_RIGHTS = ("access", "rectification", "erasure", "restriction", "portability", "objection")


class ManualSource(_Model):
    """Personal data no connector can reach (paper archives, a system without an API): a request
    that concerns it creates a task for a person, with its due date (the manual connector)."""

    name: Slug
    description: Text = Field(description="What and where it is, e.g. paper order forms archived in Lyon.")
    activities: list[Slug] = Field(default_factory=list, description="Keys of the register activities it serves.")
    rights: list[str] = Field(
        default_factory=lambda: list(MANUAL_RIGHTS),
        description="The rights whose requests need this source searched: access, rectification, erasure, "
                    "restriction, portability, objection. Default: all of them.")
    due_in: Text = Field("P10D", description="How long the person in charge has, as an ISO 8601 duration "
                                             "(never beyond the request's own due date).")
    assignee: Text | None = Field(None, description="Who does it (a team or a person's role), shown on the task.")

    @field_validator("rights")
    @classmethod
    def _known_rights(cls, value: list[str]) -> list[str]:
        unknown = [r for r in value if r not in MANUAL_RIGHTS]
        if unknown:
            raise ValueError(f"unknown right {unknown[0]!r}: expected {', '.join(MANUAL_RIGHTS)}")
        return value

    @field_validator("due_in")
    @classmethod
    def _duration(cls, value: str) -> str:
        try:
            parsed = Duration.parse(value)
        except DurationFormatError as exc:
            raise ValueError(str(exc)) from None
        if parsed.is_zero():
            raise ValueError("a task needs some time: e.g. P10D")
        return value


class Dataset(_Model):
    """One database of the company, annotated for data-subject requests and retention."""

    egide_dataset: int = Field(FORMAT_VERSION, description="The dataset format version.")
    name: Slug = Field(description="A short name of the database, e.g. shop.")
    description: Text | None = None
    database_url_env: Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$")] | None = Field(
        None, description="The environment variable holding the database's SQLAlchemy URL "
                          "(the URL stays out of the file: it may hold a password).")
    archive_url_env: Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$")] | None = Field(
        None, description="The environment variable holding the SQLAlchemy URL of the archive database (retention "
                          "rules with action archive). Absent: a sibling SQLite file beside an SQLite database.")
    tables: list[Table] = Field(default_factory=list)
    log_directories: list[LogDirectory] = Field(default_factory=list)
    manual: list[ManualSource] = Field(
        default_factory=list, description="Sources searched by a person (the manual connector): each request "
                                          "of one of their rights creates a task with its due date.")
    webhooks: list[WebhookConnector] = Field(
        default_factory=list, description="Processors reached through a signed webhook (erasure, access... done "
                                          "on their side).")

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def identity_columns(self) -> list[tuple[Table, Column]]:
        return [(t, c) for t in self.tables for c in t.columns if c.identity is not None]


def is_personal_category(key: str) -> bool:
    """fideslang's personal data categories are those under ``user``."""
    return key == "user" or key.startswith("user.")


def _regex_with_group(value: str, group: str) -> str:
    try:
        compiled = re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    if group not in compiled.groupindex:
        raise ValueError(f"the regular expression needs a named group (?P<{group}>...)")
    return value
