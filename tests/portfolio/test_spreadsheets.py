"""The bounded .xlsx reader (portfolio.spreadsheets): decompression bombs are refused within
seconds and a fixed memory bound, through both uploads that read workbooks (operating data and
the task import), and real workbooks still read, merged cells included."""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook as OpenpyxlWorkbook

from portfolio.spreadsheets import Limits, SpreadsheetRefused, open_workbook
from tests import bombs

ROOT = Path(__file__).resolve().parents[2]
# A reader's peak memory over a clean process that reads a one-cell workbook the same way.
PEAK_MEMORY_BOUND_MB = 64


@pytest.fixture(scope="session")
def bomb_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("bombs")


@pytest.fixture(scope="session")
def issue_bomb(bomb_dir):
    """Like the office's probe: under 3 MB that inflates to 1.4 GB of one-cell XML."""
    return bombs.wide_row(bomb_dir / "wide.xlsx", 1400 * 1024 * 1024)


def _refusal(path_or_bytes, limits=None) -> str:
    with pytest.raises(SpreadsheetRefused) as refused, open_workbook(path_or_bytes, limits=limits) as book:
        for _row in book.rows(0):
            pass
    return str(refused.value)


def test_a_real_workbook_reads_row_by_row_with_merged_cells_filled():
    book = OpenpyxlWorkbook()
    sheet = book.active
    sheet["A1"] = "2026年重点任务分工表"
    sheet.merge_cells("A1:C1")
    sheet.append(["序号", "任务", "牵头单位"])
    sheet.append([1, "建设城市大脑", "市大数据局"])
    sheet.merge_cells("B4:C4")
    sheet["B4"] = "二、数字经济"
    buffer = io.BytesIO()
    book.save(buffer)
    with open_workbook(buffer.getvalue()) as opened:
        assert list(opened.rows(0, fill_merged=True)) == [
            ("2026年重点任务分工表",) * 3,
            ("序号", "任务", "牵头单位"),
            (1, "建设城市大脑", "市大数据局"),
            (None, "二、数字经济", "二、数字经济"),
        ]
        assert next(iter(opened.rows(0))) == ("2026年重点任务分工表", None, None)


def test_the_issue_s_bomb_is_refused_from_the_zip_directory(issue_bomb):
    assert issue_bomb.stat().st_size < 3 * 1024 * 1024
    started = time.perf_counter()
    message = _refusal(issue_bomb)
    assert "倍" in message or "MB" in message
    assert time.perf_counter() - started < 1  # nothing was inflated


def test_a_declared_dimension_of_a_million_rows_reads_the_one_real_row(bomb_dir):
    with open_workbook(bombs.declared_dimension(bomb_dir / "dimension.xlsx")) as book:
        assert list(book.rows(0)) == [(1,)]


@pytest.mark.parametrize(("reference", "says"), [(b"XFD1", "列"), (b"A1048576", "行")])
def test_a_cell_at_a_far_address_is_refused_before_any_padding(bomb_dir, reference, says):
    assert says in _refusal(bombs.far_cell(bomb_dir / f"far-{reference.decode()}.xlsx", reference))


def test_too_many_rows_stop_the_scan_at_the_limit(bomb_dir):
    path = bombs.many_rows(bomb_dir / "rows.xlsx", 250_000)
    assert "200000" in _refusal(path)


def test_shared_strings_are_counted_before_openpyxl_loads_them(bomb_dir):
    path = bombs.shared_strings(bomb_dir / "strings.xlsx", 1_100_000)
    assert "倍" in _refusal(path)  # the ratio says it first
    assert "1000000" in _refusal(path, Limits(max_ratio=10**6))


def test_overlapping_merged_ranges_may_not_cover_more_than_the_sheet(bomb_dir):
    limits = Limits(max_rows=10, max_columns=5)
    with open_workbook(bombs.merged(bomb_dir / "merged-ok.xlsx", [b"A1:E10"]), limits=limits) as book:
        assert list(book.rows(0, fill_merged=True)) == [(1,) * 5] * 10
    path = bombs.merged(bomb_dir / "merged-overlap.xlsx", [b"A1:E10", b"A1:E10"])
    assert "合并" in _refusal(path, limits)


def test_a_cell_longer_than_excel_allows_is_refused(bomb_dir):
    assert "32767" in _refusal(bombs.long_text(bomb_dir / "text.xlsx", 40_000))


def test_entities_are_refused(bomb_dir):
    assert "文档类型声明" in _refusal(bombs.entities(bomb_dir / "laughs.xlsx"))


def test_a_huge_style_sheet_is_refused(bomb_dir):
    path = bombs.many_styles(bomb_dir / "styles.xlsx", 300_000)
    assert "styles.xml" in _refusal(path, Limits(max_ratio=10**6))


def test_a_part_that_inflates_past_its_declared_size_is_cut_there(bomb_dir):
    path = bombs.lying_directory(bomb_dir / "lying.xlsx", inflated=40 * 1024 * 1024, declared=2 * 1024 * 1024)
    assert "无法读取" in _refusal(path)


def test_too_many_parts_or_bytes_in_total_are_refused(bomb_dir):
    path = bombs.many_rows(bomb_dir / "small.xlsx", 1000)
    assert "MB" in _refusal(path, Limits(max_inflated_bytes=10_000))
    assert "部件" in _refusal(path, Limits(max_members=3))


def test_the_ratings_upload_refuses_the_bomb_with_a_message(api, owner, issue_bomb):
    upload = io.BytesIO(issue_bomb.read_bytes())
    upload.name = "ratings.xlsx"
    response = api.as_(owner).post("/api/v1/ratings/upload/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "倍" in json.dumps(response.json(), ensure_ascii=False)


def _peak(path: Path, reader: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.bombs", str(path), reader],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("reader", ["ratings", "tasks"])
def test_peak_memory_of_a_worker_reading_bombs_stays_bounded(bomb_dir, issue_bomb, reader):
    """Each bomb read in a process of its own; its peak RSS is compared with the same process
    reading a one-cell workbook. The figures are in docs/reliability.md."""
    plain = bomb_dir / "plain.xlsx"
    plain.write_bytes(bombs.base_workbook())
    baseline = _peak(plain, reader)
    cases = {
        "wide row, 1.4 GB inflated": issue_bomb,
        "250,000 rows (within the zip limits)": bombs.many_rows(bomb_dir / "rows-peak.xlsx", 250_000),
        "1.1 million shared strings": bombs.shared_strings(bomb_dir / "strings-peak.xlsx", 1_100_000),
        "part larger than declared": bombs.lying_directory(
            bomb_dir / "lying-peak.xlsx", inflated=400 * 1024 * 1024, declared=4 * 1024 * 1024
        ),
    }
    figures = {}
    for name, path in cases.items():
        figure = _peak(path, reader)
        figures[name] = figure
        assert figure["outcome"].startswith("refused"), (name, figure)
        assert figure["peak_mb"] - baseline["peak_mb"] < PEAK_MEMORY_BOUND_MB, (name, figure, baseline)
    print(json.dumps({"reader": reader, "baseline": baseline, "bombs": figures}, ensure_ascii=False))


def test_the_inflated_limit_is_a_setting():
    assert Limits().inflated_bytes == settings.SPREADSHEET_MAX_INFLATED_BYTES


def test_attachments_are_judged_by_their_first_bytes_and_never_unpacked(monkeypatch, issue_bomb):
    """.docx/.pptx/.xlsx attachments are stored as they came: nothing on the server inflates them."""
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from portfolio.uploads import validate_upload

    def unpacked(*args, **kwargs):
        raise AssertionError("an attachment was opened as a zip")

    monkeypatch.setattr(zipfile, "ZipFile", unpacked)
    assert validate_upload(SimpleUploadedFile("大屏方案.xlsx", issue_bomb.read_bytes())).extension == "xlsx"
