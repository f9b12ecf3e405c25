"""Who a headquarters command acts as: a named staff account of headquarters' register.

`hq lookup` reads a person's record for support: it acts as a supervisor or an admin of the
city's staff accounts (`hq staff`), never as the operating-system user. As on the office
command line, the account is named with `--as USER` (or $COUNTERDESK_USER) and its password is
typed without echo on a terminal, or read from $COUNTERDESK_PASSWORD or, with
`--password-stdin`, one line of standard input; never from the command line itself. The read
is logged under the account's username.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from hq import staff_console
from hq.errors import HqError
from hq.staff_console import ConsoleOutcome
from models.clock import utc_now
from models.enums import Role

USER_ENV = "COUNTERDESK_USER"  # the same variables as the office command line's
PASSWORD_ENV = "COUNTERDESK_PASSWORD"
ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)  # who may read a person's record at headquarters
SIGN_IN_HELP = (
    f"This command acts as a headquarters staff account (a supervisor or an admin, see `hq "
    f"staff list`): name it with --as USER (or ${USER_ENV}); its password is asked on a "
    f"terminal, else read from ${PASSWORD_ENV} or, with --password-stdin, from one line of "
    "standard input"
)


class SignInMissing(HqError):
    """No account named, or no password given: a usage error."""


class SignInRefused(HqError):
    """The account cannot act: unknown, wrong password, disabled, no password, wrong role."""


def add_sign_in_options(parser: argparse.ArgumentParser) -> None:
    """--as and --password-stdin on a headquarters command (also accepted before `hq`)."""
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        default=argparse.SUPPRESS,  # keep `counterdesk --as USER hq ...`
        help=f"the headquarters staff account the command acts as (default ${USER_ENV})",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        default=argparse.SUPPRESS,
        help=f"read the account's password as one line of standard input (else ${PASSWORD_ENV}, "
        "else a prompt on a terminal)",
    )


def _password(args: argparse.Namespace, user: str) -> str:
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise SignInMissing("no password on standard input (one line)")
        return line
    if sys.stdin.isatty():
        return getpass.getpass(f"Password of {user}: ")
    raise SignInMissing(f"no password for {user}. {SIGN_IN_HELP}")


def signed_in(
    args: argparse.Namespace,
    roles: tuple[str, ...] = ROLES,
    work: str = "read a person's record at headquarters: a supervisor or an admin may",
) -> str:
    """The username of the staff account the command acts as, its password checked against
    headquarters' register (connected), of one of `roles` (`work` says what the others may
    not do, and who may). SignInMissing or SignInRefused otherwise."""
    user = (getattr(args, "as_user", None) or os.environ.get(USER_ENV) or "").strip()
    if not user:
        raise SignInMissing(f"{SIGN_IN_HELP}.")
    password = _password(args, user)
    result = staff_console.sign_in(user, password, roles, utc_now())
    match result.outcome:
        case ConsoleOutcome.OK:
            return user
        case ConsoleOutcome.LOCKED:
            until = result.locked_until.isoformat(timespec="seconds") if result.locked_until else ""
            raise SignInRefused(
                f"{user} cannot sign in: locked after repeated wrong passwords, until {until} UTC "
                "(`hq staff passwd` sets a new password and lifts the lock)"
            )
        case ConsoleOutcome.DISABLED:
            raise SignInRefused(
                f"{user} cannot sign in: the account is disabled (`hq staff enable`)"
            )
        case ConsoleOutcome.NOT_ALLOWED:
            raise SignInRefused(f"{user} ({result.role}) may not {work}")
    left = f"; {result.tries_left} tries left before a lock" if result.tries_left else ""
    raise SignInRefused(
        f"{user} cannot sign in: unknown username, wrong password or no password set yet "
        f"(`hq staff passwd`){left}"
    )
