"""Read OpenAlex JSON files into plain records, one at a time.

Accepted forms, plain or gzipped (detected by the gzip magic bytes, not the
file name): JSON lines with one entity per line; JSON lines whose lines are
API list responses (`{"meta": ..., "results": [...]}`); and one JSON document
holding a single entity, a list of entities or an API list response.

JSON lines stream: memory stays flat whatever the file size. A whole-document
file is parsed at once; OpenAlex API pages hold at most 200 records, so those
stay small.
"""

import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(slots=True)
class RawRecord:
    """One entity object read from a file, or the reason it could not be read."""

    file: str
    line: int
    data: dict | None = None
    raw: bytes = b""
    error: str = ""


class ProgressFile(io.RawIOBase):
    """A binary file wrapper that reports how many bytes were read from disk."""

    def __init__(self, handle, on_read=None):
        self.handle = handle
        self.on_read = on_read

    def readable(self):
        return True

    def readinto(self, buffer):
        count = self.handle.readinto(buffer)
        if count and self.on_read:
            self.on_read(count)
        return count

    def close(self):
        self.handle.close()
        super().close()


def open_binary(path: Path, on_read=None):
    handle = path.open("rb")
    is_gzip = handle.read(2) == GZIP_MAGIC
    handle.seek(0)
    stream = io.BufferedReader(ProgressFile(handle, on_read), buffer_size=1 << 20)
    if is_gzip:
        return io.BufferedReader(gzip.GzipFile(fileobj=stream, mode="rb"), buffer_size=1 << 20)
    return stream


def _entities(document, file: str, line: int, raw: bytes) -> Iterator[RawRecord]:
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        for item in document["results"]:
            yield _entity(item, file, line, b"")
    elif isinstance(document, list):
        for item in document:
            yield _entity(item, file, line, b"")
    else:
        yield _entity(document, file, line, raw)


def _entity(item, file: str, line: int, raw: bytes) -> RawRecord:
    if not isinstance(item, dict):
        return RawRecord(file, line, error=f"expected a JSON object, found {type(item).__name__}")
    return RawRecord(file, line, data=item, raw=raw)


def read_records(path: Path, on_read=None) -> Iterator[RawRecord]:
    """Yield the records of one file; unreadable parts come back as errors."""
    name = str(path)
    try:
        stream = open_binary(path, on_read)
    except OSError as error:
        yield RawRecord(name, 0, error=f"cannot open file: {error.strerror or error}")
        return

    with stream:
        line_number = 0
        try:
            first = stream.readline()
            line_number = 1
            if not first.strip():
                first = _next_non_blank(stream)
            if first is None:
                return
            try:
                document = orjson.loads(first)
            except orjson.JSONDecodeError:
                # Not one JSON value per line: the whole file may be one
                # pretty-printed document.
                rest = stream.read()
                try:
                    document = orjson.loads(first + rest)
                except orjson.JSONDecodeError as error:
                    yield RawRecord(name, 1, error=f"invalid JSON: {error}")
                    yield from _read_lines(io.BytesIO(rest), name, start=1)
                    return
                yield from _entities(document, name, 1, b"")
                return

            yield from _entities(document, name, line_number, first.strip())
            yield from _read_lines(stream, name, start=line_number)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            yield _truncated(name, line_number, error)


def _next_non_blank(stream) -> bytes | None:
    for line in stream:
        if line.strip():
            return line
    return None


def _read_lines(stream, name: str, start: int) -> Iterator[RawRecord]:
    line_number = start
    lines = iter(stream)
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            yield _truncated(name, line_number + 1, error)
            return
        line_number += 1
        stripped = line.strip()
        if not stripped:
            continue
        try:
            document = orjson.loads(stripped)
        except orjson.JSONDecodeError as error:
            yield RawRecord(name, line_number, error=f"invalid JSON: {error}")
            continue
        yield from _entities(document, name, line_number, stripped)


def _truncated(name: str, line_number: int, error: Exception) -> RawRecord:
    return RawRecord(
        name,
        line_number,
        error=f"compressed data is truncated or corrupt ({error}); the records before this line were read",
    )
