"""Read OpenAlex JSON files into plain records.

Files may be plain or gzipped; the gzip magic bytes decide, not the file name.
Three forms are accepted:
- JSON lines with one entity per line;
- JSON lines whose lines are API list responses (`{"meta": ..., "results": [...]}`);
- one JSON document: a single entity, a list of entities or an API list response.

JSON lines stream in batches of lines: memory stays flat whatever the file
size. A plain (not gzipped) JSON-lines file is split into FileRanges, byte
offsets of whole lines, and the process that parses a range reads its lines
itself, so the lines never pass between processes. A gzipped file has to be
decompressed from its start, so its lines travel in LineBatches. A
whole-document file is parsed at once; OpenAlex API pages hold at most 200
records, so those stay small. Decoding a batch is a pure function
(`batch_records`), so the importer can run it in worker processes.
"""

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from profiles.importing.schema import decode_work_line

GZIP_MAGIC = b"\x1f\x8b"
READ_CHUNK_BYTES = 1 << 20
# zlib's window bits for the gzip container (16) with the maximum window (15).
GZIP_WBITS = 16 + 15
DEFAULT_BATCH_LINES = 500


@dataclass(slots=True)
class RawRecord:
    """One entity object read from a file, or the reason it could not be read."""

    file: str
    line: int
    # A dict, or a schema.WorkObject (read like a dict) for compact work lines.
    data: dict | None = None
    error: str = ""


@dataclass(slots=True)
class LineBatch:
    """Consecutive JSON lines of one file, and records already decoded or rejected.

    `lines` contains the (line number, line) pairs that `decode_lines` has
    still to decode. `records` contains whole documents and read errors.
    """

    file: str
    lines: list[tuple[int, bytes]] = field(default_factory=list)
    records: list[RawRecord] = field(default_factory=list)


@dataclass(slots=True)
class FileRange:
    """Whole lines of a plain JSON-lines file between two byte offsets, starting at line `first_line`."""

    file: str
    start: int
    end: int
    first_line: int

    def read(self) -> LineBatch:
        """Return the non-blank lines of the range, numbered."""
        with open(self.file, "rb") as handle:
            handle.seek(self.start)
            data = handle.read(self.end - self.start)
        batch = LineBatch(self.file)
        for number, piece in enumerate(data.split(b"\n"), self.first_line):
            line = piece.strip()
            if line:
                batch.lines.append((number, line))
        return batch


class TruncatedInput(Exception):
    """The compressed stream ended early or is corrupt at `line`."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


def _chunks(path: Path, on_read: Callable[[int], object] | None) -> Iterator[bytes]:
    """Yield the decompressed content of `path` in chunks.

    Raises TruncatedInput (line 0, filled in by the caller) when the gzip
    stream is corrupt or ends before its end marker.
    """
    with path.open("rb") as handle:
        is_gzip = handle.read(2) == GZIP_MAGIC
        handle.seek(0)
        decompressor = zlib.decompressobj(GZIP_WBITS)
        # Whether the current gzip member has received input: a file may hold
        # several members one after another, and only a started one can be cut.
        member_started = False
        while chunk := handle.read(READ_CHUNK_BYTES):
            if on_read:
                on_read(len(chunk))
            if not is_gzip:
                yield chunk
                continue
            while chunk:
                member_started = True
                try:
                    yield decompressor.decompress(chunk)
                except zlib.error as error:
                    raise TruncatedInput(0, str(error)) from None
                if not decompressor.eof:
                    break
                chunk = decompressor.unused_data
                decompressor = zlib.decompressobj(GZIP_WBITS)
                member_started = False
        if is_gzip and member_started:
            raise TruncatedInput(0, "the gzip stream ends before its end marker")


def iter_lines(path: Path, on_read: Callable[[int], object] | None = None) -> Iterator[tuple[int, bytes]]:
    """Yield (line number, line) for every non-blank line of a plain or gzipped file.

    When the gzip stream is cut short or corrupt, raises TruncatedInput with
    the number of the first line that could not be read. Every complete line
    before it has been yielded by then.
    """
    number = 0
    pending = b""
    try:
        for chunk in _chunks(path, on_read):
            if not chunk:
                continue
            pieces = (pending + chunk).split(b"\n")
            pending = pieces.pop()
            for piece in pieces:
                number += 1
                if piece.strip():
                    yield number, piece.strip()
    except TruncatedInput as error:
        raise TruncatedInput(number + 1, str(error)) from None
    if pending.strip():
        yield number + 1, pending.strip()


def read_batches(
    path: Path, on_read: Callable[[int], object] | None = None, batch_lines: int = DEFAULT_BATCH_LINES
) -> Iterator[LineBatch]:
    """Yield the content of one file in batches of lines, with unreadable parts as errors.

    A file whose first line is not a JSON value is read as one pretty-printed
    document. When that fails too, its first line is rejected and the rest is
    read as JSON lines.
    """
    name = str(path)
    try:
        lines = iter_lines(path, on_read)
        batch = LineBatch(name)
        first = next(lines, None)
        if first is None:
            return
        if not _is_json(first[1]):
            yield _read_document(name, first, lines)
            return
        batch.lines.append(first)
        for numbered in lines:
            batch.lines.append(numbered)
            if len(batch.lines) >= batch_lines:
                yield batch
                batch = LineBatch(name)
    except TruncatedInput as error:
        batch.records.append(_truncated(name, error))
    except OSError as error:
        batch.records.append(RawRecord(name, 0, error=f"cannot read file: {error.strerror or error}"))
    if batch.lines or batch.records:
        yield batch


def plan_batches(
    path: Path, on_read: Callable[[int], object] | None = None, batch_lines: int = DEFAULT_BATCH_LINES
) -> Iterator[LineBatch | FileRange]:
    """Yield the batches of one file: FileRanges of `batch_lines` lines for plain JSON lines, else LineBatches.

    The file is read once here to find where lines start. The parsing
    process reads each range again, from the page cache.
    """
    ranges = _plan_ranges(path, on_read, batch_lines)
    if ranges is None:
        yield from read_batches(path, on_read, batch_lines)
    else:
        yield from ranges


def _plan_ranges(path: Path, on_read, batch_lines: int) -> Iterator[FileRange] | None:
    """Return the FileRanges of a plain JSON-lines file, or None for a gzipped file or a JSON document."""
    try:
        with path.open("rb") as handle:
            head = handle.read(READ_CHUNK_BYTES)
            if head.startswith(GZIP_MAGIC):
                return None
            # The first non-blank line decides, as in read_batches. When the
            # first chunk contains no whole line, read_batches reads the file.
            first = next((line.strip() for line in head.split(b"\n")[:-1] if line.strip()), None)
            if first is None and head.strip():
                return None
    except OSError:
        return None
    if first is not None and not _is_json(first):
        return None
    return _ranges(path, on_read, batch_lines)


def _ranges(path: Path, on_read, batch_lines: int) -> Iterator[FileRange]:
    name = str(path)
    start = 0  # byte offset where the open range begins
    first_line = 1
    lines = 0  # complete lines in the open range
    offset = 0  # byte offset of `chunk`
    with path.open("rb") as handle:
        while chunk := handle.read(READ_CHUNK_BYTES):
            if on_read:
                on_read(len(chunk))
            newline = chunk.find(b"\n")
            while newline >= 0:
                lines += 1
                if lines == batch_lines:
                    end = offset + newline + 1
                    yield FileRange(name, start, end, first_line)
                    start, first_line, lines = end, first_line + batch_lines, 0
                newline = chunk.find(b"\n", newline + 1)
            offset += len(chunk)
    if offset > start:
        yield FileRange(name, start, offset, first_line)


def _is_json(line: bytes) -> bool:
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def _read_document(name: str, first: tuple[int, bytes], lines) -> LineBatch:
    rest = list(lines)
    text = b"\n".join([first[1], *(line for _, line in rest)])
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        batch = LineBatch(name, lines=rest)
        batch.records.append(RawRecord(name, first[0], error=f"invalid JSON: {error}"))
        return batch
    return LineBatch(name, records=list(_entities(document, name, first[0])))


def decode_lines(file: str, lines: list[tuple[int, bytes]]) -> Iterator[RawRecord]:
    """Decode JSON lines into records; a line that is not valid JSON becomes an error record."""
    for number, line in lines:
        work = decode_work_line(line)
        if work is not None:
            yield RawRecord(file, number, data=work)
            continue
        try:
            document = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield RawRecord(file, number, error=f"invalid JSON: {error}")
            continue
        yield from _entities(document, file, number)


def read_records(path: Path, on_read: Callable[[int], object] | None = None) -> Iterator[RawRecord]:
    """Yield the records of one file in file order; unreadable parts come back as errors."""
    for batch in plan_batches(path, on_read):
        yield from batch_records(batch)


def batch_records(batch: LineBatch | FileRange) -> Iterator[RawRecord]:
    """Yield the records of a batch in file order."""
    if isinstance(batch, FileRange):
        batch = batch.read()
    decoded = list(decode_lines(batch.file, batch.lines))
    yield from sorted([*decoded, *batch.records], key=lambda record: record.line)


def _entities(document, file: str, line: int) -> Iterator[RawRecord]:
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        for item in document["results"]:
            yield _entity(item, file, line)
    elif isinstance(document, list):
        for item in document:
            yield _entity(item, file, line)
    else:
        yield _entity(document, file, line)


def _entity(item, file: str, line: int) -> RawRecord:
    if not isinstance(item, dict):
        return RawRecord(file, line, error=f"expected a JSON object, found {type(item).__name__}")
    return RawRecord(file, line, data=item)


def _truncated(name: str, error: TruncatedInput) -> RawRecord:
    return RawRecord(
        name,
        error.line,
        error=f"compressed data is truncated or corrupt ({error}); the records before this line were read",
    )
