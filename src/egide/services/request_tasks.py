"""The parts of a request that people do, and how they end the request.

- Manual sources (the manual connector): a run opens one task per manual source of the datasets
  whose rights include the request's right, due ``due_in`` from the run and never after the
  request's due date. The request stays ``running`` until every task is closed; running it again
  then answers it, with what each person found and did (see docs/requests.md for why).
- Human review of an automated decision (art. 22(3)): a run opens a review task naming the
  register's automated decisions, due on the request's due date; the reviewer's outcome (upheld or
  changed, with reasons) is the answer sent to the person (:func:`record_review`).
- Objection to a legitimate-interest purpose (art. 21(1)): a run records the objection (honoured
  while it is assessed) and opens a task for the DPO; :func:`decide_objection` upholds it or
  overrides it with the compelling legitimate grounds written down, and answers the person.
"""

from __future__ import annotations

from typing import Any, Iterable

from egide.domain.audit import AuditEvent
from egide.domain.decisions import MARKETING
from egide.domain.durations import Duration
from egide.domain.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from egide.domain.notices import NoticeKind
from egide.domain.requests import DataSubjectRequest, Move, Right
from egide.domain.tasks import ObjectionDecision, ReviewOutcome, Task, TaskKind, required_text, task_due
from egide.services.request_desk import (
    Change,
    RequestDesk,
    apply_move,
    deadline_of,
    deliver_notices,
    digest,
    load,
    queue_notice,
)
from egide.services.tasks import close, open_task

OBJECTION_BASES = ("legitimate_interests", "public_task")  # art. 21(1): processing on art. 6(1)(e) or (f)


def _words(language: str, fr: str, en: str) -> str:
    return fr if language == "fr" else en


def answer_in(uow: Any, desk: RequestDesk, request: DataSubjectRequest, result: str) -> tuple[DataSubjectRequest, str]:
    """Answer the request in this unit of work: the move, its audit event, the notice queued."""
    on_time = desk.today() <= deadline_of(uow, desk, request).due(desk.today())
    request = apply_move(uow, desk, request, Move.mark_answered, {"on_time": on_time},
                         answered_at=desk.now(), result=result)
    return request, queue_notice(uow, desk, request, NoticeKind.answered, result=result)


# --- manual sources ---------------------------------------------------------------------------


def open_manual_tasks(desk: RequestDesk, reference: str, datasets: Iterable[Any]) -> list[Task]:
    """One task per manual source concerned by the request's right (opened once); returns them."""
    sources = [(dataset.name, source) for dataset in datasets for source in dataset.manual]
    if not sources:
        return []
    opened = []
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        request_due = deadline_of(uow, desk, request).due(desk.today())
        for name, source in sources:
            if request.right.value in source.rights:
                task, _ = open_task(uow, desk, request, kind=TaskKind.manual_source, source=f"{name}/{source.name}",
                                    title=source.description, instructions=_manual_instructions(request, source),
                                    due_on=task_due(desk.today(), Duration.parse(source.due_in), request_due),
                                    assignee=source.assignee)
                opened.append(task)
    return opened


def _manual_instructions(request: DataSubjectRequest, source: Any) -> str:
    what = {"access": "find every record of the person and send a copy to the DPO",
            "rectification": "correct the person's records as requested",
            "erasure": "destroy the person's records, except those the law requires to keep (say which and why)",
            "restriction": "mark the person's records as restricted: keep them, use them for nothing else",
            "portability": "find what the person provided and send a copy to the DPO",
            "objection": "stop using the person's records for the purpose objected to"}[request.right.value]
    return (f"{request.right.article} request {request.reference}: search {source.description}: {what}. "
            "Record what you found and did with `egide task done ID --outcome ...`; it goes to the person.")


def closed_task_lines(tasks: list[Task], outcomes: dict[str, str | None], language: str) -> list[str]:
    """What the people who searched the manual sources found and did, for the answer."""
    label = _words(language, "Recherche manuelle", "Searched by hand")
    return [f"{label} ({t.title}){_colon(language)}{outcomes.get(t.id) or ''}"
            for t in tasks if t.kind is TaskKind.manual_source and t.decision != "cancelled"]


def _colon(language: str) -> str:
    return " : " if language == "fr" else ": "


# --- human review (art. 22(3)) -------------------------------------------------------------------


def open_review_task(desk: RequestDesk, reference: str, register: Any) -> Task:
    decisions = [(activity.key, d) for activity in register.activities for d in activity.automated_decisions]
    source = ",".join(sorted(d.key for _, d in decisions))[:300] or "none-declared"
    title = ("Human review of: " + "; ".join(d.description for _, d in decisions))[:300] if decisions else \
        "Human review: the register declares no automated decision; find the one the person means"
    instructions = "\n".join(
        f"- {d.key} (activity {key}): {d.description}" + (f" Logic: {d.logic}" if d.logic else "")
        + (f" Consequences: {d.significance}" if d.significance else "") for key, d in decisions) or None
    within = [Duration.parse(d.review_within) for _, d in decisions if d.review_within]
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        request_due = deadline_of(uow, desk, request).due(desk.today())
        due = min([task_due(desk.today(), w, request_due) for w in within] or [request_due])
        task, _ = open_task(uow, desk, request, kind=TaskKind.human_review, source=source, title=title,
                            instructions=instructions, due_on=due)
    return task


def _open_task_of(uow: Any, request: DataSubjectRequest, kind: TaskKind) -> Task:
    if request.status.is_final:
        raise ConflictError(f"{request.reference} is {request.status.value}: its decision was already recorded")
    found = [t for t in uow.tasks.for_request(request.id) if t.kind is kind and t.is_open]
    if not found:
        what = {TaskKind.human_review: "human review", TaskKind.objection: "objection to assess"}[kind]
        raise NotFoundError(f"{request.reference} has no open {what} task: run it first (`egide request run`)")
    return found[0]


def record_review(desk: RequestDesk, reference: str, outcome: str | ReviewOutcome, reasons: str) -> Change:
    """The reviewer's outcome, with reasons: the task closes and the person is answered, together."""
    try:
        parsed = outcome if isinstance(outcome, ReviewOutcome) else ReviewOutcome(str(outcome).strip().lower())
    except ValueError:
        raise InvalidInputError(f"unknown review outcome {outcome!r}",
                                problems=[Problem("upheld or changed", path="outcome")]) from None
    text = required_text(reasons, "reasons", "the reviewer's reasons, sent to the person (art. 22(3))")
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        task = _open_task_of(uow, request, TaskKind.human_review)
        close(uow, desk, task, outcome=text, decision=parsed.value)
        lang = request.language
        head = {ReviewOutcome.upheld: _words(lang, "Après réexamen par une personne, la décision automatisée est "
                                                   "maintenue.", "A person reviewed the automated decision and "
                                                                 "upheld it."),
                ReviewOutcome.changed: _words(lang, "Après réexamen par une personne, la décision automatisée est "
                                                    "modifiée.", "A person reviewed the automated decision and "
                                                                 "changed it.")}[parsed]
        reasons = f"{_words(lang, 'Motifs', 'Reasons')}{_colon(lang)}{text}"
        request, notice_id = answer_in(uow, desk, request, f"{head}\n{reasons}")
    return Change(request, deliver_notices(desk, [notice_id]))


# --- objection to a legitimate-interest purpose (art. 21(1)) --------------------------------------


def objection_purposes(active: Any, purposes: list[str]) -> list[str]:
    """The purposes objected to, each checked against the register: on legitimate interests or a
    public task (art. 21(1)). Marketing is handled apart (art. 21(2)-(3): always honoured)."""
    problems = []
    for i, purpose in enumerate(purposes):
        policy = active.policies.get(purpose)
        if policy is None:
            problems.append(Problem(f"{purpose!r} is not a purpose of the active register", path=f"purpose[{i}]"))
        elif policy.legal_basis not in OBJECTION_BASES:
            problems.append(Problem(f"{purpose!r} is processed on {policy.legal_basis.replace('_', ' ')}: art. 21(1) "
                                    "applies to legitimate interests and public tasks", path=f"purpose[{i}]"))
    if problems:
        allowed = sorted(p for p, pol in active.policies.items()
                         if pol.legal_basis in OBJECTION_BASES and not is_marketing(p))
        raise InvalidInputError(f"cannot assess an objection to {', '.join(purposes)}", problems=[
            *problems, Problem(f"purposes open to objection: {', '.join(allowed) or 'none'}", path="purpose")])
    return purposes


def is_marketing(purpose: str) -> bool:
    return purpose == MARKETING or purpose.startswith(MARKETING + ".")


def open_objection_tasks(desk: RequestDesk, reference: str, purposes: list[str]) -> list[Task]:
    """Record each objection (honoured while it is assessed) and open the DPO's task, once per purpose."""
    opened = []
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        due = deadline_of(uow, desk, request).due(desk.today())
        for purpose in purposes:
            existing = uow.tasks.find(request.id, TaskKind.objection, purpose)
            if existing is not None:
                opened.append(existing)
                continue
            objection_id = uow.states.object(request.subject_id, purpose, desk.now())
            uow.audit.record(AuditEvent("objection.received", desk.actor, "data_subject", request.subject_id,
                                        {"objection_id": objection_id, "purpose": purpose,
                                         "reference": request.reference}))
            task, _ = open_task(uow, desk, request, kind=TaskKind.objection, source=purpose, link=objection_id,
                                title=f"Objection to {purpose} (art. 21(1)): uphold, or override with compelling "
                                      "legitimate grounds", due_on=due, assignee="dpo",
                                instructions="Weigh the person's particular situation against the controller's "
                                             "grounds. Processing for this purpose is stopped for the person until "
                                             "you decide: `egide request decide-objection REF --uphold` or "
                                             "`--override --grounds TEXT` (the grounds are sent to the person).")
            opened.append(task)
    return opened


def decide_objection(desk: RequestDesk, reference: str, *, uphold: bool, grounds: str | None = None) -> Change:
    """The DPO's decision on every open objection task of the request, and the answer to the person."""
    if uphold and grounds:
        raise InvalidInputError("grounds are written only to override an objection",
                                problems=[Problem("give --uphold alone, or --override --grounds", path="grounds")])
    text = None if uphold else required_text(
        grounds, "grounds", "the compelling legitimate grounds that override the person's interests (art. 21(1))")
    decision = ObjectionDecision.upheld if uphold else ObjectionDecision.overridden
    with desk.store.unit_of_work() as uow:
        request = load(uow, reference)
        if request.right is not Right.objection:
            raise ConflictError(f"{request.reference} is a {request.right.value} request, not an objection")
        _open_task_of(uow, request, TaskKind.objection)  # at least one, or a clear error
        tasks = [t for t in uow.tasks.for_request(request.id) if t.kind is TaskKind.objection and t.is_open]
        for task in tasks:
            _decide_one(uow, desk, request, task, decision, text)
        purposes = ", ".join(t.source for t in tasks)
        lang = request.language
        if uphold:
            result = _words(lang, f"Votre opposition est retenue : nous cessons de traiter vos données pour : {purposes}.",
                            f"Your objection is upheld: we no longer process your data for: {purposes}.")
        else:
            result = _words(lang, f"Votre opposition ({purposes}) n'est pas retenue : nous avons des motifs légitimes "
                                  f"et impérieux qui prévalent (art. 21(1) du RGPD) : {text}",
                            f"Your objection ({purposes}) is not upheld: we have compelling legitimate grounds that "
                            f"override your interests (GDPR art. 21(1)): {text}")
        request, notice_id = answer_in(uow, desk, request, result)
    return Change(request, deliver_notices(desk, [notice_id]))


def _decide_one(uow: Any, desk: RequestDesk, request: DataSubjectRequest, task: Task, decision: ObjectionDecision,
                grounds: str | None) -> None:
    if decision is ObjectionDecision.overridden:
        uow.states.override_objection(task.link, grounds, desk.now(), desk.actor)
    else:
        uow.states.uphold_objection(task.link, desk.now(), desk.actor)
    uow.audit.record(AuditEvent(f"objection.{decision.value}", desk.actor, "data_subject", request.subject_id, {
        "objection_id": task.link, "purpose": task.source, "reference": request.reference,
        "grounds_sha256": digest(grounds)}))
    close(uow, desk, task, outcome=grounds or "objection upheld", decision=decision.value)
