from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from notifications.selectors import notifications_for


@login_required
def notification_list(request):
    return render(
        request,
        "notifications/list.html",
        {"notifications": notifications_for(user=request.user)[:100]},
    )
