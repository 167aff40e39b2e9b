from celery import shared_task

from accounts.throttle import throttles_forget_old


@shared_task
def forget_old_throttles() -> None:
    """Periodic: drop sign-in and rate-limit counters no window still needs."""
    throttles_forget_old()
