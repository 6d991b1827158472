"""The preview's web server, in a process of its own: ``python -m generator.commands.server``.

Builds hold Python's interpreter lock for seconds at a time, so a server running
in the building process would keep readers waiting for as long. In a process of
its own it answers every request from the files on disk at once, whatever a build
is doing.

While the content has problems, the building process says so in a small state
file (``write_state``); every page this server sends then starts with them, in an
alert, and reloads itself as soon as the state changes (the problems fixed, or
others found). The server stops when the process that started it goes away (its
standard input closes).
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

#: The preview's own addresses, which no site has.
OWN = "/__openrecord/"
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
#: Polls the state while a page shows problems; reloads when the problems change.
_RELOAD_JS = b"""\
(function () {
  var script = document.currentScript;
  var shown = script && script.getAttribute("data-generation");
  function poll() {
    fetch("/__openrecord/state.json", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (String(state.generation) !== shown) { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 1000);
})();
"""


def write_state(path: Path, generation: int, problems: list[str]) -> None:
    """Write what the server shows on every page: the problems of the latest build, if any."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.part")
    part.write_text(json.dumps({"generation": generation, "problems": problems}), "utf-8")
    part.replace(path)  # a reader sees the old state or the new, never half of one


def read_state(path: Path) -> dict[str, Any]:
    """Return the latest state (no problems when there is none yet)."""
    try:
        state = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {"generation": 0, "problems": []}
    return state if isinstance(state, dict) else {"generation": 0, "problems": []}


def banner(state: dict[str, Any]) -> bytes:
    """Return the alert that opens every page while the content has problems."""
    problems = [str(problem) for problem in state.get("problems", [])]
    noun = "problem" if len(problems) == 1 else "problems"
    items = "".join(f"<li><code>{html.escape(problem)}</code></li>" for problem in problems)
    generation = html.escape(str(state.get("generation", 0)))
    return (
        '<div role="alert" class="openrecord-problems" style="background:#fff3cd;'
        "color:#3d2e00;border-bottom:3px solid #b35900;padding:1em 1.5em;font-size:.8rem;"
        'position:relative;z-index:10">'
        f"<p><strong>{len(problems)} {noun} in the content.</strong> This preview shows the "
        "last version that had none; it reloads by itself once you fix "
        f"{'it' if len(problems) == 1 else 'them'} and save.</p>"
        f'<ul style="margin:0">{items}</ul></div>'
        f'<script src="{OWN}reload.js" data-generation="{generation}"></script>'
    ).encode()


class _Server(http.server.ThreadingHTTPServer):
    """A threaded server whose queue holds a browser's burst of requests (not 5, the default)."""

    request_queue_size = 256
    daemon_threads = True


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serve the preview's files; open every page with the content's problems, if any."""

    state_path: Path

    def do_GET(self) -> None:
        """Answer one GET: the preview's own files, a page with the problems, or a file."""
        path = unquote(urlsplit(self.path).path)
        if path == f"{OWN}state.json":
            self._send(200, "application/json", json.dumps(read_state(self.state_path)).encode())
            return
        if path == f"{OWN}reload.js":
            self._send(200, "text/javascript; charset=utf-8", _RELOAD_JS)
            return
        state = read_state(self.state_path)
        if not state.get("problems") or not self._is_page(path):
            super().do_GET()
            return
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        try:
            page = file.read_bytes()
        except OSError:
            page = b"<!doctype html><html lang=en><title>Preview</title><body></body></html>"
        found = _BODY.search(page)
        at = found.end() if found else 0
        self._send(200, "text/html; charset=utf-8", page[:at] + banner(state) + page[at:])

    def _is_page(self, path: str) -> bool:
        """Tell whether an address is a page (not a stylesheet, image or feed)."""
        return path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]

    def _send(self, code: int, kind: str, body: bytes) -> None:
        """Send a whole response that no browser keeps."""
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the terminal for the builds' messages."""


def serve(site_dir: Path, state_path: Path, port: int) -> None:
    """Serve site_dir on 127.0.0.1:port until standard input closes."""
    handler = type("Handler", (PreviewHandler,), {"state_path": state_path})
    server = _Server(("127.0.0.1", port), functools.partial(handler, directory=str(site_dir)))
    print("ready", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the process that started this one closes it, or ends
    server.shutdown()


if __name__ == "__main__":
    try:
        serve(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
    except OSError as error:
        print(f"cannot serve on 127.0.0.1:{sys.argv[3]}: {error.strerror}", file=sys.stderr)
        os._exit(1)
