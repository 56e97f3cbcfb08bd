"""`audit.purge`: the audit trail kept for ``audit_retention_months`` (6 to 12, the CNIL's logging
recommendation), purged once a day by the job runner through the same service as `egide audit purge`:
the events older than the cutoff deleted and a signed anchor kept, so the chain still verifies."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from egide.services.audit_retention import purge_audit_trail

if TYPE_CHECKING:
    from egide.bootstrap import App

log = logging.getLogger("egide.jobs")
ACTOR = "job:audit.purge"


def purge_audit_job(app: "App") -> None:
    """Delete the audit events older than ``audit_retention_months`` at the app's clock."""
    result = purge_audit_trail(app.store, app.settings.audit_retention_months, actor=ACTOR)
    if result.anchor is None:
        log.info("audit.purge: no event before %s", result.cutoff.isoformat())
    else:
        log.info("audit.purge: %d event(s) before %s purged; the trail starts after event %d",
                 result.purged, result.cutoff.isoformat(), result.anchor.seq)
