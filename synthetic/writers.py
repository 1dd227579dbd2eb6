"""Put rows into the database in bulk: COPY on PostgreSQL, batched inserts on SQLite.

Rows are tuples of plain Python values (str, int, bool, aware datetime, None) in the
order of the columns named; no model objects are made, which is what keeps a million
comments within seconds rather than minutes. Rows may come from a generator: COPY
reads them as they are made, so PostgreSQL stores one batch while Python invents the
next (two processes, two cores).
"""

from itertools import islice

from django.core.management.color import no_style
from django.db import connection

# Rows per batch of inserts on SQLite, and characters per read of a COPY stream.
BATCH = 5000
COPY_CHUNK = 1 << 16

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, int):
        return str(value)
    return value.isoformat()  # an aware datetime


class _CopyStream:
    """A read-only text file over rows, in COPY's text format, made as COPY reads it."""

    def __init__(self, rows):
        self.lines = ("\t".join(map(_copy_value, row)) + "\n" for row in rows)
        self.pending = ""

    def read(self, size=-1):
        pieces, length = [self.pending], len(self.pending)
        while size < 0 or length < size:
            line = next(self.lines, None)
            if line is None:
                break
            pieces.append(line)
            length += len(line)
        data = "".join(pieces)
        if size < 0:
            self.pending = ""
            return data
        self.pending = data[size:]
        return data[:size]

    def readline(self, size=-1):
        return self.read(size)


class PostgresWriter:
    """Stream rows into a table with ``COPY … FROM STDIN`` (psycopg2's copy_expert)."""

    def __init__(self):
        self.raw = connection.cursor().connection

    def write(self, table, columns, rows):
        quote = connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with self.raw.cursor() as cursor:
            cursor.copy_expert(sql, _CopyStream(rows), size=COPY_CHUNK)

    def reset_sequences(self, models):
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


class SQLiteWriter:
    """Insert rows with ``executemany``, the same rows COPY would get.

    Datetimes are stored as Django stores them (``adapt_datetimefield_value``: naive
    UTC text), since SQLite compares them as text.
    """

    def write(self, table, columns, rows):
        adapt = connection.ops.adapt_datetimefield_value
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(columns))
        names = ", ".join(quote(c) for c in columns)
        # Table and column names come from the models, quoted; values are parameters.
        sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})"  # noqa: S608
        rows = iter(rows)
        with connection.cursor() as cursor:
            while batch := list(islice(rows, BATCH)):
                prepared = [[adapt(v) if hasattr(v, "tzinfo") else v for v in row] for row in batch]
                cursor.executemany(sql, prepared)

    def reset_sequences(self, models):
        # SQLite's INTEGER PRIMARY KEY takes the next value after the largest id.
        return None


def writer_for_connection():
    return PostgresWriter() if connection.vendor == "postgresql" else SQLiteWriter()
