"""Build the small real attachment files the sample sites link to (run once, output committed).

Run: ``python -m crawler.samplesites.make_assets``. Needs reportlab and xlwt, which are
generation-time tools only: the files they write are committed under ``assets/`` so neither
the generator nor the tests need them. Every file carries Chinese text so the attachment
task can check text extraction end to end.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

ASSETS = Path(__file__).with_name("assets")
FIXED_TIME = dt.datetime(2021, 3, 15, 9, 0, 0)

PDF_LINES = [
    "濉溪县2021年部门预算公开说明",
    "一、收支预算总体情况",
    "2021年收入预算合计12345.67万元，支出预算合计12345.67万元。",
    "二、一般公共预算拨款支出情况",
    "教育支出9876.54万元，主要用于义务教育阶段学校运转。",
]
DOCX_LINES = [
    "濉溪县2021年义务教育阶段学校招生入学报名表",
    "学生姓名、性别、出生日期、户籍所在地、实际居住地址。",
    "监护人签字：__________  报名日期：2021年7月",
]
XLS_ROWS = [
    ("项目", "预算数（万元）", "决算数（万元）"),
    ("一般公共服务支出", 1234.5, 1220.1),
    ("教育支出", 9876.54, 9850.0),
    ("社会保障和就业支出", 456.7, 460.2),
]
XLSX_ROWS = [
    ("标段", "中标单位", "中标金额（元）"),
    ("第一标段", "安徽某建设工程有限公司", 3456789.0),
    ("第二标段", "淮北某市政工程有限公司", 2345678.5),
]
# A "Word document" that is really RTF: common in the wild; the attachment task must sniff it.
RTF_TEXT = "招生报名须知：请携带户口簿和房产证明原件。"


def make_pdf(path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    # A CID font (not embedded) keeps the file tiny and lets pdfminer map glyphs back to text.
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 14)
    y = 780
    for line in PDF_LINES:
        c.drawString(60, y, line)
        y -= 28
    c.showPage()
    c.save()


def make_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for line in DOCX_LINES:
        document.add_paragraph(line)
    props = document.core_properties
    props.author = "濉溪县教育局"
    props.created = props.modified = FIXED_TIME
    props.last_modified_by = "濉溪县教育局"
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def make_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("预算决算")
    for r, row in enumerate(XLS_ROWS):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))


def make_xlsx(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "中标结果"
    for row in XLSX_ROWS:
        sheet.append(row)
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))


def make_rtf_doc(path: Path) -> None:
    escaped = "".join(f"\\u{ord(ch)}?" if ord(ch) > 127 else ch for ch in RTF_TEXT)
    path.write_bytes(("{\\rtf1\\ansi\\ansicpg936\\deff0 " + escaped + "\\par}\n").encode("ascii"))


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so regenerating gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def main() -> None:
    ASSETS.mkdir(exist_ok=True)
    make_pdf(ASSETS / "budget-2021.pdf")
    make_docx(ASSETS / "admission-form-2021.docx")
    make_xls(ASSETS / "budget-final-2021.xls")
    make_xlsx(ASSETS / "tender-result.xlsx")
    make_rtf_doc(ASSETS / "enrollment-notice.doc")


if __name__ == "__main__":
    main()
