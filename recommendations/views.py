"""The tracker's pages and the account pages.

Every view asks rules.py whether the user may do what they ask, on GET and on POST, so
a direct URL or a forged form gets the same answer as the page's own buttons.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, prefetch_related_objects
from django.forms.utils import ErrorDict
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from inspections.explorer.themes import (
    recurring_group,
    recurring_groups_for_page,
    recurring_index,
)
from inspections.web import data_version
from inspections.web.exports import FORMATS, streamed_response
from inspections.web.navigation import BreadcrumbsMixin
from pdus.models import Region

from . import rules
from .digest import build_digest
from .exports import COLUMNS, tracker_rows
from .filters import TrackerFilter
from .forms import (
    BulkUpdateForm,
    GovukPasswordChangeForm,
    ThrottledAuthenticationForm,
    TrackingForm,
)
from .models import Recommendation
from .related import related_findings, related_key_question_scores
from .services import (
    BulkConflict,
    Change,
    Conflict,
    newer_updates,
    record_bulk_update,
    record_update,
)
from .summary import summarise


def deny(request):
    """Sign-in first for anyone signed out; 403 for a signed-in user without the right."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def stale_version(posted, recommendation) -> Conflict | None:
    """A Conflict if the form was drawn from an older version than the one now saved."""
    current = recommendation.current.version
    if posted is None or not posted.isdigit() or int(posted) == current:
        return None  # a malformed version is the form's to report
    return Conflict(
        recommendation, int(posted), current, newer_updates(recommendation, int(posted))
    )


def hold_input(form):
    """Show a bound form's input as entered, without checking it: after a conflict the
    newer update is the one thing to read, and the input is checked when saved again."""
    form._errors = ErrorDict()
    form.cleaned_data = {}


def tracker_crumbs():
    return [
        ("Overview", reverse("pdus:overview")),
        ("Recommendation tracker", reverse("recommendations:tracker")),
    ]


def recurring_group_of(recommendation):
    """The recommendation's recurring group as the explorer's recurring recommendations
    page has it, its recommendations as tracker rows; None when it is in none."""
    return recurring_group(recommendation, Recommendation.objects.published().for_tracker())


def shown_of_group(group, recommendation) -> list:
    """The first RECURRING_SHOWN of the recurring group's recommendations, and
    `recommendation` where it is not among them: a page's list stays short however often
    the advice recurs (over a hundred times at national size)."""
    shown = group.recommendations[:RECURRING_SHOWN]
    if all(rec.pk != recommendation.pk for rec in shown):
        shown = [*shown, *(rec for rec in group.recommendations if rec.pk == recommendation.pk)]
    return shown


def mark_rows(recommendations, today):
    """Give each row its overdue flag and RAG, so the template only shows them."""
    for rec in recommendations:
        tracking = rec.current
        rec.is_overdue = rules.is_overdue(tracking.target_date, tracking.reported_status, today)
        rec.rag = rules.rag_status(
            tracking.reported_status, tracking.verified_progress, rec.is_overdue
        )
    return recommendations


# Inspected bodies in one page of the summary's "Red, amber, green by PDU" (?bodies=, apart
# from the rows' ?page=): a row each was 65 KB of page at national size, and grew.
BODIES_PER_PAGE = 25


class TrackerView(BreadcrumbsMixin, FilterView):
    """Every published recommendation and where it stands, filtered; ?format=csv|xlsx
    downloads every filtered row."""

    filterset_class = TrackerFilter
    template_name = "recommendations/tracker.html"
    paginate_by = 50
    context_object_name = "recommendations"

    def get_queryset(self):
        return Recommendation.objects.published().for_tracker()

    def get_breadcrumbs(self):
        return [("Overview", reverse("pdus:overview")), ("Recommendation tracker", None)]

    @property
    def file_format(self):
        return self.request.GET.get("format", "")

    def get(self, request, *args, **kwargs):
        if self.file_format not in ("", *FORMATS):
            return HttpResponseBadRequest("format must be csv or xlsx.")
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        return None if self.file_format else self.paginate_by

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        if self.summary is not None:
            # The summary counted the rows already: no COUNT query of its own.
            paginator.count = self.summary.total
        return paginator

    def get_context_data(self, **kwargs):
        if self.file_format:
            return {"object_list": self.object_list}
        today = timezone.localdate()
        valid = not self.filterset.is_bound or self.filterset.is_valid()
        self.summary = summarise(self.object_list, today) if valid else None
        context = super().get_context_data(**kwargs)
        rows = context["recommendations"]
        # The filters alone: not which page of rows or of bodies, nor a download.
        query = self.request.GET.copy()
        for name in ("page", "bodies", "format"):
            query.pop(name, None)
        # The summary's rows by body a page at a time; its counts stay those of every row.
        bodies_page, bodies_pages = None, []
        if self.summary is not None:
            paginator = Paginator(self.summary.rag_rows, BODIES_PER_PAGE)
            bodies_page = paginator.get_page(self.request.GET.get("bodies"))
            bodies_pages = paginator.get_elided_page_range(bodies_page.number)
        context.update(
            today=today,
            summary=self.summary,
            bodies_page=bodies_page,
            bodies_pages=bodies_pages,
            # Loaded and marked only if shown: not when the listing's HTML is cached.
            recommendations=SimpleLazyObject(lambda: mark_rows(rows, today)),
            # From the filters to the last row the page is the same for all who ask for
            # this address today: no user's controls, no CSRF token (a GET form). The whole
            # query string, so each page of rows (?page=) and of bodies (?bodies=) its own.
            listing_key=data_version.key(
                f"tracker-listing-html:{today}:{self.request.GET.urlencode()}"
            ),
            query=query.urlencode(),
            can_bulk_update=rules.can_bulk_update(self.request.user),
            page_range=(
                context["paginator"].get_elided_page_range(
                    context["page_obj"].number, on_each_side=1, on_ends=1
                )
                if context.get("is_paginated")
                else []
            ),
        )
        return context

    def download_name(self):
        """The download's name: tracker, then the region and PDU the rows are filtered to."""
        chosen = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        places = [chosen[key].slug for key in ("region", "pdu") if chosen.get(key)]
        return "-".join(["tracker", *places])

    def render_to_response(self, context, **response_kwargs):
        if self.file_format:
            rows = tracker_rows(
                self.object_list, self.request.build_absolute_uri, timezone.localdate()
            )
            return streamed_response(COLUMNS, rows, self.download_name(), self.file_format)
        if self.filterset.is_bound and not self.filterset.is_valid():
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class RecommendationDetailView(BreadcrumbsMixin, DetailView):
    """One recommendation: its text, where it stands, its whole history, the findings
    behind it, and the update form for those who may use it."""

    template_name = "recommendations/recommendation_detail.html"
    context_object_name = "recommendation"

    def get_queryset(self):
        # With its source document, which the page cites.
        return (
            Recommendation.objects.published()
            .for_tracker()
            .with_themes()
            .select_related("source_document")
        )

    def get_breadcrumbs(self):
        return [*tracker_crumbs(), (self.object.tracker_label, None)]

    def get_context_data(self, form=None, conflict=None, **kwargs):
        rec, user = self.object, self.request.user
        today = timezone.localdate()
        mark_rows([rec], today)
        updates = list(rec.progress_updates.select_related("author").order_by("-version"))
        can_update = rules.can_update_recommendation(user, rec)
        can_verify = rules.can_verify_progress(user, rec)
        recurring = recurring_group_of(rec)
        if form is None and (can_update or can_verify):
            form = TrackingForm(user=user, recommendation=rec)
        return super().get_context_data(
            tracking=rec.current,
            updates=updates,
            date_moves=[u for u in reversed(updates) if u.moved_target_date],
            themes=rec.themes,
            findings=related_findings(rec),
            key_question_scores=related_key_question_scores(rec),
            recurring=recurring,
            recurring_shown=shown_of_group(recurring, rec) if recurring else [],
            can_update=can_update,
            can_verify=can_verify,
            can_update_together=bool(recurring)
            and rules.can_update_any(user, recurring.recommendations),
            can_view_notes=rules.can_view_tracking_notes(user),
            form=form,
            conflict=conflict,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.object = rec = self.get_object()
        if not rules.can_use_update_form(request.user, rec):
            return deny(request)
        stale = stale_version(request.POST.get("version"), rec)
        if stale:
            # Checked before validation: the user's values were chosen against a state
            # that is gone, so the newer update is what they must see first.
            return self.conflict_response(request, stale)
        form = TrackingForm(request.POST, user=request.user, recommendation=rec)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        change = Change(
            values=form.new_values,
            note=form.cleaned_data["note"].strip(),
            evidence_url=form.cleaned_data["evidence_url"],
            evidence_text=form.cleaned_data["evidence_text"].strip(),
        )
        try:
            record_update(rec, request.user, change, form.cleaned_data["version"])
        except Conflict as conflict:
            return self.conflict_response(request, conflict)
        messages.success(request, "Your update has been saved")
        return HttpResponseRedirect(rec.get_absolute_url())

    def conflict_response(self, request, conflict):
        """The page again as it now stands, the user's input kept in the form, the newer
        update shown; saving again from here is a deliberate choice to overwrite."""
        self.object = rec = self.get_object()  # fresh: the newer values
        data = request.POST.copy()
        data["version"] = str(conflict.current_version)
        form = TrackingForm(data, user=request.user, recommendation=rec)
        hold_input(form)
        context = self.get_context_data(form=form, conflict=conflict)
        return self.render_to_response(context, status=409)


# --- Recurring recommendations --------------------------------------------------------------


RECURRING_SHOWN = 5


def updatable_pks(user, recommendations) -> set[int] | None:
    """The pks of `recommendations` whose update form `user` may use (the rules'
    can_use_update_form, as one query); None when that is every one (no query)."""
    scope = rules.update_scope(user)
    if scope == "all":
        return None
    if scope == "none":
        return set()
    mine = recommendations.addressed_within(rules.director_region_id(user))
    return set(mine.values_list("pk", flat=True))


def recurring_rows(user) -> list[dict]:
    """The recurring groups of the tracker's rows with their newest RECURRING_SHOWN each
    (all are on a group's own page) and `editable`: how many of the group `user` may
    update; the groups with most of those first."""
    published = Recommendation.objects.published().for_tracker()
    groups = recurring_groups_for_page(published, shown=RECURRING_SHOWN)
    # The explorer's recurring page shares these rows and may have loaded them without
    # their tracking: then one query for all, else none.
    prefetch_related_objects([rec for group in groups for rec in group.recommendations], "tracking")
    index = recurring_index(published)
    mine = updatable_pks(user, published)
    rows = []
    for group in groups:
        pks = index.groups[index.group_for(group.recommendations[0].text)].pks
        editable = len(pks) if mine is None else sum(pk in mine for pk in pks)
        rows.append({"group": group, "editable": editable})
    rows.sort(key=lambda row: (-row["editable"], -row["group"].recommendation_count))
    return rows


class RecurringListView(LoginRequiredMixin, BreadcrumbsMixin, TemplateView):
    """Recommendations that several inspections made in (nearly) the same words, grouped
    as the explorer's recurring recommendations page groups them, to update in one step."""

    template_name = "recommendations/recurring_list.html"

    def get_breadcrumbs(self):
        return [*tracker_crumbs(), ("Recurring recommendations", None)]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not rules.can_bulk_update(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            # Loaded only if shown: not when the list's HTML is cached.
            groups=SimpleLazyObject(lambda: recurring_rows(user)),
            # The same for all who may update the same recommendations.
            list_key=data_version.key(f"tracker-recurring-html:{rules.update_scope(user)}"),
            **kwargs,
        )


class RecurringUpdateView(LoginRequiredMixin, BreadcrumbsMixin, TemplateView):
    """One update to every chosen recommendation of a recurring group; history on each."""

    template_name = "recommendations/recurring_update.html"

    def get_breadcrumbs(self):
        return [
            *tracker_crumbs(),
            ("Recurring recommendations", reverse("recommendations:recurring_list")),
            ("Update together", None),
        ]

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        first = get_object_or_404(Recommendation.objects.published(), pk=kwargs["pk"])
        group = recurring_group_of(first)
        self.group = (
            group.recommendations
            if group
            else [Recommendation.objects.published().for_tracker().get(pk=first.pk)]
        )
        if not rules.can_update_any(request.user, self.group):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, conflicts=None, **kwargs):
        if form is None:
            form = BulkUpdateForm(user=self.request.user, group=self.group)
        return super().get_context_data(
            form=form,
            group=self.group,
            first=self.group[0],
            read_only=[rec for rec in self.group if rec not in form.editable],
            conflicts=conflicts or [],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        by_pk = {str(rec.pk): rec for rec in self.group}
        posted = request.POST.getlist("recommendations")
        # A forged POST naming a recommendation outside the group, or one the user may
        # not update, is refused outright rather than quietly dropped.
        for pk in posted:
            if pk not in by_pk or not rules.can_use_update_form(request.user, by_pk[pk]):
                raise PermissionDenied
        stale = [
            conflict
            for pk in posted
            if (conflict := stale_version(request.POST.get(f"version_{pk}"), by_pk[pk]))
        ]
        if stale:
            return self.conflict_response(request, BulkConflict(stale))
        form = BulkUpdateForm(request.POST, user=request.user, group=self.group)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        versions = form.versions()
        change = Change(
            values=form.values,
            note=form.cleaned_data["note"].strip(),
            evidence_url=form.cleaned_data["evidence_url"],
            evidence_text=form.cleaned_data["evidence_text"].strip(),
        )
        try:
            updates = record_bulk_update(
                [(rec, versions[rec.pk]) for rec in form.chosen], request.user, change
            )
        except BulkConflict as bulk:
            return self.conflict_response(request, bulk)
        messages.success(
            request,
            f"{len(updates)} recommendation{'' if len(updates) == 1 else 's'} updated together",
        )
        return redirect("recommendations:recurring_update", pk=self.group[0].pk)

    def conflict_response(self, request, bulk):
        # Fresh from the database: the newer values and versions.
        self.group = list(
            Recommendation.objects.filter(pk__in=[rec.pk for rec in self.group]).for_tracker()
        )
        data = request.POST.copy()
        for conflict in bulk.conflicts:
            data[f"version_{conflict.recommendation.pk}"] = str(conflict.current_version)
        form = BulkUpdateForm(data, user=request.user, group=self.group)
        hold_input(form)
        context = self.get_context_data(form=form, conflicts=bulk.conflicts)
        return self.render_to_response(context, status=409)


# --- Overdue digest ---------------------------------------------------------------------------


class DigestIndexView(LoginRequiredMixin, BreadcrumbsMixin, TemplateView):
    """A director goes straight to their region's digest; staff and admins choose one."""

    template_name = "recommendations/digest_index.html"

    def get_breadcrumbs(self):
        return [*tracker_crumbs(), ("Overdue digests", None)]

    def get(self, request, *args, **kwargs):
        user = request.user
        if not (rules.is_admin(user) or rules.is_inspectorate_staff(user)):
            region_id = rules.director_region_id(user)
            if region_id is None:
                raise PermissionDenied
            region = Region.objects.get(pk=region_id)
            return redirect("recommendations:digest", slug=region.slug)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        overdue = dict(
            Recommendation.objects.published()
            .filter(addressee__kind__in=rules.DIRECTOR_ADDRESSEE_KINDS)
            .overdue(today)
            .order_by()
            .values_list("addressee__region")
            .annotate(count=Count("pk"))
        )
        regions = [(r, overdue.get(r.pk, 0)) for r in Region.objects.public()]
        return super().get_context_data(regions=regions, **kwargs)


class DigestView(LoginRequiredMixin, BreadcrumbsMixin, DetailView):
    """A region's overdue recommendations, and those due soon, for its director to chase."""

    queryset = Region.objects.public()
    template_name = "recommendations/digest.html"
    context_object_name = "region"

    def get_breadcrumbs(self):
        return [
            *tracker_crumbs(),
            ("Overdue digests", reverse("recommendations:digest_index")),
            (self.object.name, None),
        ]

    def get_object(self, queryset=None):
        region = super().get_object(queryset)
        if not rules.can_view_digest(self.request.user, region):
            raise PermissionDenied
        return region

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            digest=build_digest(self.object, timezone.localdate()), **kwargs
        )


# --- Accounts ---------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Sign-in with throttling (forms.ThrottledAuthenticationForm)."""

    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """GET asks to confirm (so a plain link can lead here); POST signs out, as Django
    requires, so that no page can sign a user out by embedding the URL."""

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request, *args, **kwargs):
        return TemplateResponse(request, "registration/logout_confirm.html", {})


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = GovukPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")
