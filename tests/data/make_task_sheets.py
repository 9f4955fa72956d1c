"""Build the messy task-list workbooks the import tests read (run: python tests/data/make_task_sheets.py).

They copy what real 任务分工表 look like: a merged title row, a blank row, section rows merged
across the table, units written inline in the task text in several bracket styles, two lead
units in one cell, collective phrases, line breaks inside cells, Chinese deadlines and an Excel
date cell, plus rows that cannot be read. The committed .xlsx files are the output of this script.
"""

import struct
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
HEADER = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]

GOOD_ROWS = [
    ("一、城市数字化共性基础",),
    ("1", "建设城市数据底座（牵头单位：市大数据局；责任单位：各区政府）", "", "", "2026年6月底前"),
    ("2", "推进公共数据授权运营（市数据局牵头，市财政局、市发改委配合）", "", "", "年底前"),
    ("3", "建成一体化算力网络", "市数据局、市发展改革委", "市工信局\n市财政局", "11月底"),
    ("二、普惠数字公共服务",),
    ("4", "推行出生“一件事”一次办", "市卫健委", "市公安局，市医保局、各区市政府", "2026-12-31"),
    ("5", "推广看病就医“一码通”【牵头单位：市医保局】", "", "市直有关部门、单位", "持续推进"),
    ("6", "公交电子站牌覆盖主城区", "临江市交通运输局", "", datetime(2026, 10, 31)),
    ("7", "建设智慧停车“一张网”", "市交通局", "各县（市、区）政府", "长期坚持"),
]
BAD_ROWS = [
    ("三、精准精细治理",),
    ("8", "城市运行“一网统管”", "各区政府", "市城管局", "2026年9月"),
    ("9", "推进数字乡村试点", "市农业农村委", "", "2026年10月底前"),
    ("10", "应急指挥“一张图”升级", "市应急局", "", "尽快"),
    ("11", "城市内涝监测预警", "", "市应急局", "2026年8月"),
]


def workbook(rows, title="临江市2026年城市数字化转型重点任务分工表"):
    book = Workbook()
    sheet = book.active
    sheet.title = "任务分工"
    sheet.append([title])
    sheet.merge_cells("A1:E1")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
        if len(row) == 1:  # a section row, merged across the table as real sheets do
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=5)
    for column, width in zip("ABCDE", (6, 60, 28, 32, 16), strict=True):
        sheet.column_dimensions[column].width = width
    return book


def encrypted_container() -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file holding the
    streams EncryptionInfo and EncryptedPackage (here with no real cipher text)."""
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    header = header.ljust(512, b"\0")
    entries = b""
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        encoded = (name + "\0").encode("utf-16-le")
        entries += encoded.ljust(64, b"\0") + struct.pack("<H", len(encoded)) + bytes(62)
    return header + entries.ljust(512, b"\0")


def main():
    workbook(GOOD_ROWS).save(HERE / "task_list_messy.xlsx")
    workbook(GOOD_ROWS + BAD_ROWS).save(HERE / "task_list_with_bad_rows.xlsx")
    empty = Workbook()
    empty.active.title = "任务分工"
    empty.save(HERE / "task_list_empty.xlsx")
    (HERE / "task_list_encrypted.xlsx").write_bytes(encrypted_container())
    (HERE / "task_list_not_excel.xlsx").write_text(
        "序号,任务,牵头单位\n1,建设城市数据底座,市数据局\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
