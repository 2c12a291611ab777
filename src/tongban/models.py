"""Imports every domain's ORM models so that metadata is complete (Alembic, tests)."""

from __future__ import annotations


def load_all() -> None:
    """Register every table on ``tongban.db.Base.metadata``, and every material provider
    the domains above ``cases`` register for their ways (``cases.materials.registry``)."""
    from tongban.accounts import models as _accounts  # noqa: F401
    from tongban.alerts import models as _alerts  # noqa: F401
    from tongban.assistant import models as _assistant  # noqa: F401
    from tongban.audit import models as _audit  # noqa: F401
    from tongban.benefits import hooks as _benefit_hooks  # noqa: F401  (a grant's reference day)
    from tongban.benefits import models as _benefits  # noqa: F401
    from tongban.cases import models as _cases  # noqa: F401
    from tongban.cases.core import watch as _watch  # noqa: F401  the clock.watch job
    from tongban.catalog import models as _catalog  # noqa: F401
    from tongban.complaints import models as _complaints  # noqa: F401
    from tongban.complaints import tasks as _complaint_watch  # noqa: F401  complaint.watch
    from tongban.experts import hooks as _expert_hooks  # noqa: F401  (no manual resume)
    from tongban.experts import models as _experts  # noqa: F401
    from tongban.experts import tasks as _expert_deadline  # noqa: F401  expert_panel.deadline
    from tongban.inspection import hooks as _inspection_hooks  # noqa: F401  (the review hold)
    from tongban.inspection import models as _inspection  # noqa: F401
    from tongban.instant import hooks as _instant_hooks  # noqa: F401  (the rules, after screening)
    from tongban.instant import models as _instant  # noqa: F401
    from tongban.integration import models as _integration  # noqa: F401
    from tongban.integration import webhooks as _webhooks  # noqa: F401  (events, deliveries)
    from tongban.jobs import models as _jobs  # noqa: F401
    from tongban.lenient import hooks as _lenient  # noqa: F401  (acceptance, holds, late uploads)
    from tongban.lenient import models as _lenient_models  # noqa: F401
    from tongban.licences import issuing, provider  # noqa: F401 — the licence maker and provider
    from tongban.messaging import models as _messaging  # noqa: F401
    from tongban.notices import hooks as _notice_hooks  # noqa: F401  (opening, decision hold)
    from tongban.notices import models as _notices  # noqa: F401
    from tongban.notices import tasks as _notice_end  # noqa: F401  notice.end
    from tongban.outbox import models as _outbox  # noqa: F401
    from tongban.payments import hooks as _payments  # noqa: F401  (orders, holds, delivery)
    from tongban.payments import models as _payment_models  # noqa: F401
    from tongban.pii import models as _pii  # noqa: F401
    from tongban.queueing import models as _queueing  # noqa: F401
    from tongban.ratings import models as _ratings  # noqa: F401
    from tongban.ratings import tasks as _rating_watch  # noqa: F401  the rating.watch job
    from tongban.risk import hooks as _risk_hooks  # noqa: F401  (screening of received cases)
    from tongban.risk import models as _risk  # noqa: F401
    from tongban.sharing import models as _sharing  # noqa: F401
    from tongban.sharing import register as _sharing_hooks  # noqa: F401  (fillers, providers)
    from tongban.supervision import models as _supervision  # noqa: F401
    from tongban.supervision import tasks as _metrics_refresh  # noqa: F401  the metrics.refresh job
    from tongban.verification import automatic as _verified  # noqa: F401  its material way
    from tongban.verification import hooks as _verification_hooks  # noqa: F401  approval waits
    from tongban.verification import models as _verification  # noqa: F401
    from tongban.verification import tasks as _verification_watch  # noqa: F401
    from tongban.web import idempotency as _idempotency  # noqa: F401
    from tongban.workdays import models as _workdays  # noqa: F401
