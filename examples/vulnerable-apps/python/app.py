"""A DELIBERATELY VULNERABLE web app for deserwall demos and end-to-end tests.

It unpickles whatever it is sent (CWE-502): any client can run any command on
the host running it. Never expose it; bind it to loopback or run it only behind
deserwall in the compose demo. Python 3 standard library only.

Endpoints:
  POST /api/import      pickle.loads(body)
  POST /api/import-b64  pickle.loads(base64.b64decode(json["model"]))
  POST /ml/import       pickle.loads(body), the "model upload" path that
                        deserwall's ml-upload policy (allow-list) covers
  GET  /healthz         {"status": "ok"}

Request bodies may be chunked and/or sent with Content-Encoding: gzip, as
common frameworks accept. Address: --listen HOST:PORT, or the environment
variable VULN_APP_LISTEN, default 127.0.0.1:8000 (port 0 picks a free port).
Prints one JSON line per event on stdout: {"event": "listening", ...} once
ready and {"event": "request", ...} for each request received.
"""

import base64
import binascii
import gzip
import json
import os
import pickle
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 16 * 1024 * 1024
DEFAULT_LISTEN = "127.0.0.1:8000"
_emit_lock = threading.Lock()


def emit(event, **fields):
    """One JSON line on stdout, flushed at once (tests wait for these lines)."""
    line = json.dumps({"event": event, **fields}) + "\n"
    with _emit_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


class BadRequest(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vulnerable-pickle-app/1"

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass  # the JSON request lines replace the default stderr log

    def do_GET(self):
        emit("request", method="GET", path=self.path, bytes=0)
        if self.path == "/healthz":
            return self.reply(200, {"status": "ok"})
        return self.reply(404, {"error": "not found"})

    def do_POST(self):
        try:
            body = self.read_body()
        except BadRequest as err:
            emit("request", method="POST", path=self.path, bytes=-1)
            self.close_connection = True
            return self.reply(400, {"error": str(err)})
        emit("request", method="POST", path=self.path, bytes=len(body))
        try:
            if self.path in ("/api/import", "/ml/import"):
                obj = pickle.loads(body)  # the vulnerability
            elif self.path == "/api/import-b64":
                doc = json.loads(body)
                obj = pickle.loads(base64.b64decode(doc["model"]))  # the same, behind base64 in JSON
            else:
                return self.reply(404, {"error": "not found"})
        except Exception as err:  # a demo app: report the failure, keep serving
            return self.reply(400, {"error": type(err).__name__})
        return self.reply(200, {"imported": type(obj).__name__, "summary": repr(obj)[:200]})

    def read_body(self):
        te = self.headers.get("Transfer-Encoding")
        if te is not None:
            if te.strip().lower() != "chunked" or self.headers.get("Content-Length") is not None:
                raise BadRequest("unsupported framing")
            raw = self.read_chunked()
        else:
            try:
                length = int(self.headers.get("Content-Length") or "0")
            except ValueError:
                raise BadRequest("bad Content-Length") from None
            if length < 0 or length > MAX_BODY:
                raise BadRequest("body too large")
            raw = self.rfile.read(length)
        encoding = (self.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding == "gzip":
            try:
                raw = gzip.decompress(raw)
            except (OSError, EOFError, binascii.Error) as err:
                raise BadRequest("bad gzip body") from err
        elif encoding != "identity":
            raise BadRequest("unsupported Content-Encoding")
        return raw

    def read_chunked(self):
        parts = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadRequest("bad chunk size") from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if size < 0 or total > MAX_BODY:
                raise BadRequest("body too large")
            parts.append(self.rfile.read(size))
            self.rfile.readline(1024)  # CRLF after the chunk data

    def reply(self, status, doc):
        payload = (json.dumps(doc) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def parse_listen(value):
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise SystemExit(f"listen address must be HOST:PORT, got {value!r}")
    return host.strip("[]"), int(port)


def main(argv):
    listen = os.environ.get("VULN_APP_LISTEN") or DEFAULT_LISTEN
    if len(argv) == 2 and argv[0] == "--listen":
        listen = argv[1]
    elif argv:
        raise SystemExit("usage: app.py [--listen HOST:PORT]")
    host, port = parse_listen(listen)
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    bound_host, bound_port = server.server_address[:2]
    emit("listening", host=bound_host, port=bound_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
