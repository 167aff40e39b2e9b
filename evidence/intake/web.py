"""What the HTML upload page and the upload API share: read a posted form and take the
file (or a typed statement) in through the intake services."""

from evidence.custody import actor_from_request
from evidence.forms import EvidenceDetailsForm, StatementForm
from evidence.intake import services
from evidence.models import EvidenceItem
from harassguard.lib.errors import ApiError


def form_error(form) -> ApiError:
    field, errors = next(iter(form.errors.items()))
    code = "invalid_kind" if field == "kind" else "invalid"
    return ApiError(400, f"{field}: {errors[0]}", code)


def take_in(request, case, upload) -> tuple[EvidenceItem, bool]:
    """Create an item from `upload` or, for kind=statement without a file, from the
    statement fields; raise IntakeError or ApiError."""
    problem = services.upload_problem_error(getattr(request, "upload_problem", None))
    if problem:
        raise problem
    details = EvidenceDetailsForm(request.POST)
    if not details.is_valid():
        raise form_error(details)
    actor = actor_from_request(request)
    # How it came in, for the bundle's collection record: this page's form or the API.
    transfer = {"via": "api" if request.path.startswith("/api/") else "upload_page"}
    if details.cleaned_data["kind"] == EvidenceItem.Kind.STATEMENT and upload is None:
        form = StatementForm(request.POST)
        if not form.is_valid():
            raise form_error(form)
        data = form.cleaned_data
        return services.evidence_create_statement(
            case=case,
            actor=actor,
            author_name=data["author_name"],
            relation=data["relation"],
            contact=data["contact"],
            text=data["text"],
            fields=form.item_fields(),
            transfer={"via": "typed_statement"},
        )
    return services.evidence_create_from_upload(
        case=case,
        actor=actor,
        upload=upload,
        kind=details.cleaned_data["kind"],
        fields=details.item_fields(),
        transfer=transfer,
    )
