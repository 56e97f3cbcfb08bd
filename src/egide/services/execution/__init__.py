"""Executing data-subject rights on the company's databases and log files (the dataset), as
services the request lifecycle calls: access (art. 15), rectification (art. 16), erasure
(art. 17) and its replay after a restored backup, portability (art. 20).

Each takes its collaborators explicitly: Egide's store (steps, erasure log, suppression list,
audit trail), the dataset, an Engine on the company's database, the register, the request id,
the person's identifiers and a clock. See docs/execution.md.
"""

from egide.services.execution.access import AccessResult, run_access
from egide.services.execution.erasure import (
    ErasureResult,
    KeptRows,
    TableErasure,
    describe_erasure,
    plan_erasure,
    run_erasure,
)
from egide.services.execution.keep import KeepRule, keep_rules
from egide.services.execution.portability import PortabilityResult, run_portability
from egide.services.execution.rectification import (
    RectificationResult,
    run_rectification,
)
from egide.services.execution.replay import ReplayResult, replay_erasures

__all__ = [
    "AccessResult", "ErasureResult", "KeepRule", "KeptRows", "PortabilityResult", "RectificationResult",
    "ReplayResult", "TableErasure", "describe_erasure", "keep_rules", "plan_erasure", "replay_erasures", "run_access",
    "run_erasure", "run_portability", "run_rectification",
]
