"""Every e-mail the site sends goes through `mail_send`, so discreet mode holds for all of them
(tests/accounts/test_discreet_mail.py checks that nothing else sends mail).

In discreet mode the message names neither the site's purpose nor the case nor the sender:
only that there is a message, and the link to open it after signing in.
"""

from django.core.mail import send_mail
from django.utils.translation import gettext as _


def mail_send(*, to: str, subject: str, body: str, link: str, discreet: bool) -> None:
    """Send one plain-text e-mail; with `discreet`, its neutral form with `link` alone."""
    if discreet:
        subject = _("You have a message")
        body = _("You have a message. Open this link and sign in to read it:\n\n%(link)s") % {"link": link}
    send_mail(subject, body, None, [to])
