"""Who the command line acts as: a named staff account, signed in with its password.

Commands that read personal data, change a card or make a document act as a member of staff,
never as the operating-system user: the username is given with `--as USER` (or
$COUNTERDESK_USER), the password is typed without echo on a terminal, or read from
$COUNTERDESK_PASSWORD or one line of standard input with `--password-stdin` (scripts). It is
never taken from the command line itself, which every user of the computer can see. The
sign-in is checked as at the counter (`models.staff.authenticate`: tries left, lock-outs) and
written to the audit log; the command's own audit entries and documents name the account.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from desktop.cli_common import EXIT_DENIED, EXIT_USAGE, CliError, given_passphrase
from models.actor import Actor
from models.staff import (
    AccountDisabled,
    AccountLocked,
    BadCredentials,
    PasswordNotSet,
    authenticate,
)

USER_ENV = "COUNTERDESK_USER"
PASSWORD_ENV = "COUNTERDESK_PASSWORD"
SIGN_IN_HELP = (
    f"This command acts as a member of staff: name the account with --as USER (or ${USER_ENV}); "
    f"its password is asked on a terminal, else read from ${PASSWORD_ENV} or, with "
    "--password-stdin, from one line of standard input"
)


def add_staff_options(parser: argparse.ArgumentParser) -> None:
    """Add --as and --password-stdin (options of every command, given before it)."""
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help=f"the staff account the command acts as (default ${USER_ENV}); its password is "
        f"asked without echo, or read from ${PASSWORD_ENV} or --password-stdin",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the staff account's password as one line of standard input (after the "
        "passphrase with --passphrase-stdin)",
    )


def _password(args: argparse.Namespace, user: str) -> str:
    """The password of `user`: $COUNTERDESK_PASSWORD, --password-stdin, else a prompt."""
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if getattr(args, "password_stdin", False):
        given_passphrase(args)  # its line comes first
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise CliError(EXIT_USAGE, "no password on standard input (one line)")
        return line
    if sys.stdin.isatty():
        return getpass.getpass(f"Password of {user}: ")
    raise CliError(EXIT_USAGE, f"no password for {user}. {SIGN_IN_HELP}")


def staff_actor(args: argparse.Namespace) -> Actor:
    """The member of staff the command acts as, signed in (the register must be open).

    CliError when no account is named or the password is missing (usage), wrong, or the
    account is locked, disabled or has no password yet (denied).
    """
    if hasattr(args, "_staff_actor"):
        return args._staff_actor
    user = (getattr(args, "as_user", None) or os.environ.get(USER_ENV) or "").strip()
    if not user:
        raise CliError(EXIT_USAGE, f"{SIGN_IN_HELP}.")
    password = _password(args, user)
    try:
        actor = authenticate(user, password)
    except (BadCredentials, AccountLocked, AccountDisabled, PasswordNotSet) as exc:
        raise CliError(EXIT_DENIED, f"{user} cannot sign in: {exc}") from exc
    args._staff_actor = actor
    return actor
