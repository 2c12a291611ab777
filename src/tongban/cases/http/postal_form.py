"""The mailing address on form pages (邮寄送达): its inputs, with their values and problems,
and the address as posted. The rules it is checked by are in ``stages/postal.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tongban.cases.models import PostalDelivery
from tongban.cases.stages.postal import FIELDS, MAX_LENGTHS
from tongban.forms.inputs import FormField

TITLES = {
    "recipient": ("收件人", "Recipient"),
    "phone": ("收件人电话", "Recipient's phone"),
    "address": ("邮寄地址", "Mailing address"),
}


def from_form(form: Mapping[str, Any]) -> dict[str, str] | None:
    """The mailing address posted with a form page (inputs ``postal_<field>``), if any."""
    if not any(f"postal_{name}" in form for name in FIELDS):
        return None
    return {name: str(form.get(f"postal_{name}") or "") for name in FIELDS}


def form_fields(
    postal: PostalDelivery | None, problems: Mapping[str, str], locale: str
) -> list[FormField]:
    """The inputs of the mailing address on a form page, with their values and problems."""
    hint = "Required for delivery by post" if locale == "en" else "选择邮寄送达时必填"
    return [
        FormField(
            name=f"postal_{name}",
            title=TITLES[name][1 if locale == "en" else 0],
            widget="textarea" if name == "address" else "text",
            required=False,
            value=getattr(postal, name) if postal else None,
            error=problems.get(f"postal.{name}"),
            description=hint,
            attrs={"maxlength": MAX_LENGTHS[name]},
        )
        for name in FIELDS
    ]
