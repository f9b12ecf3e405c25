"""`counterdesk app` (the counter's Tk application), `counterdesk kiosk` (the hall's
self-service kiosk) and `counterdesk staff passwd`."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import peewee

from desktop.cli_common import EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, CliError, home_of, open_home
from desktop.core.config import DEFAULT_THEME, TEXT_SIZES, AppConfig, ReaderMode
from desktop.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from models import keystore
from models.actor import Actor
from models.cipher import DATABASE_ERRORS
from models.db import classify_database_error, current_passphrase
from models.enums import Role
from models.errors import InvalidRequest, KeyRequired, RegisterUnavailable, WrongPassphrase
from models.home import OfficeHome
from models.staff import WeakStaffPassword, set_password


def add_app_commands(sub: argparse._SubParsersAction) -> None:
    """Add `app` and `staff passwd`."""
    p = sub.add_parser(
        "app",
        help="start the counter application (Tk)",
        description="Start the counter's desktop application on the office home's register: "
        "sign in, then serve customers by ID number, card number, name or their card.",
    )
    p.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        help="language (default: the office setting, else zh)",
    )
    p.add_argument(
        "--theme",
        help=f"colour theme (default: the office setting, else {DEFAULT_THEME}; contrast-light "
        "and contrast-dark are high contrast; any ttkbootstrap theme name works)",
    )
    p.add_argument(
        "--training",
        action="store_true",
        help="training mode on a demo district: virtual cards of demo people from the Training "
        "menu, no card reader needed",
    )
    p.add_argument(
        "--no-reader", action="store_true", help="do not use the PC/SC card service (pcscd)"
    )
    p.add_argument(
        "--lock-after",
        type=float,
        default=10.0,
        metavar="MINUTES",
        help="lock the session after this long without keyboard or mouse (default 10)",
    )
    p.add_argument(
        "--text-size",
        type=int,
        choices=TEXT_SIZES,
        help="text size in points (default: the office setting, else 14)",
    )
    p.add_argument(
        "--scaling", type=float, help="Tk scaling in pixels per point (high-DPI screens)"
    )
    p.add_argument(
        "--printer",
        help="print statements with lp on this printer ('default': the system's default); "
        "default: the office setting `printer`, else statements are only saved as PDF",
    )
    p.set_defaults(func=cmd_app)
    add_kiosk_command(sub)

    p = sub.add_parser(
        "staff",
        help="staff accounts of the office",
        description="Staff accounts: who may sign in to the counter application.",
    )
    staff_sub = p.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    q = staff_sub.add_parser(
        "passwd",
        help="set a member of staff's password",
        description="Set the password of USERNAME (at least 8 characters, not only digits, not "
        "the username); lifts a lock. Asked twice without echo on a terminal, else one line of "
        "standard input.",
    )
    q.add_argument("username", metavar="USERNAME")
    q.set_defaults(func=cmd_staff_passwd)


def cmd_app(args: argparse.Namespace) -> int:
    """counterdesk app."""
    import tkinter

    from desktop.app.root import run  # imports Tk only for this command

    given = {"lang": args.lang, "theme": args.theme, "text_size": args.text_size}
    config = AppConfig(
        training=args.training,
        reader=ReaderMode.NONE if args.no_reader else ReaderMode.PCSC,
        idle_lock_seconds=args.lock_after * 60,
        scaling=args.scaling,
        printer=args.printer,
        use_stored=tuple(name for name, value in given.items() if value is None),
        **{name: value for name, value in given.items() if value is not None},
    )
    try:
        with problems_on_screen(home_of(args), config.lang, config.text_size):
            home = unlocked(home_of(args), config.lang, config.text_size)
            if home is None:
                return EXIT_OK
            run(home, config)
    except tkinter.TclError as exc:
        raise CliError(
            EXIT_USAGE, f"cannot open the application's window ({exc}): is DISPLAY set?"
        ) from exc
    return EXIT_OK


@contextmanager
def problems_on_screen(home: OfficeHome, lang: str, text_size: int = 14) -> Iterator[None]:
    """Show a register that cannot be opened in a window (a desktop icon has no terminal),
    then let the error go on to the command line's message and exit code."""
    try:
        yield
    except (KeyRequired, WrongPassphrase):
        raise  # the passphrase window has already said so
    except (RegisterUnavailable, peewee.DatabaseError, *DATABASE_ERRORS) as exc:
        error = (
            exc
            if isinstance(exc, RegisterUnavailable)
            else classify_database_error(exc, home.register_path)
        )
        from desktop.app.problem_window import show_problem

        with suppress(Exception):  # no display: stderr alone says it
            show_problem(error, lang, text_size)
        raise error from exc


def unlocked(home: OfficeHome, lang: str, text_size: int = 14) -> OfficeHome | None:
    """`home` with the passphrase of its encrypted register: known already (given, or in the
    keyring and still opening it), else typed by a supervisor in the passphrase window; a
    keyring entry that no longer opens the register is replaced by the typed passphrase.
    None when they quit (Esc). A plain register needs nothing."""
    if not home.is_encrypted():
        return home
    if home.passphrase is not None or current_passphrase(home.register_path) is not None:
        return home
    from desktop.app.unlock import ask_passphrase, passphrase_opens, stale_keyring_notice
    from desktop.core.i18n import set_language

    stored = keystore.stored_passphrase(home.register_path)
    if stored is not None and passphrase_opens(home.register_path)(stored):
        return home
    set_language(lang)
    notice = stale_keyring_notice() if stored is not None else ""
    passphrase = ask_passphrase(home.register_path, str(home.path), text_size, notice)
    if passphrase is None:
        print("The register stays locked: nothing was opened.", file=sys.stderr)
        return None
    if stored is not None:
        try:
            keystore.remember(home.register_path, passphrase)
            print("The keyring now holds the current passphrase.", file=sys.stderr)
        except InvalidRequest as exc:
            print(f"The keyring entry could not be replaced: {exc}", file=sys.stderr)
    return home.with_passphrase(passphrase)


def add_kiosk_command(sub: argparse._SubParsersAction) -> None:
    """Add `kiosk`."""
    p = sub.add_parser(
        "kiosk",
        help="start the self-service kiosk of the office hall (Tk, full screen)",
        description="Start the full-screen, touch-friendly kiosk on the office home's register: "
        "the citizen swipes the card or types the card or ID number, enters the card PIN or the "
        "query password, and sees their own contributions and balances; it returns to the start "
        "after an idle time or when the card is taken out.",
    )
    p.add_argument(
        "--lang", choices=list(LANGUAGES), default=DEFAULT_LANGUAGE, help="language (default zh)"
    )
    p.add_argument(
        "--idle",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="back to the start after this long untouched (default 60)",
    )
    p.add_argument(
        "--printer",
        help="print statements with lp on this printer ('default': the system's default); "
        "default: the office setting `printer`, else the kiosk does not print",
    )
    p.add_argument(
        "--training",
        action="store_true",
        help="training mode on a demo district: virtual cards of demo people, no reader needed",
    )
    p.add_argument(
        "--no-reader", action="store_true", help="do not use the PC/SC card service (pcscd)"
    )
    p.set_defaults(func=cmd_kiosk)


def cmd_kiosk(args: argparse.Namespace) -> int:
    """counterdesk kiosk."""
    import tkinter

    from desktop.app.kiosk.config import KioskConfig
    from desktop.app.kiosk.root import run_kiosk  # imports Tk only for this command

    if args.idle <= 0:
        raise CliError(EXIT_USAGE, "--idle must be a positive number of seconds")
    config = KioskConfig(
        lang=args.lang,
        idle_seconds=args.idle,
        printer=args.printer,
        training=args.training,
        reader=ReaderMode.NONE if args.no_reader else ReaderMode.PCSC,
    )
    try:
        with problems_on_screen(home_of(args), args.lang):
            home = unlocked(home_of(args), args.lang)
            if home is None:
                return EXIT_OK
            run_kiosk(home, config)
    except tkinter.TclError as exc:
        raise CliError(
            EXIT_USAGE, f"cannot open the kiosk's window ({exc}): is DISPLAY set?"
        ) from exc
    return EXIT_OK


def _read_new_password(username: str) -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(f"New password for {username}: ")
        second = getpass.getpass("The same password again: ")
        if first != second:
            raise CliError(EXIT_NOT_FOUND, "the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise CliError(EXIT_NOT_FOUND, "no password on standard input (one line)")
    return line


def cmd_staff_passwd(args: argparse.Namespace) -> int:
    """counterdesk staff passwd."""
    open_home(args)
    # Whoever may write the register file administers it: the command acts as an admin.
    actor = Actor.tool("setup", Role.ADMIN)
    password = _read_new_password(args.username)
    try:
        set_password(args.username, password, actor)
    except WeakStaffPassword as exc:
        raise CliError(EXIT_NOT_FOUND, f"{exc}; nothing was changed") from exc
    print(f"Password of {args.username.strip()} set.", file=sys.stderr)
    return EXIT_OK
