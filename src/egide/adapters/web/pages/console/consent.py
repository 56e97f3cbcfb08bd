"""Consent figures: acceptance rates per purpose or per register version over time, as a table and
a chart drawn on the server (SVG). Counts only: no person is shown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from egide.adapters.store.console_queries import consent_counts
from egide.adapters.web.pages.console.chart import acceptance_chart
from egide.adapters.web.pages.console.common import acting, egide_app, page
from egide.adapters.web.pages.security import Staff, require
from egide.domain.errors import InvalidInputError, Problem
from egide.services.consent_figures import acceptance_series, check_options

router = APIRouter(prefix="/console", include_in_schema=False)
Reader = Annotated[Staff, Depends(require("consent.read"))]
MAX_DAYS = 3 * 366


def _dates(since: str | None, until: str | None, today: date) -> tuple[date, date]:
    try:
        end = date.fromisoformat(until) if until else today
        start = date.fromisoformat(since) if since else end - timedelta(days=90)
    except ValueError:
        raise InvalidInputError("a date is not YYYY-MM-DD",
                                problems=[Problem("e.g. 2026-01-31", path="since/until")]) from None
    if start > end or (end - start).days > MAX_DAYS:
        raise InvalidInputError("the dates do not make a period the figures can show",
                                problems=[Problem(f"since before until, at most {MAX_DAYS} days", path="since")])
    return start, end


@router.get("/consent")
def consent_page(request: Request, staff: Reader, by: str = "purpose", period: str = "week",
                 since: str | None = None, until: str | None = None) -> Response:
    app = egide_app(request)
    today = app.store.clock.now().date()

    def show(error: str | None = None, status: int = 200, figures: bool = True) -> Response:
        start, end = _dates(since, until, today) if figures else (today - timedelta(days=90), today)
        grouping, step = (by, period) if figures else ("purpose", "week")
        series = acceptance_series(consent_counts(app.store, start, end), start, end, grouping=grouping, period=step)
        return page(request, "console/consent.html", {
            "series": series, "chart": acceptance_chart(series, "acceptance"), "by": grouping, "period": step,
            "since": start, "until": end, "error": error}, status_code=status)

    def checked() -> Response:
        check_options(by, period)
        return show()
    return acting(request, checked, lambda words, status: show(words, status, figures=False))
