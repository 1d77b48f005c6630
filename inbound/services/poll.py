"""The IMAP poller: each new message of a mailbox received exactly once, then moved.

1. The claim: a guarded UPDATE sets the mailbox's `lease_until` (TEND_LEASE_SECONDS) and
   moves `next_poll_at` on, only where no live lease is held; 0 rows means another poller
   has it, and this one leaves (`busy`). The lease covers one batch and is renewed, guarded
   by its own value, before the next: a poller whose lease was taken over stops there.
2. The folder is selected; its UIDVALIDITY comes with the SELECT. A new UIDVALIDITY (the
   folder was recreated) resets `last_uid` to 0 and the folder is read from the start: each
   message already received is found again by its Message-ID (message_receive returns the
   existing row) and is only moved, never processed twice.
3. UIDs past `last_uid` are fetched in batches (by count and by bytes), without \\Seen.
   Each message is committed by message_receive in its own transaction; only once the
   batch is committed are its messages moved on the server (failed ones to the failed
   folder, the rest to the processed one), then `moved_at` and `last_uid` are written.
   A worker killed before the move leaves the messages in the folder and `last_uid`
   behind: the next poll fetches them again, receives nothing twice, and moves them. Killed
   after the move but before `moved_at`, it leaves rows with `moved_at` null: the next poll
   moves their UIDs again (a no-op on the server) and stamps them.
4. A message that makes message_receive raise (a database outage, not bad mail, which it
   records as FAILED) stays in the folder and holds `last_uid` below it, so the next poll
   tries it again; the rest of the batch carries on. Errors go to `last_error`.
5. Only a lapsed lease lets two pollers overlap (a poll stuck longer than
   TEND_LEASE_SECONDS). Each message is still received once (the keys hold, not the lease),
   but both may MOVE the same UID at the same moment, and IMAP servers let both copies land:
   the processed folder can then hold a message twice. Nothing is processed twice.

Kill tests: tests/inbound/services/test_poll_kill.py.
"""

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inbound import imap
from inbound.models import AuthMethod, InboundMessage, Mailbox, State

log = logging.getLogger(__name__)
BATCH = 50  # messages per FETCH and per lease renewal
BATCH_BYTES = 16 * 1024 * 1024  # a batch of large messages is cut short (memory)


@dataclass
class PollResult:
    """What one poll of one mailbox did; `error` is what `last_error` now says ("" if fine)."""

    mailbox: str
    busy: bool = False  # another poller holds the lease: nothing done
    fetched: int = 0
    states: Counter = field(default_factory=Counter)  # message state → how many
    moved: int = 0
    rescanned: bool = False  # UIDVALIDITY changed: the folder was read from the start
    problems: list[str] = field(default_factory=list)  # messages that raised
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.TEND_LEASE_SECONDS)


def _free(now: datetime) -> Q:
    return Q(lease_until__isnull=True) | Q(lease_until__lte=now)


def mailbox_claim(*, mailbox: Mailbox, now: datetime | None = None) -> datetime | None:
    """Take the mailbox's poll lease: its expiry, or None when a live one is held."""
    now = now or timezone.now()
    lease = _lease(now)
    taken = Mailbox.objects.filter(_free(now), pk=mailbox.pk).update(
        lease_until=lease,
        next_poll_at=now + timedelta(seconds=mailbox.poll_interval_seconds))
    return lease if taken else None


def _renew(mailbox: Mailbox, lease: datetime, now: datetime | None) -> datetime | None:
    """Our lease, extended for the next batch; None once another poller has taken it over."""
    renewed = _lease(now or timezone.now())
    if Mailbox.objects.filter(pk=mailbox.pk, lease_until=lease).update(lease_until=renewed):
        return renewed
    return None


def _batches(pending: list[imap.Pending], batch: int) -> list[list[int]]:
    out, current, size = [], [], 0
    for item in pending:
        if current and (len(current) >= batch or size + item.size > BATCH_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(item.uid)
        size += item.size
    if current:
        out.append(current)
    return out


def _folder_for(mailbox: Mailbox, row: InboundMessage) -> str | None:
    if row.state == State.FAILED:
        return mailbox.failed_folder
    if row.state == State.RECEIVED:  # not decided: leave the server copy for the next poll
        return None
    return mailbox.processed_folder


def _uidvalidity_record(mailbox: Mailbox, uidvalidity: int, lease: datetime) -> bool:
    """Store the folder's UIDVALIDITY; True (and last_uid back to 0) when it changed."""
    if mailbox.uidvalidity == uidvalidity:
        return False
    changed = mailbox.uidvalidity is not None
    if changed:
        log.warning("mailbox %s: UIDVALIDITY %s -> %s, reading the folder again",
                    mailbox.name, mailbox.uidvalidity, uidvalidity)
    Mailbox.objects.filter(pk=mailbox.pk, lease_until=lease).update(
        uidvalidity=uidvalidity, last_uid=0)
    mailbox.uidvalidity, mailbox.last_uid = uidvalidity, 0
    return changed


def _moved_record(*, mailbox: Mailbox, rows: list[int], last_uid: int, lease: datetime,
                  now: datetime | None) -> bool:
    """After the server move: stamp the rows and advance last_uid, while the lease is ours."""
    with transaction.atomic():
        if rows:
            InboundMessage.objects.filter(pk__in=rows, moved_at__isnull=True).update(
                moved_at=now or timezone.now())
        if last_uid <= mailbox.last_uid:
            return True
        advanced = Mailbox.objects.filter(pk=mailbox.pk, lease_until=lease,
                                          last_uid__lt=last_uid).update(last_uid=last_uid)
    if advanced:
        mailbox.last_uid = last_uid
    return bool(advanced)


def _move_leftovers(session: imap.Session, mailbox: Mailbox, lease: datetime,
                    now: datetime | None, result: PollResult) -> None:
    """Rows committed by a poll that died before stamping `moved_at`: move them now."""
    left = list(InboundMessage.objects.filter(
        mailbox=mailbox, uidvalidity=mailbox.uidvalidity, uid__isnull=False,
        moved_at__isnull=True).exclude(state=State.RECEIVED).order_by("uid"))
    if not left:
        return
    for folder in {mailbox.processed_folder, mailbox.failed_folder}:
        uids = [row.uid for row in left if _folder_for(mailbox, row) == folder]
        session.move(uids, folder)
        result.moved += len(uids)
    _moved_record(mailbox=mailbox, rows=[row.pk for row in left], last_uid=0, lease=lease,
                  now=now)


def _receive(mailbox: Mailbox, raw: bytes, uidvalidity: int, uid: int,
             now: datetime | None) -> InboundMessage:
    from inbound.services.receive import message_receive

    return message_receive(mailbox=mailbox, raw=raw, uidvalidity=uidvalidity, uid=uid, now=now)


def _poll_batch(session: imap.Session, mailbox: Mailbox, uids: list[int], lease: datetime,
                now: datetime | None, result: PollResult, *, advance: bool) -> bool:
    """Receive, then move, then record one batch. Returns whether `last_uid` may still move
    on: not once a message raised or stayed undecided (see the module docstring, 4.)."""
    uidvalidity = mailbox.uidvalidity
    to_move: dict[str, list[int]] = {}
    rows, blocked_at = [], None
    for uid, raw in session.fetch(uids):
        result.fetched += 1
        try:
            row = _receive(mailbox, raw, uidvalidity, uid, now)
        except Exception as exc:  # one message never stops the batch
            log.exception("mailbox %s: message UID %s could not be received", mailbox.name, uid)
            result.problems.append(f"message UID {uid}: {type(exc).__name__}: {exc}"[:300])
            blocked_at = uid if blocked_at is None else min(blocked_at, uid)
            continue
        result.states[row.state] += 1
        folder = _folder_for(mailbox, row)
        if folder is None:
            blocked_at = uid if blocked_at is None else min(blocked_at, uid)
            continue
        to_move.setdefault(folder, []).append(uid)
        rows.append(row.pk)
    # Nothing is moved before its row is committed: message_receive has returned by now.
    for folder, moving in to_move.items():
        session.move(moving, folder)
        result.moved += len(moving)
    # UIDs the FETCH did not return were expunged meanwhile: nothing is left to do for them.
    done = [uid for uid in uids if blocked_at is None or uid < blocked_at] if advance else []
    _moved_record(mailbox=mailbox, rows=rows, last_uid=max(done, default=0), lease=lease,
                  now=now)
    return advance and blocked_at is None


def _store_refresh_token(mailbox: Mailbox, token: str) -> None:
    if (mailbox.auth_method == AuthMethod.XOAUTH2 and token
            and token != mailbox.oauth_refresh_token):
        Mailbox.objects.filter(pk=mailbox.pk).update(oauth_refresh_token=token)
        mailbox.oauth_refresh_token = token


def _finish(mailbox: Mailbox, lease: datetime, result: PollResult, idle: bool | None,
            now: datetime | None) -> None:
    moment = now or timezone.now()
    changes = {"lease_until": None, "last_poll_at": moment, "last_error": result.error}
    if result.error:
        changes["last_error_at"] = moment
    if idle is not None:
        changes["supports_idle"] = idle
    Mailbox.objects.filter(pk=mailbox.pk, lease_until=lease).update(**changes)


def mailbox_poll(*, mailbox: Mailbox, now: datetime | None = None, batch: int = BATCH,
                 progress: Callable[[PollResult, int], None] | None = None) -> PollResult:
    """One poll of one mailbox (the module docstring says how). Never raises for the
    server's or a message's faults: they end up in the result's and the mailbox's error.
    `progress(result, waiting)` is called after each batch (the command's progress lines)."""
    result = PollResult(mailbox=mailbox.name)
    lease = mailbox_claim(mailbox=mailbox, now=now)
    if lease is None:
        result.busy = True
        return result
    mailbox.refresh_from_db()
    idle = None
    try:
        with imap.connect(mailbox) as session:
            _store_refresh_token(mailbox, session.refresh_token)
            idle = session.supports_idle
            for folder in (mailbox.processed_folder, mailbox.failed_folder):
                session.ensure_folder(folder)
            result.rescanned = _uidvalidity_record(mailbox, session.select(mailbox.folder),
                                                   lease)
            _move_leftovers(session, mailbox, lease, now, result)
            advance, batches = True, _batches(session.pending(mailbox.last_uid), batch)
            waiting = sum(len(uids) for uids in batches)
            for uids in batches:
                advance = _poll_batch(session, mailbox, uids, lease, now, result,
                                      advance=advance)
                waiting -= len(uids)
                if progress is not None:
                    progress(result, waiting)
                renewed = _renew(mailbox, lease, now)
                if renewed is None:  # taken over: the other poller carries on from here
                    log.warning("mailbox %s: lease taken over, stopping", mailbox.name)
                    result.error = "; ".join(result.problems)[:2000]
                    return result
                lease = renewed
    except imap.ImapError as exc:
        result.problems.insert(0, str(exc))
    except Exception as exc:  # the sweep carries on with the next mailbox
        log.exception("mailbox %s: poll failed", mailbox.name)
        result.problems.insert(0, f"{type(exc).__name__}: {exc}"[:500])
    result.error = "; ".join(result.problems)[:2000]
    _finish(mailbox, lease, result, idle, now)
    return result


def mailboxes_poll_due(*, now: datetime | None = None) -> list[PollResult]:
    """Beat's sweep: poll every enabled mailbox whose time has come and that no one holds.
    One mailbox's failure is recorded on it and the sweep goes on to the next."""
    now = now or timezone.now()
    due = Mailbox.objects.filter(_free(now), enabled=True, next_poll_at__lte=now)
    return [mailbox_poll(mailbox=mailbox, now=now) for mailbox in due.order_by("next_poll_at")]
