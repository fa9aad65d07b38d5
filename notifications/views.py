"""The person's notifications: read them, follow them, mark them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from notifications.selectors import notifications_for
from notifications.services import notification_mark_read


@login_required
def notification_list(request):
    page = Paginator(notifications_for(user=request.user), 50).get_page(request.GET.get("page"))
    return render(
        request, "notifications/list.html", {"page": page, "notifications": page.object_list}
    )


@login_required
def notification_open(request, pk):
    """Follow a notification's link and count it as read. A plain link (GET), so it works
    like any link on a tablet; marking one's own notification read is harmless to repeat."""
    notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(actor=request.user, notification_id=notification.pk)
    url = notification.url
    # Links are written by our services, but never send anyone off-site from here.
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = reverse("notifications:list")
    return redirect(url)


@login_required
@require_POST
def notification_read_all(request):
    count = notification_mark_read(actor=request.user)
    message = ngettext(
        "%(count)d notification marked as read.", "%(count)d notifications marked as read.", count
    )
    messages.success(request, message % {"count": count})
    return redirect("notifications:list")
