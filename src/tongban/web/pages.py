"""All page routers, gathered in one place for the app."""

from __future__ import annotations

from fastapi import APIRouter

from tongban.accounts.views import router as accounts_views
from tongban.cases.draft_views import router as draft_views
from tongban.cases.intake_views import router as intake_views
from tongban.cases.material_views import router as material_views
from tongban.cases.review_views import router as review_views
from tongban.cases.staff_views import router as staff_views
from tongban.cases.verification_views import router as verification_views
from tongban.cases.views import router as case_views
from tongban.catalog.admin_views import router as catalog_admin_views
from tongban.catalog.views import router as catalog_views
from tongban.ratings.views import router as ratings_views
from tongban.supervision.views import router as supervision_views

router = APIRouter(include_in_schema=False)
for _views in (
    catalog_views,
    accounts_views,
    case_views,
    material_views,
    draft_views,
    review_views,
    intake_views,
    staff_views,
    ratings_views,
    verification_views,
    supervision_views,
    catalog_admin_views,
):
    router.include_router(_views)
