from worklist.selectors import work_count


def work(request):
    """The number beside "Việc cần làm" on every page: one COUNT per kind of duty."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"work_count": work_count(user=user)}
