"""Real local servers for the tests of what leaves the platform: an SMTP server (aiosmtpd) that
receives the e-mails and an HTTP server that stands in for the messengers' robot endpoints.
Both listen on 127.0.0.1 only and stop at the end of the test."""

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


class Mailbox:
    """aiosmtpd handler: keeps every message it receives, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "subject": str(message["subject"]),
                "body": message.get_body(("plain",)).get_content(),
            }
        )
        return "250 OK"


def start_smtp():
    mailbox = Mailbox()
    # aiosmtpd checks the server is up by connecting to the port it was given, so not 0: ask
    # the system for a free one first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, mailbox


class Robots(ThreadingHTTPServer):
    """Answers each post like a messenger: ``answers[path]`` is a list of (status, JSON) to give
    in turn (the last one repeats); by default {"errcode": 0, "errmsg": "ok"}."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RobotHandler)
        self.posts, self.answers, self.lock = [], {}, threading.Lock()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def posts_to(self, path: str) -> list[dict]:
        return [p for p in self.posts if p["path"] == path]


class RobotHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        parts = urlsplit(self.path)
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with self.server.lock:
            self.server.posts.append({"path": parts.path, "query": parse_qs(parts.query), "json": body})
            queue = self.server.answers.get(parts.path) or [(200, {"errcode": 0, "errmsg": "ok"})]
            status, answer = queue.pop(0) if len(queue) > 1 else queue[0]
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass
