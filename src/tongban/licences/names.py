"""What a page calls an e-licence: its name (证照名称) in the page's language, the English
of the result of the item it was issued under (the catalog's result ``name_en``)."""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import Context
from sqlalchemy.orm import object_session

from tongban.catalog import service as catalog
from tongban.licences.models import Licence


def name_en(licence: Licence) -> str | None:
    """``licence``'s name in English, None where the catalog gives none (or the item
    is gone, or the licence was issued under another name)."""
    session = object_session(licence)
    if session is None:
        return None
    return catalog.result_name_en(session, item_code=licence.item_code, name=licence.name)


@pass_context
def licence_name(context: Context, licence: Licence) -> str:
    """``licence_name(licence)``: its name in the page's language (:func:`name_en`)."""
    english = name_en(licence) if context.get("locale") == "en" else None
    return english or licence.name
