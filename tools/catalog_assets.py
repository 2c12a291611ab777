"""Make the catalog's sample (样表) and blank forms: ``python tools/catalog_assets.py``.

Each is a plain form of fields to fill, with no legal text of its own; the sample is the
same form filled with demo values and marked 样表 (specimen). Written with reportlab and
the font the e-licences embed (``tongban.licences.pdf.fonts``). Output:
src/tongban/catalog/assets/.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from tongban.licences.pdf import fonts

OUT = Path(__file__).resolve().parents[1] / "src" / "tongban" / "catalog" / "assets"

AGENT_FIELDS = [  # (label, sample value)
    ("委托人(单位或个人)名称", "福州示例餐饮有限公司"),
    ("委托人统一社会信用代码或公民身份号码", "91350100MA00000000"),
    ("受托人姓名", "王小明"),
    ("受托人公民身份号码", "350102199001010000"),
    ("受托人联系电话", "13800000000"),
    ("委托办理的事项", "食品经营许可证核发"),
    ("委托权限", "提交申请材料、签收文书、领取办理结果"),
    ("委托期限", "2026年12月1日至2026年12月31日"),
]


def agent_authorisation(path: Path, *, sample: bool) -> None:
    """授权委托书: the fields a grantor fills, blank or with demo values."""
    regular, bold = fonts()
    pdf = Canvas(str(path), pagesize=A4, invariant=True)
    width, height = A4
    pdf.setTitle("授权委托书(样表)" if sample else "授权委托书(空白表)")
    pdf.setFont(bold, 20)
    pdf.drawCentredString(width / 2, height - 30 * mm, "授权委托书")
    if sample:
        pdf.setFont(bold, 12)
        pdf.setFillColorRGB(0.78, 0.09, 0.11)
        pdf.drawRightString(width - 20 * mm, height - 22 * mm, "样表 · 仅供填写参考")
        pdf.setFillColorRGB(0, 0, 0)
    y = height - 50 * mm
    for label, value in AGENT_FIELDS:
        pdf.setFont(regular, 11)
        pdf.drawString(20 * mm, y, f"{label}:")
        pdf.line(95 * mm, y - 1.5 * mm, width - 20 * mm, y - 1.5 * mm)
        if sample:
            pdf.setFont(regular, 11)
            pdf.drawString(97 * mm, y, value)
        y -= 14 * mm
    y -= 6 * mm
    for label, value in (
        ("委托人签名(盖章)", "(签名)"),
        ("受托人签名", "(签名)"),
        ("日期", "2026年12月1日"),
    ):
        pdf.drawString(20 * mm, y, f"{label}:")
        pdf.line(60 * mm, y - 1.5 * mm, 120 * mm, y - 1.5 * mm)
        if sample:
            pdf.drawString(62 * mm, y, value)
        y -= 14 * mm
    pdf.showPage()
    pdf.save()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    agent_authorisation(OUT / "agent-authorisation-blank.pdf", sample=False)
    agent_authorisation(OUT / "agent-authorisation-sample.pdf", sample=True)


if __name__ == "__main__":
    main()
