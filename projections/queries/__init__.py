"""The read side's questions, answered from the read-model tables (never by replaying journeys).

One module per read model; callers ask `queries.caseload(...)`, `queries.follow_up_worklist(...)`.
"""

from projections.queries.access_log import (
    access_log_entries,
    access_queries_entries,
    sign_in_history,
)
from projections.queries.clients import clients_by_pseudonym
from projections.queries.decisions import (
    decision_register,
    decision_register_rows,
    decisions_matching,
    pause_reviews,
)
from projections.queries.follow_ups import (
    follow_up_adherence,
    follow_up_status,
    follow_up_summary,
    follow_up_urgency,
    follow_up_worklist,
    owed_by,
)
from projections.queries.journeys import caseload, client_ids, phase_on
from projections.queries.staff import (
    named,
    named_page,
    practitioner_names,
    practitioner_tokens,
    staff_list,
)
from projections.queries.timeline import corrections, journey_timeline

__all__ = [
    "access_log_entries",
    "access_queries_entries",
    "caseload",
    "client_ids",
    "clients_by_pseudonym",
    "corrections",
    "decision_register",
    "decision_register_rows",
    "decisions_matching",
    "follow_up_adherence",
    "follow_up_status",
    "follow_up_summary",
    "follow_up_urgency",
    "follow_up_worklist",
    "journey_timeline",
    "named",
    "named_page",
    "owed_by",
    "pause_reviews",
    "phase_on",
    "practitioner_names",
    "practitioner_tokens",
    "sign_in_history",
    "staff_list",
]
