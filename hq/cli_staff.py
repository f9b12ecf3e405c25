"""`counterdesk hq staff add|disable|enable|passwd|list`: the city's staff accounts.

Accounts live at headquarters and reach the offices of their districts at their next sync. A
password is asked twice without echo on a terminal, else read as one line of standard input;
only its argon2id hash is stored and sent.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable

from hq import staff, store
from hq.errors import InvalidInput, NotFound
from models.staff import WeakStaffPassword, hash_password, password_problem

Handler = Callable[[argparse.Namespace], int]
EXIT_OK = 0


def read_new_password(username: str) -> str:
    """A new password for `username`, checked against the rules (InvalidInput otherwise)."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"New password for {username}: ")
        second = getpass.getpass("The same password again: ")
        if first != second:
            raise InvalidInput("the two passwords differ; nothing was changed")
        password = first
    else:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InvalidInput("no password on standard input (one line); nothing was changed")
    problem = password_problem(username.strip(), password)
    if problem is not None:
        raise InvalidInput(f"{WeakStaffPassword(problem)}; nothing was changed")
    return password


def _say(message: str) -> None:
    print(f"counterdesk hq: {message}", file=sys.stderr)


def cmd_add(args: argparse.Namespace) -> int:
    """hq staff add."""
    store.connect(args.db)
    password = read_new_password(args.username)
    account = staff.add_account(
        args.username, args.name, args.role, hash_password(password), args.district
    )
    if account.role == staff.HOTLINE_ROLE:
        _say(
            f"staff account {account.username} (hotline) added: it signs in to headquarters' "
            "hotline console (/hotline/), and no office receives it"
        )
        return EXIT_OK
    _say(
        f"staff account {account.username} ({account.role}) added for "
        f"{', '.join(account.districts)}: the offices of those districts receive it at their "
        "next sync"
    )
    return EXIT_OK


def _switch(active: bool) -> Handler:
    def run(args: argparse.Namespace) -> int:
        store.connect(args.db)
        account = staff.set_active(args.username, active)
        state = "enabled" if active else "disabled: no sign-in at an office after its next sync"
        _say(f"staff account {account.username} {state}")
        return EXIT_OK

    run.__doc__ = f"hq staff {'enable' if active else 'disable'}."
    return run


def cmd_passwd(args: argparse.Namespace) -> int:
    """hq staff passwd."""
    store.connect(args.db)
    if staff.find(args.username) is None:
        raise NotFound(f"headquarters has no staff account {args.username.strip()!r}")
    password = read_new_password(args.username)
    account = staff.set_password_hash(args.username, hash_password(password))
    _say(f"password of {account.username} set; the offices receive it at their next sync")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    """hq staff list."""
    store.connect(args.db)
    accounts = staff.list_accounts(args.district)
    if args.json:
        data = {"format": "counterdesk.hq-staff/1", "accounts": [a.as_json() for a in accounts]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not accounts:
        print("No staff accounts." if args.district is None else "No staff in that district.")
    for a in accounts:
        flags = [] if a.active else ["DISABLED"]
        if not a.has_password:
            flags.append("no password")
        suffix = f"  [{', '.join(flags)}]" if flags else ""
        print(f"{a.username:<16} {a.role:<10} {','.join(a.districts):<22} {a.display_name}{suffix}")
    return EXIT_OK


def add_staff_command(
    commands: argparse._SubParsersAction,
    with_db: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
    guarded: Callable[[Handler], Handler],
) -> None:
    """Add `hq staff` and its actions to the `hq` subcommands."""
    p = commands.add_parser(
        "staff",
        help="manage the city's staff accounts",
        description="Staff accounts of the city, managed at headquarters: each serves one or "
        "more districts and reaches their offices at the next sync (usable offline there).",
    )
    actions = p.add_subparsers(dest="staff_action", required=True, metavar="ACTION")
    roles = list(staff.HQ_ROLES)

    q = with_db(
        actions.add_parser(
            "add",
            help="add a staff account (asks for its password)",
            description="Add a staff account for its districts. The password is asked twice "
            "without echo on a terminal, else read as one line of standard input (8 or more "
            "characters, not only digits, not the username).",
        )
    )
    q.add_argument("username", metavar="USERNAME", help="unique in the city (letters, digits, .-_)")
    q.add_argument("--name", required=True, help="the name shown, e.g. 王芳")
    q.add_argument(
        "--role",
        required=True,
        choices=roles,
        help="clerk, supervisor or admin; hotline: a 12333 agent of headquarters' console",
    )
    q.add_argument(
        "--district",
        nargs="+",
        default=[],
        metavar="CODE",
        help="districts it serves (required, except for a hotline agent, who serves none)",
    )
    q.set_defaults(func=guarded(cmd_add))

    for action, active, text in (
        ("disable", False, "switch an account off (at every office after its next sync)"),
        ("enable", True, "switch a disabled account on again"),
    ):
        q = with_db(actions.add_parser(action, help=text, description=text[0].upper() + text[1:]))
        q.add_argument("username", metavar="USERNAME")
        q.set_defaults(func=guarded(_switch(active)))

    q = with_db(
        actions.add_parser(
            "passwd",
            help="set an account's password",
            description="Set a staff account's password (asked twice without echo on a "
            "terminal, else one line of standard input); offices receive its hash at their "
            "next sync.",
        )
    )
    q.add_argument("username", metavar="USERNAME")
    q.set_defaults(func=guarded(cmd_passwd))

    q = with_db(
        actions.add_parser(
            "list",
            help="list the staff accounts",
            description="List the staff accounts (without their passwords), of one district "
            "or of the whole city.",
        )
    )
    q.add_argument("--district", metavar="CODE", help="only the accounts serving this district")
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=guarded(cmd_list))
