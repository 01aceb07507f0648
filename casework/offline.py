"""Verify a journey's export on its own, with the sealer's public key and no database.

The export carries each event's stored form, so every link is recomputed here, and the newest
checkpoint that names the journey's head with the Merkle path that proves it; the checkpoint's
signature is checked with the public key. What it cannot show offline is what came after that
checkpoint: such events are reported as not yet checkpointed.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from casework.chain import link_over
from casework.checkpoints import LoggedLink, proves_head, signature_problem
from casework.integrity import ReadEvent, check_link
from casework.integrity_report import Break, IntegrityReport
from casework.signing import Verifier


def verify_export(export: Any, verifier: Verifier) -> IntegrityReport:
    """Check an export's chain and its checkpoint proof; every finding is a break."""
    report = IntegrityReport("export")
    events = export.get("events") if isinstance(export, dict) else None
    if not isinstance(events, list) or not events:
        report.add(Break("unreadable", "The file is not a journey export: it lists no events."))
        return report
    previous: LoggedLink | None = None
    stream: UUID | None = None
    links: dict[int, str] = {}
    for number, exported in enumerate(events, start=1):
        read = _read(exported)
        if read is None or (stream is not None and read.logged.aggregate_id != stream):
            detail = f"Event {number} of the export has no stored form of this journey."
            report.add(Break("unreadable", detail, None, stream, number))
            continue
        stream = read.logged.aggregate_id
        if exported.get("link") != read.logged.link:
            detail = "The link shown differs from the link of the stored form: the file was edited."
            report.add(Break("altered", detail, None, stream, read.logged.version))
        check_link(read, previous, report)
        previous = read.logged
        links[previous.version] = previous.link
        report.events_checked += 1
    if previous is None or stream is None:
        return report
    sealed_version = _check_proof(export, verifier, str(stream), links, report)
    report.unsealed_events = max(previous.version - sealed_version, 0)
    return report


def _read(exported: object) -> ReadEvent | None:
    form = exported.get("stored") if isinstance(exported, dict) else None
    if not isinstance(form, dict) or not isinstance(form.get("state"), dict):
        return None
    version = form.get("originator_version")
    try:
        stream = UUID(str(form.get("originator_id")))
        link = link_over(form)
    except (ValueError, TypeError):
        return None
    if type(version) is not int:
        return None
    return ReadEvent(
        LoggedLink(0, stream, version, link), form["state"].get("previous_link"), None, None
    )


def _check_proof(
    export: dict[str, Any],
    verifier: Verifier,
    stream: str,
    links: dict[int, str],
    report: IntegrityReport,
) -> int:
    """Check the checkpoint proof of the journey's head; return the version it covers."""
    integrity = export.get("integrity")
    proof = integrity.get("proof") if isinstance(integrity, dict) else None
    if proof is None:
        return 0
    checkpoint = proof.get("checkpoint") if isinstance(proof, dict) else None
    head = proof.get("head") if isinstance(proof, dict) else None
    problem = signature_problem(verifier, checkpoint)
    if problem is not None or not isinstance(checkpoint, dict):
        report.add(Break("bad_checkpoint", f"The export's checkpoint: {problem}"))
        return 0
    if not isinstance(head, dict) or not proves_head(head, stream, checkpoint):
        detail = "The export's proof does not show that its checkpoint covers this journey."
        report.add(Break("bad_checkpoint", detail))
        return 0
    report.checkpoints_checked = 1
    report.sealed_through = checkpoint["through_position"]
    version = int(head["version"])
    if version not in links:
        detail = f"Version {version}, covered by the checkpoint, is not in the export."
        report.add(Break("missing", detail, head.get("position"), UUID(stream), version))
    elif links[version] != head["link"]:
        detail = f"Version {version} differs from the one the checkpoint covered."
        report.add(Break("altered", detail, head.get("position"), UUID(stream), version))
    return version
