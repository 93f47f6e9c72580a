"""A real IMAP server on loopback for the tests: Debian's dovecot-imapd, in the foreground,
with a configuration of its own (maildir in a temporary folder, one static password, no
TLS) on a free port, never as root (as root, it runs as nobody)."""

import contextlib
import getpass
import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "protocol", "imap-test-password"


def available() -> bool:
    return os.access(DOVECOT, os.X_OK)


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        client.select("INBOX")
        return client

    def deliver(self, message: bytes) -> None:
        """Put a message in the INBOX, unseen, as a delivery would."""
        client = self.client()
        try:
            status, _ = client.append("INBOX", "", None, message)
            assert status == "OK"
        finally:
            client.logout()

    def flags(self) -> list[bytes]:
        """Each message's FLAGS, in order."""
        client = self.client()
        try:
            _status, data = client.fetch("1:*", "(FLAGS)")
            return [item for item in data if isinstance(item, bytes)]
        finally:
            client.logout()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(folder: Path, port: int, user: str, group: str) -> str:
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
mail_location = maildir:{folder}/mail/%u
first_valid_uid = 1
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@contextlib.contextmanager
def dovecot() -> Iterator[Mailbox]:
    # Under /tmp itself: pytest's tmp_path sits in a folder only its owner may enter.
    folder = Path(tempfile.mkdtemp(prefix="pishvaz-dovecot-"))
    try:
        with _dovecot(folder) as mailbox:
            yield mailbox
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def _dovecot(folder: Path) -> Iterator[Mailbox]:
    if os.geteuid() == 0:
        user, group = "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
    else:
        user, group = getpass.getuser(), grp.getgrgid(os.getegid()).gr_name
    for part in ("run", "state", "mail"):
        (folder / part).mkdir(parents=True)
    port = _free_port()
    config = folder / "dovecot.conf"
    config.write_text(_config(folder, port, user, group))
    if os.geteuid() == 0:
        account = pwd.getpwnam(user)
        for path in (folder, *folder.rglob("*")):
            os.chown(path, account.pw_uid, account.pw_gid)
    as_root = os.geteuid() == 0
    server = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [DOVECOT, "-F", "-c", str(config)],
        user=user if as_root else None,
        group=group if as_root else None,
        extra_groups=[] if as_root else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        mailbox = Mailbox("127.0.0.1", port, USER, PASSWORD)
        _wait_until_listening(server, port, folder)
        yield mailbox
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


def _wait_until_listening(server: subprocess.Popen, port: int, folder: Path) -> None:
    # Readiness, not a timing assumption: poll the port, give up after 20 s with the log.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
            error = server.stderr.read().decode() if server.stderr else ""
            raise RuntimeError(f"dovecot exited: {error}{log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.05)
    raise RuntimeError("dovecot did not listen within 20 s")
