"""For which enterprise a form's data may be pulled: the one whose credit code the form
names (``credit_code``), when the applicant may act for it (``holders.acts_for_enterprise``:
the account is that enterprise's, or its legal representative's by verified identity),
else the account's own. Form pre-fill (``pulling``) and material pulls (``materials``)
ask this one question, so an agent acting for a company gets that company's fields and
someone who may not gets the reason, and no data.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.licences.holders import acts_for_enterprise, register_record
from tongban.pii.service import same_identifier


class NotActing(Exception):
    """The form names an enterprise (its credit code) the applicant may not act for."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def sentence(self) -> tuple[str, str]:
        """Why nothing of the enterprise is pulled, in Chinese and English."""
        return (
            f"表单所填统一社会信用代码 {self.code} 的企业，市场主体登记库登记的法定代表人"
            "不是您（须已实名认证），您的账号也不是该企业的账号，不能调取该企业的数据：请核对"
            "代码，或由该企业、其法定代表人或其授权的经办人办理",
            f"The enterprise of the credit code {self.code} in the form is not yours: the "
            "enterprise register names someone else as its legal representative (your "
            "identity must be verified) and this is not the enterprise's account, so its "
            "data cannot be pulled. Check the code, or let the enterprise, its legal "
            "representative or an agent it authorised apply",
        )


def named_code(answers: dict[str, Any]) -> str | None:
    """The credit code the form names (``credit_code``), if any."""
    named = answers.get("credit_code")
    return named if isinstance(named, str) and named else None


def enterprise_key(session: Session, answers: dict[str, Any], applicant: User) -> str | None:
    """The credit code of the enterprise whose record is needed: the one the form names,
    else the account's own. Raises :class:`NotActing` when the form names an enterprise
    the applicant may not act for."""
    named = named_code(answers)
    if named is None:
        return applicant.credit_code
    own = applicant.credit_code is not None and same_identifier(named, applicant.credit_code)
    if not own and not acts_for_enterprise(applicant, named, register_record(session, named)):
        raise NotActing(named)
    return named


def own_codes(session: Session, answers: dict[str, Any], applicant: User) -> list[str]:
    """The resident ID numbers and credit codes whose records found by another number (a
    property certificate, a project code, a contract filing) the applicant may use as
    their own: the account's verified ones (实名认证) and the enterprise the form names
    when the applicant may act for it."""
    codes = list(applicant.verified_codes)
    try:
        named = enterprise_key(session, answers, applicant)
    except NotActing:
        named = None
    return [*codes, named] if named and named not in codes else codes


def owned(subjects: list[str], codes: list[str]) -> bool:
    """Whether one of ``subjects`` (whose record it is) is one of ``codes``."""
    return any(same_identifier(subject, code) for subject in subjects for code in codes)
