"""One window per user and KB: the local socket a running window listens on, and the hand-over
by which a second `patternkb` passes its request to that window instead of opening another.

Modelled on Zeal's `ApplicationSingleton` and qutebrowser's `misc/ipc.py`:

- The socket is named after the KB directory (resolved), so two KBs are two windows, and lives
  in the user's runtime directory (`$XDG_RUNTIME_DIR`, else a folder of the temporary directory
  that only this user can enter), so it is the user's alone.
- A request is one line of JSON with a protocol version (app/requests.py); the window answers
  `ok` and then acts on it. A line that does not come within READ_TIMEOUT_MS, is too long or is
  not a valid request is logged and dropped, and the window carries on.
- A socket file left by a window that crashed (nothing answers on it) is removed and taken over.
- Two commands started at the same moment must not both open a window: the one that will open
  it first claims the KB's socket name (an flock on `<socket>.lock`, held for the life of the
  process and released by the kernel if it dies); the other waits for that window to listen and
  hands over to it.

The client half needs no Qt on Linux and macOS (a plain Unix socket, which is what QLocalServer
listens on there): the command line can hand over before it imports Qt. Qt is imported only by the server, and by the client on Windows.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import stat
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from patternkb.app.requests import MAX_LINE_BYTES, WindowRequest

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

HANDOVER_TIMEOUT_MS = 2000  # per step (connect, send, answer): a window that takes longer is hung
READ_TIMEOUT_MS = 2000  # a client has this long to send its whole line
STARTING_WAIT_S = 15.0  # how long a second command waits for a window that is still starting
_claims: dict[str, int] = {}  # socket name -> descriptor of the lock this process holds on it
ACK = b"ok\n"


def server_name(kb_dir: Path) -> str:
    """Where the window over `kb_dir` listens: a socket path (a pipe name on Windows)."""
    key = hashlib.sha256(str(Path(kb_dir).expanduser().resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    if os.name == "nt":  # a pipe name, per user: pipes are not files
        user = "".join(ch for ch in os.environ.get("USERNAME", "user") if ch.isalnum())
        return f"patternkb-{user}-{key}"
    return str(_runtime_dir() / f"patternkb-{key}.sock")


def _runtime_dir() -> Path:
    """The user's runtime directory; failing that, a folder of the temporary directory made for
    this user and no other (OSError when one exists that is someone else's or open to others)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime)
    folder = Path(tempfile.gettempdir()) / f"patternkb-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise OSError(f"{folder}: not a private folder of this user: no window will be shared")
    return folder


def hand_over(request: WindowRequest, kb_dir: Path, timeout_ms: int = HANDOVER_TIMEOUT_MS) -> bool:
    """Give `request` to the window already open on `kb_dir`: True once it has said it took it,
    False when no window answers (none is open, or one is hung) and the caller opens its own."""
    try:
        name = server_name(kb_dir)
    except OSError as exc:
        log.warning("%s", exc)
        return False
    line = request.to_json().encode("utf-8") + b"\n"
    if os.name == "nt":
        return _hand_over_qt(name, line, timeout_ms)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(timeout_ms / 1000)
        try:
            client.connect(name)
            client.sendall(line)
            answer = b""
            while not answer.endswith(b"\n") and len(answer) <= len(ACK):
                chunk = client.recv(len(ACK))
                if not chunk:
                    break
                answer += chunk
        except OSError as exc:  # no socket file, nothing listening (a crash), a timeout
            log.debug("hand-over to %s: %s", name, exc)
            return False
    return answer == ACK


def claim(kb_dir: Path) -> bool:
    """Make this process the one whose window takes the requests for `kb_dir`: True when it
    is (or already was), False while another process is (a window open, or starting)."""
    if os.name == "nt":
        return True  # a second pipe server fails to listen instead
    import fcntl

    try:
        name = server_name(kb_dir)
        if name in _claims:
            return True
        fd = os.open(f"{name}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        log.warning("cannot claim the window for %s: %s", kb_dir, exc)
        return True  # no shared window then, but a window all the same
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    _claims[name] = fd  # kept open: the lock lasts as long as this process
    return True


def hand_over_or_claim(request: WindowRequest, kb_dir: Path) -> bool:
    """True when the window on `kb_dir` took `request`; False when this process is to open the
    window (it has claimed it, or the one that claimed it never answered within STARTING_WAIT_S)."""
    deadline = time.monotonic() + STARTING_WAIT_S
    while not hand_over(request, kb_dir):
        if claim(kb_dir):
            return False
        if time.monotonic() > deadline:
            log.warning("the window claimed for %s does not answer: opening another", kb_dir)
            return False
        time.sleep(0.05)  # a window is starting: it listens once its first frame is painted
    return True


def _hand_over_qt(name: str, line: bytes, timeout_ms: int) -> bool:
    from PySide6.QtNetwork import QLocalSocket

    client = QLocalSocket()
    client.connectToServer(name)
    if not client.waitForConnected(timeout_ms):
        return False
    client.write(line)
    if not client.waitForBytesWritten(timeout_ms) or not client.waitForReadyRead(timeout_ms):
        client.abort()
        return False
    answer = bytes(client.readLine(len(ACK) + 1))
    client.disconnectFromServer()
    return answer == ACK


def _answers(name: str) -> bool:
    """Whether a server listens on `name` (a socket file may outlive its window)."""
    if os.name == "nt":
        from PySide6.QtNetwork import QLocalSocket

        probe = QLocalSocket()
        probe.connectToServer(name)
        alive = probe.waitForConnected(HANDOVER_TIMEOUT_MS)
        probe.abort()
        return alive
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(HANDOVER_TIMEOUT_MS / 1000)
        try:
            probe.connect(name)
        except OSError:
            return False
    return True


class InstanceServer:
    """The running window's end: reads one request per connection and passes each valid one to
    `on_request` (on the GUI thread). Not a QObject: Qt is imported only once a window listens."""

    def __init__(self, on_request: Callable[[WindowRequest], None], parent: QObject):
        self._on_request = on_request
        self._parent = parent
        self.server: QLocalServer | None = None
        self.name = ""

    def listen(self, kb_dir: Path) -> bool:
        """Listen for the window over `kb_dir`; False (and a log line) when another live window
        listens there already (`--new-window`) or the socket cannot be made."""
        from PySide6.QtNetwork import QLocalServer

        try:
            self.name = server_name(kb_dir)
        except OSError as exc:
            log.warning("%s", exc)
            return False
        # Asked first, not left to listen() failing: with UserAccessOption, Qt makes the socket
        # elsewhere and renames it into place, over a live window's socket as over a dead one's.
        if not claim(kb_dir) or _answers(self.name):
            log.info("another window takes the requests on %s: this one does not", self.name)
            return False
        if os.path.exists(self.name):
            log.info("taking over %s, left by a window that has gone", self.name)
            QLocalServer.removeServer(self.name)
        server = QLocalServer(self._parent)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("cannot listen on %s: %s", self.name, server.errorString())
            server.deleteLater()
            return False
        server.newConnection.connect(self._on_server_new_connection)
        self.server = server
        return True

    def close(self) -> None:
        if self.server is not None:
            self.server.close()  # removes the socket file
            self.server = None

    def _on_server_new_connection(self) -> None:
        from PySide6.QtCore import QTimer

        while self.server is not None and (client := self.server.nextPendingConnection()) is not None:
            timer = QTimer(client)
            timer.setSingleShot(True)
            timer.timeout.connect(partial(self._on_client_timeout, client))
            timer.start(READ_TIMEOUT_MS)
            client.readyRead.connect(partial(self._on_client_ready_read, client, timer))
            client.disconnected.connect(client.deleteLater)
            if client.bytesAvailable():  # arrived with the connection
                self._on_client_ready_read(client, timer)

    def _on_client_timeout(self, client: QLocalSocket) -> None:
        log.warning("ignored a request on %s: no complete line within %d ms", self.name, READ_TIMEOUT_MS)
        client.abort()

    def _on_client_ready_read(self, client: QLocalSocket, timer) -> None:
        if not timer.isActive():  # answered or given up on already
            return
        if not client.canReadLine():
            if client.bytesAvailable() > MAX_LINE_BYTES:
                timer.stop()
                log.warning("ignored a request on %s: longer than %d bytes", self.name, MAX_LINE_BYTES)
                client.abort()
            return
        timer.stop()
        line = bytes(client.readLine(MAX_LINE_BYTES + 1)).rstrip(b"\r\n")
        try:
            request = WindowRequest.from_json(line)
        except ValueError as exc:
            log.warning("ignored a request on %s: %s", self.name, exc)
            client.abort()
            return
        client.write(ACK)
        client.flush()
        client.disconnectFromServer()
        try:
            self._on_request(request)
        except Exception:  # a request must never take the window down
            log.exception("handling %r failed", request)
