"""The HTTP side: a ThreadingHTTPServer on 127.0.0.1:0 in a daemon thread, a handler that
logs each request, lets an armed fault take it or asks the site for the response, and an
Exchange through which faults write (or fail to write) a response."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .wire import RequestRecord, Response


class Exchange:
    """One request/response, as faults see it."""

    def __init__(self, handler: Handler, record: RequestRecord) -> None:
        self.handler, self.record, self.site = handler, record, handler.site
        self.target = record.target
        self.head_only = record.method == "HEAD"
        self.stopping = self.site._stopping
        self._built: Response | None = None

    def build(self) -> Response:
        """The response the site would send had no fault fired."""
        if self._built is None:
            self._built = self.site._respond(self.record)
        return self._built

    def send(self, resp: Response) -> None:
        self.write_head(resp.status, resp.headers, resp.content_type, len(resp.body))
        self.write_body(resp.body)

    def write_head(self, status, headers, content_type, length, chunked=False) -> bool:
        h = self.handler
        self.record.status = status  # before the client can see it, so tests need not wait
        try:
            h.send_response(status)
            h.send_header("Server", "nginx")
            if content_type:
                h.send_header("Content-Type", content_type)
            for name, value in headers:
                h.send_header(name, value)
            if chunked:
                h.send_header("Transfer-Encoding", "chunked")
            elif length is not None:
                h.send_header("Content-Length", str(length))
            h.end_headers()
        except OSError:
            h.close_connection = True
            return False
        return True

    def write_body(self, data: bytes, chunked: bool = False) -> bool:
        """Write part of the body; False once the client has gone."""
        if self.head_only:
            return True
        if chunked:
            data = f"{len(data):x}\r\n".encode() + data + b"\r\n"
        self.record.bytes_sent += len(data)  # counted first: the client may read it at once
        try:
            self.handler.wfile.write(data)
        except OSError:
            self.record.bytes_sent -= len(data)
            self.handler.close_connection = True
            return False
        return True

    def abort(self, reset: bool) -> None:
        """End the connection now: an RST (reset) or an orderly close mid-body."""
        self.handler.close_connection = True
        if reset:
            sock = self.handler.connection
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()

    def wait(self, event: threading.Event, backstop: float) -> None:
        event.wait(backstop)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection is dropped after this
    site = None  # set on the subclass each site makes

    def setup(self) -> None:
        super().setup()
        self.site._track(self.connection, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.site._track(self.connection, False)

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def _handle(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        record = RequestRecord(self.command, self.path, headers)
        self.site._log(record)
        ex = Exchange(self, record)
        fault = self.site._faults.take(record.path, record.target)
        if fault is not None:
            record.fault = fault.kind
            from .faults import KINDS

            KINDS[fault.kind](ex, fault)
        else:
            ex.send(ex.build())
        if headers.get("connection", "").lower() == "close":
            self.close_connection = True

    do_GET = do_HEAD = _handle

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        self._handle()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = False

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hangs up mid-response is what several tests are about


def serve(site) -> tuple[Server, threading.Thread]:
    handler = type("SiteHandler", (Handler,), {"site": site})
    server = Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        daemon=True,
        name=f"wpsite-{server.server_address[1]}",
    )
    thread.start()
    return server, thread
