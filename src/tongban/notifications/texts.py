"""The texts of notifications (``texts.yaml``): per topic and language a title, a body
and, for the topics worth a text message, an SMS. Read once; rendered with Jinja.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, Template

LOCALES = ("zh_Hans", "en")
KIND_NAMES = {
    "zh_Hans": {"acceptance": "受理期限", "promised": "承诺期限", "legal": "法定期限"},
    "en": {"acceptance": "Acceptance deadline", "promised": "Promised", "legal": "Legal limit"},
}
# what an alert watches (``alerts.Target.what``), named as the workbench's alert list
# names it (templates/alerts/_list.html): a stage, a case's limit, a 协查, a rating, a 诉求
ALERT_NAMES = {
    "zh_Hans": {
        "accept": "受理",
        "review": "审查",
        "decide": "核准",
        "issue": "制证",
        "deliver": "送达",
        "acceptance": "受理期限",
        "promised": "承诺期限",
        "legal": "法定期限",
        "verification": "协查",
        "rating": "差评整改",
        "complaint": "诉求答复",
        "inspection": "现场踏勘时限",
    },
    "en": {
        "accept": "Acceptance",
        "review": "Review",
        "decide": "Decision",
        "issue": "Issuing",
        "deliver": "Delivery",
        "acceptance": "The acceptance decision",
        "promised": "The promised limit",
        "legal": "The legal limit",
        "verification": "The verification request",
        "rating": "The bad rating's rectification",
        "complaint": "The complaint's answer",
        "inspection": "The on-site inspection",
    },
}
OUTCOME_NAMES = {
    "zh_Hans": {"upheld": "申诉成立，该评价不计入部门得分", "dismissed": "申诉不成立，评价保留"},
    "en": {
        "upheld": "appeal upheld, the rating no longer counts",
        "dismissed": "appeal dismissed, the rating stands",
    },
}


@dataclass(frozen=True)
class Text:
    """One message written out: title (the e-mail's subject), body, and the SMS or None."""

    title: str
    body: str
    sms: str | None


# Plain text only (mail bodies are text/plain, SMS has no markup): escaping would print
# "&lt;" into a message, and no text is ever shown as HTML.
_ENV = Environment(  # nosec B701
    autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False
)


@cache
def catalog() -> dict[str, dict[str, dict[str, Template]]]:
    """topic → locale → part (title, body, sms) → compiled template."""
    raw = yaml.safe_load(
        resources.files("tongban.notifications").joinpath("texts.yaml").read_text("utf-8")
    )
    return {
        topic: {
            locale: {part: _ENV.from_string(text) for part, text in parts.items()}
            for locale, parts in languages.items()
        }
        for topic, languages in raw.items()
    }


def topics() -> frozenset[str]:
    return frozenset(catalog())


def render(topic: str, locale: str, context: dict[str, Any]) -> Text:
    """The message of ``topic`` in ``locale`` (Chinese for an unknown language).

    Raises KeyError for a topic without texts: the sweep then fails the message
    visibly instead of sending an empty one.
    """
    parts = catalog()[topic].get(locale) or catalog()[topic]["zh_Hans"]
    language = locale if locale in LOCALES else "zh_Hans"
    values = {
        "name": "",
        "number": "",
        "case_title": "",
        "opinion": "",
        "actor": "",
        "score_name": "",
        "due_label": "",
        "link": "",
        "rate_link": "",  # an SMS or e-mail that a case is finished: rate without signing in
        "licence_name": "",  # an e-licence's (licence_issued)
        "problems": [],  # 补正: "field: problem" lines of the one-time notice
        "materials": [],  # 容缺: names of the materials still awaited
        "alert": {"what": "", "due_label": ""},  # an alert's: what is due, and when
        "outcome_name": OUTCOME_NAMES[language].get(str(context.get("outcome")), ""),
        **context,
    }
    alert = values["alert"]
    values["alert"] = {**alert, "what": ALERT_NAMES[language].get(alert["what"], alert["what"])}
    values["deadlines"] = [
        {**d, "kind_name": KIND_NAMES[language].get(d.get("kind", ""), d.get("kind", ""))}
        for d in context.get("deadlines") or []
    ]
    sms = parts.get("sms")
    return Text(
        title=parts["title"].render(values).strip(),
        body=parts["body"].render(values).strip(),
        sms=sms.render(values).strip() if sms is not None else None,
    )
