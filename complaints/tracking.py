"""Where a case stands on the path platform → regulators → police → court, and which replies are late.

Plain functions over Complaint rows already loaded: the case page calls them
with one query's worth of rows.
"""

from datetime import date, timedelta

from complaints.channels import channel as channel_of
from complaints.channels import load_channels
from complaints.models import Complaint
from harassguard.lib.language import wants_english

ComplaintStatus = Complaint.Status
# Which status may follow which; the same status again only corrects the details.
NEXT_STATUS: dict[str, set[str]] = {
    ComplaintStatus.DRAFT: {ComplaintStatus.DRAFT, ComplaintStatus.FILED, ComplaintStatus.CLOSED},
    ComplaintStatus.FILED: {ComplaintStatus.FILED, ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED},
    ComplaintStatus.ANSWERED: {ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED},
    ComplaintStatus.CLOSED: {ComplaintStatus.CLOSED},
}
SENT = {ComplaintStatus.FILED, ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED}


def reply_due(complaint: Complaint) -> date | None:
    """The day by which the channel usually replies, for a filed letter still without a reply; else None."""
    if complaint.status != ComplaintStatus.FILED or complaint.filed_on is None or complaint.replied_on:
        return None
    return complaint.filed_on + timedelta(days=channel_of(complaint.channel).reply_days)


def overdue(complaints: list[Complaint], today: date, language: str = "zh-hans") -> list[dict]:
    """A reminder for each filed letter whose usual reply time has passed without a reply."""
    rows = []
    for c in complaints:
        due = reply_due(c)
        if due is not None and today > due:
            rows.append(
                {
                    "complaint": c,
                    "channel": channel_of(c.channel).name(language),
                    "due": due,
                    "days_late": (today - due).days,
                }
            )
    return rows


def _step_state(complaints: list[Complaint]) -> str:
    statuses = {c.status for c in complaints}
    for state in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED, ComplaintStatus.FILED, ComplaintStatus.DRAFT):
        if state in statuses:
            return "done" if state in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED) else state
    return "todo"


def case_path(complaints: list[Complaint], today: date, language: str = "zh-hans", unlawful_debt: bool = False) -> dict:
    """The path's steps with their state ("todo", "draft", "filed", "done"), the step the user has
    reached (0 before any letter is sent), the usual next step, and the overdue reminders.

    For an unlicensed lender or an unlawful rate (`unlawful_debt`), the police come first."""
    path = load_channels()
    by_step: dict[int, list[Complaint]] = {n: [] for n in path.steps}
    for c in complaints:
        by_step[channel_of(c.channel).step].append(c)
    reached = max((n for n, rows in by_step.items() if any(c.status in SENT for c in rows)), default=0)
    sent = sorted((c for c in complaints if c.status in SENT and c.filed_on), key=lambda c: (c.filed_on, c.created))
    zh = not wants_english(language)
    start = (
        (path.start_unlawful_zh if zh else path.start_unlawful_en)
        if unlawful_debt
        else (path.start_zh if zh else path.start_en)
    )
    hint = channel_of(sent[-1].channel).next_step(language) if sent else start
    steps = [
        {
            "step": n,
            "name": s["name_zh"] if zh else s["name_en"],
            "state": _step_state(by_step[n]),
            "here": n == reached,
            "channels": [channel_of(c.channel).name(language) for c in by_step[n]],
        }
        for n, s in sorted(path.steps.items())
    ]
    return {"steps": steps, "reached": reached, "next": hint, "reminders": overdue(complaints, today, language)}
