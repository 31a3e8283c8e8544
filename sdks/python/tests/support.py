"""Helpers shared by the tests: unique names and a scriptable fake HTTP server."""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}"


class FakeServer:
    """An HTTP server on a loopback port that answers from a script and records each request.

    ``script`` is a list of responses used in order (the last one repeats): dicts with
    ``status``, optional ``headers``, ``body`` (JSON-encoded unless it is bytes) and ``delay``.
    """

    def __init__(self) -> None:
        self.script: List[Dict[str, Any]] = [{"status": 200, "body": {}}]
        self.requests: List[Dict[str, Any]] = []
        self.request_times: List[float] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                with server._lock:
                    index = len(server.requests)
                    server.requests.append(
                        {
                            "method": self.command,
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": json.loads(raw) if raw else None,
                        }
                    )
                    server.request_times.append(time.monotonic())
                    step = server.script[min(index, len(server.script) - 1)]
                if step.get("delay"):
                    time.sleep(step["delay"])
                body = step.get("body")
                payload = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())
                try:
                    self.send_response(step["status"])
                    headers = {"content-type": "application/json", **step.get("headers", {})}
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("content-length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_GET = do_POST = do_PATCH = do_DELETE = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def error_body(code: str, message: str = "error", request_id: Optional[str] = "req-1") -> Dict[str, Any]:
    return {"error": {"code": code, "message": message}, "request_id": request_id}
