"""Decompression-bomb workbooks, generated small on disk, and a peak-memory probe that reads one.

Each builder writes a real .xlsx (openpyxl's own parts) with one part replaced by a streamed,
deflated payload, so a file of a megabyte or two inflates to a gigabyte without the generator
holding more than one chunk. ``python -m tests.bombs PATH READER`` reads PATH the way an upload
does and prints one JSON line: how it ended, the seconds it took, and the process's peak RSS.
"""

import io
import json
import struct
import sys
import time
import zipfile
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def base_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "项目"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _deflated(path: Path, part: str, pieces) -> Path:
    with zipfile.ZipFile(io.BytesIO(base_workbook())) as source:
        others = [(info, source.read(info)) for info in source.infolist() if info.filename != part]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info, data in others:
            target.writestr(info.filename, data)
        info = zipfile.ZipInfo(part)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w") as stream:
            for piece in pieces:
                stream.write(piece)
    return path


def _repeat(unit: bytes, total: int, chunk: int = 1 << 20):
    block = unit * max(1, chunk // len(unit))
    written = 0
    while written < total:
        yield block
        written += len(block)


def wide_row(path: Path, inflated: int) -> Path:
    """One row of ``inflated`` bytes of ``<c><v>1</v></c>``: the issue's 1.4 MB → gigabytes."""
    pieces = [
        HEAD,
        b'<sheetData><row r="1">',
        *_repeat(b"<c><v>1</v></c>", inflated),
        b"</row></sheetData></worksheet>",
    ]
    return _deflated(path, SHEET, pieces)


def many_rows(path: Path, rows: int) -> Path:
    """``rows`` numbered rows of one cell (ratio ≈ 20: within the zip limits, caught by the scan)."""

    def pieces():
        yield HEAD + b"<sheetData>"
        for start in range(1, rows + 1, 10_000):
            yield b"".join(
                b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n)
                for n in range(start, min(start + 10_000, rows + 1))
            )
        yield b"</sheetData></worksheet>"

    return _deflated(path, SHEET, pieces())


def declared_dimension(path: Path) -> Path:
    """A few hundred bytes that declare A1:XFD1048576 around one cell: read-only mode pads 10⁶ rows."""
    xml = (
        HEAD
        + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    )
    return _deflated(path, SHEET, [xml])


def far_cell(path: Path, reference: bytes) -> Path:
    """One cell at a far address (XFD1, A1048576): the rows before it are padded."""
    row = reference.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    xml = HEAD + b'<sheetData><row r="%s"><c r="%s"><v>1</v></c></row></sheetData></worksheet>' % (row, reference)
    return _deflated(path, SHEET, [xml])


def merged(path: Path, ranges: list[bytes]) -> Path:
    """One cell and the given merged ranges (overlapping ones, which Excel never writes)."""
    cells = b"".join(b'<mergeCell ref="%s"/>' % ref for ref in ranges)
    xml = (
        HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><mergeCells>%s</mergeCells></worksheet>'
    )
    return _deflated(path, SHEET, [xml % cells])


def shared_strings(path: Path, count: int) -> Path:
    """``count`` tiny shared strings (openpyxl reads every one at load, even read-only)."""
    pieces = [
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        *_repeat(b"<si><t>a</t></si>", count * 17),
        b"</sst>",
    ]
    book = _deflated(path, "xl/sharedStrings.xml", pieces)
    return _with_content_type(book, "/xl/sharedStrings.xml", "sharedStrings")


def long_text(path: Path, characters: int) -> Path:
    xml = HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row></sheetData></worksheet>'
    return _deflated(path, SHEET, [xml % (b"x" * characters)])


def entities(path: Path) -> Path:
    """The billion laughs, in the sheet."""
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        b'<c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    return _deflated(path, SHEET, [xml])


def many_styles(path: Path, count: int) -> Path:
    pieces = [
        b'<?xml version="1.0"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>',
        *_repeat(b"<xf/>", count * 5),
        b"</cellXfs></styleSheet>",
    ]
    return _deflated(path, "xl/styles.xml", pieces)


def lying_directory(path: Path, inflated: int, declared: int) -> Path:
    """A part that inflates to ``inflated`` bytes while the zip directory says ``declared``."""
    pieces = [HEAD, b"<sheetData>", *_repeat(b"<row><c><v>1</v></c></row>", inflated), b"</sheetData></worksheet>"]
    _deflated(path, SHEET, pieces)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(SHEET)
    name = SHEET.encode()
    # The central directory entry (signature PK\1\2, its name at offset 46, the size at 24).
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, declared)
    local = info.header_offset
    struct.pack_into("<I", data, local + 22, declared)  # the local header's size, kept equal
    path.write_bytes(bytes(data))
    return path


def _with_content_type(path: Path, part: str, kind: str) -> Path:
    """Declare ``part`` in [Content_Types].xml and the workbook's relationships, so openpyxl reads it."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: (info, source.read(info)) for info in source.infolist()}
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    _info, types = parts["[Content_Types].xml"]
    if part.encode() not in types:
        types = types.replace(
            b"</Types>", f'<Override PartName="{part}" ContentType="{main}.{kind}+xml"/></Types>'.encode()
        )
    _rels_info, rels = parts["xl/_rels/workbook.xml.rels"]
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    rebuilt = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for source_info in source.infolist():
            if source_info.filename == "[Content_Types].xml":
                target.writestr(source_info.filename, types)
            elif source_info.filename == "xl/_rels/workbook.xml.rels":
                target.writestr(source_info.filename, rels)
            else:
                with source.open(source_info) as read, target.open(source_info.filename, "w") as write:
                    while chunk := read.read(1 << 20):
                        write.write(chunk)
    rebuilt.replace(path)
    return path


def _measure(path: str, reader: str) -> dict:
    import django

    django.setup()
    data = Path(path).read_bytes()
    started = time.perf_counter()
    if reader == "tasks":
        from tasks.importing import ImportFileError, read_workbook

        try:
            outcome = f"read {len(read_workbook(data))} rows"
        except ImportFileError as error:
            outcome = f"refused: {error}"
    else:
        from django.core.exceptions import ValidationError
        from django.core.files.uploadedfile import SimpleUploadedFile

        from evaluation.ingest import read_sheet

        try:
            outcome = f"read {len(read_sheet(SimpleUploadedFile('bomb.xlsx', data), 'ratings').rows)} rows"
        except ValidationError as error:
            outcome = f"refused: {' '.join(error.messages)}"
    seconds = time.perf_counter() - started
    return {"outcome": outcome, "seconds": round(seconds, 2), "peak_mb": peak_rss_mb(), "file_bytes": len(data)}


def peak_rss_mb() -> int:
    """This process's peak resident memory. VmHWM, not getrusage: Linux carries ru_maxrss over
    from the parent across fork and exec, so a child started by a large pytest would report the
    parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


if __name__ == "__main__":
    print(json.dumps(_measure(sys.argv[1], sys.argv[2]), ensure_ascii=False))
