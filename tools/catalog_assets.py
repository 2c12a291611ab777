"""Make the catalog's sample (样表) and blank forms: ``python tools/catalog_assets.py``.

Each is a plain form of fields to fill, with no legal text of its own; the sample is the
same form filled with demo values (identifiers valid under GB 11643 and GB 32100) and
marked 样表 (specimen). Written with reportlab and the font the e-licences embed
(``tongban.licences.pdf.fonts``). Output: src/tongban/catalog/assets/.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from tongban.identifiers.credit import make_credit_code
from tongban.identifiers.resident import make_resident_id
from tongban.licences.pdf import fonts

OUT = Path(__file__).resolve().parents[1] / "src" / "tongban" / "catalog" / "assets"
COMPANY_CODE = make_credit_code("350102", "MA2Y0T7Q")
AGENT_ID = make_resident_id("350102", date(1990, 1, 1), 123)
HOLDER_ID = make_resident_id("350103", date(1985, 6, 18), 456)
HOUSEHOLD_ID = make_resident_id("350104", date(1968, 3, 9), 217)


@dataclass(frozen=True)
class Form:
    """A form: its title, the fields to fill (label, sample value), and who signs."""

    name: str  # the file name's stem
    title: str
    fields: list[tuple[str, str]]
    signatures: list[tuple[str, str]]


AGENT_AUTHORISATION = Form(
    "agent-authorisation",
    "授权委托书",
    [
        ("委托人(单位或个人)名称", "福州示例餐饮有限公司"),
        ("委托人统一社会信用代码或公民身份号码", COMPANY_CODE),
        ("受托人姓名", "王小明"),
        ("受托人公民身份号码", AGENT_ID),
        ("受托人联系电话", "13800000000"),
        ("委托办理的事项", "企业设立登记、食品经营许可证核发"),
        ("委托权限", "提交申请材料、签收文书、领取办理结果"),
        ("委托期限", "2026年12月1日至2026年12月31日"),
    ],
    [("委托人签名(盖章)", "(签名)"), ("受托人签名", "(签名)"), ("日期", "2026年12月1日")],
)

OFFICER_APPOINTMENT = Form(
    "officer-appointment",
    "股东决定(任职文件)",
    [
        ("公司名称", "福州示例餐饮有限公司"),
        ("股东姓名或名称", "李晓华"),
        ("股东公民身份号码或统一社会信用代码", HOLDER_ID),
        ("决定事项一:董事(法定代表人)", "委派李晓华为公司董事,担任法定代表人"),
        ("决定事项二:监事", "委派陈明为公司监事(不设监事的写“不设”)"),
        ("决定事项三:经理", "聘任李晓华为公司经理"),
        ("任期", "三年"),
        ("作出决定的日期", "2026年12月1日"),
    ],
    [("股东签名(盖章)", "(签名)"), ("日期", "2026年12月1日")],
)

FAMILY_FINANCES_CONSENT = Form(
    "family-finances-consent",
    "家庭经济状况核对授权书",
    [
        ("申请人姓名", "林秀英"),
        ("申请人公民身份号码", HOUSEHOLD_ID),
        ("户籍地址", "福州市仓山区示例路8号2座301室"),
        ("共同生活家庭成员一(姓名、关系)", "陈建国,配偶"),
        ("共同生活家庭成员二(姓名、关系)", "陈小雨,女儿(在校学生)"),
        ("授权核对的信息", "户籍、收入、存款、证券、房产、车辆、社保"),
        ("授权查询的单位", "民政部门及有关部门、金融机构"),
        ("授权期限", "自签字之日起至低保待遇终止"),
    ],
    [
        ("申请人签名", "(签名)"),
        ("家庭成员签名", "(签名)"),
        ("日期", "2026年12月1日"),
    ],
)

INVESTORS_COMMITMENT = Form(
    "investors-commitment",
    "全体投资人承诺书(简易注销)",
    [
        ("企业名称", "福州示例餐饮有限公司"),
        ("统一社会信用代码", COMPANY_CODE),
        ("债权债务", "未发生债权债务或已清偿完结"),
        ("清偿费用、职工工资", "未发生或已结清"),
        ("社会保险费用、法定补偿金", "未发生或已结清"),
        ("应缴纳税款(滞纳金、罚款)", "已结清"),
        ("简易注销公示期", "2026年11月1日至2026年11月20日"),
        ("投资人姓名或名称", "李晓华"),
    ],
    [("全体投资人签名(盖章)", "(签名)"), ("日期", "2026年12月1日")],
)


FOOD_BUSINESS_APPLICATION = Form(
    "food-business-application",
    "食品经营许可申请书",
    [
        ("经营者名称", "福州示例餐饮有限公司"),
        ("统一社会信用代码(身份证号码)", COMPANY_CODE),
        ("法定代表人(负责人)", "李晓华"),
        ("住所", "福州市鼓楼区示例路18号"),
        ("经营场所", "福州市鼓楼区示例路18号一层"),
        ("主体业态", "餐饮服务经营者(小型餐馆)"),
        ("经营项目", "热食类食品制售、自制饮品制售"),
        ("食品安全管理人员", "陈明"),
        ("联系电话", "13800000000"),
    ],
    [("申请人签名(盖章)", "(签名)"), ("日期", "2026年12月1日")],
)


def write(form: Form, path: Path, *, sample: bool) -> None:
    """``form`` blank, or filled with its demo values and marked 样表."""
    regular, bold = fonts()
    pdf = Canvas(str(path), pagesize=A4, invariant=True)
    width, height = A4
    pdf.setTitle(f"{form.title}(样表)" if sample else f"{form.title}(空白表)")
    pdf.setFont(bold, 20)
    pdf.drawCentredString(width / 2, height - 30 * mm, form.title)
    if sample:
        pdf.setFont(bold, 12)
        pdf.setFillColorRGB(0.78, 0.09, 0.11)
        pdf.drawRightString(width - 20 * mm, height - 22 * mm, "样表 · 仅供填写参考")
        pdf.setFillColorRGB(0, 0, 0)
    y = height - 50 * mm
    for label, value in form.fields:
        pdf.setFont(regular, 11)
        pdf.drawString(20 * mm, y, f"{label}:")
        pdf.line(95 * mm, y - 1.5 * mm, width - 20 * mm, y - 1.5 * mm)
        if sample:
            pdf.drawString(97 * mm, y, value)
        y -= 14 * mm
    y -= 6 * mm
    for label, value in form.signatures:
        pdf.drawString(20 * mm, y, f"{label}:")
        pdf.line(60 * mm, y - 1.5 * mm, 120 * mm, y - 1.5 * mm)
        if sample:
            pdf.drawString(62 * mm, y, value)
        y -= 14 * mm
    pdf.showPage()
    pdf.save()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for form in (
        AGENT_AUTHORISATION,
        OFFICER_APPOINTMENT,
        FAMILY_FINANCES_CONSENT,
        INVESTORS_COMMITMENT,
        FOOD_BUSINESS_APPLICATION,
    ):
        write(form, OUT / f"{form.name}-blank.pdf", sample=False)
        write(form, OUT / f"{form.name}-sample.pdf", sample=True)


if __name__ == "__main__":
    main()
