"""The preview server: builds, serves on 127.0.0.1 and rebuilds what an edit changed."""

from __future__ import annotations

import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Git
from tests.scan import search_pages


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    """Return a page's text, or None while the server is not answering."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float = 60) -> str:
    """Poll a page until it contains text; return it."""
    deadline = time.monotonic() + seconds
    page = None
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return page
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r}; last saw {page and page[:200]!r}")


def _search_text(site: Path, url: str) -> str | None:
    """Return the words the search index holds for a page, once it has them edited."""
    try:
        pages = {page["url"]: page["content"] for page in search_pages(site)}
    except (OSError, EOFError, ValueError):  # the index is being written: look again
        return None
    text = pages.get(url)
    return text if text and "Edited in preview." in text else None


def wait_until(probe: Callable[[], str | None], seconds: float = 30) -> str:
    """Return what probe gives once it gives something, within a number of seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"nothing found in {seconds} s")


def test_serve_rebuilds_after_an_edit(git_site: Git) -> None:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator",
            "serve",
            "--root",
            str(git_site.root),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/decisions/d/"
        wait_for(url, "Body text.")
        path = git_site.root / "content/decisions/d.md"
        path.write_text(path.read_text().replace("Body text.", "Edited in preview."))
        page = wait_for(url, "Edited in preview.")
        assert "<strong>Unpublished changes:</strong>" in page
        found = wait_until(lambda: _search_text(git_site.root / "build/preview", "/decisions/d/"))
        assert "Edited in preview." in found and "Body text." not in found
        path.write_text(path.read_text().replace("status: proposed", "status: nonsense"))
        time.sleep(3)
        assert "Edited in preview." in (fetch(url) or "")  # the last good build stays up
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert f"serving on http://127.0.0.1:{port}/" in output
    assert "rebuilt 1 edited page(s) in" in output  # the text alone changed: one page
    assert "updating the search index in the background" in output
    assert re.search(r"^search index updated in [0-9.]+ s$", output, re.M), output
    assert "content/decisions/d.md:4: status: 'nonsense' is not allowed here" in output


def test_build_writes_only_changed_docs(git_site: Git, tmp_path: Path) -> None:
    from generator.build import build

    build(git_site.root, tmp_path / "out")
    docs = git_site.root / "build" / "docs"
    untouched = docs / "workshops/index.md"
    edited = docs / "decisions/index.md"  # lists the decision's summary
    before = untouched.stat().st_mtime_ns
    time.sleep(0.05)
    path = git_site.root / "content/decisions/d.md"
    path.write_text(path.read_text().replace("We decided.", "We decided again."))
    build(git_site.root, tmp_path / "out")
    assert untouched.stat().st_mtime_ns == before
    assert "We decided again." in edited.read_text()
    assert not (docs / "decisions/d/index.md").exists()  # poured into a shell, not on disk


def test_preview_re_renders_only_an_edited_text(git_site: Git, tmp_path: Path) -> None:
    from generator.commands.preview import Preview
    from generator.errors import ContentError

    preview = Preview(git_site.root, tmp_path / "preview")
    preview.build()
    page = tmp_path / "preview/decisions/d/index.html"
    workshop = tmp_path / "preview/workshops/w/index.html"
    listing = tmp_path / "preview/decisions/index.html"
    untouched = {path: path.stat().st_mtime_ns for path in (workshop, listing)}
    path = git_site.root / "content/decisions/d.md"
    original = path.read_text()
    path.write_text(original.replace("Body text.", "A *new* text.\n\n## A new part\n\nMore."))
    assert preview.update(["content/decisions/d.md"]) == 1
    html = page.read_text()
    assert "A <em>new</em> text." in html
    assert 'href="#a-new-part" class="md-nav__link"' in html  # the table of contents too
    assert "<strong>Unpublished changes:</strong>" in html
    assert {path: path.stat().st_mtime_ns for path in untouched} == untouched
    path.write_text(original.replace("Body text.", "See [the intention](../intentions/i.md)."))
    assert preview.update(["content/decisions/d.md"]) == 1
    assert 'href="../../intentions/i/"' in page.read_text()  # a new link leads to its page
    path.write_text(original.replace("Body text.", "See [nothing](../intentions/no.md)."))
    with pytest.raises(ContentError) as dead:
        preview.update(["content/decisions/d.md"])
    assert "the link to ../intentions/no.md leads nowhere" in dead.value.report()
    path.write_text(original.replace("Body text.", "<script>alert(1)</script>"))
    with pytest.raises(ContentError) as refused:
        preview.update(["content/decisions/d.md"])
    assert refused.value.report().startswith("content/decisions/d.md:")
    assert "See <a" in page.read_text()  # the last good page stays
    path.write_text(original.replace("We decided.", "We decided again."))
    assert preview.update(["content/decisions/d.md"]) is None  # front matter: a whole build
    assert preview.update(["content/decisions/new.md"]) is None
    path.write_bytes(original.encode("utf-8").replace(b"Body text.", b"Caf\xe9."))
    assert preview.update(["content/decisions/d.md"]) is None  # not UTF-8: a whole build
    with pytest.raises(ContentError) as unreadable:
        preview.build()
    line = original[: original.index("Body text.")].count("\n") + 1
    assert unreadable.value.report().startswith(
        f"content/decisions/d.md:{line}: the file is not valid UTF-8"
    )


def test_a_reader_never_sees_half_a_page_while_the_preview_updates(
    git_site: Git, tmp_path: Path
) -> None:
    """The server may send a page or the search index while an edit rewrites it."""
    import threading

    from generator.commands.preview import Preview

    preview = Preview(git_site.root, tmp_path / "preview")
    preview.build()
    page = tmp_path / "preview/decisions/d/index.html"
    site = tmp_path / "preview"
    seen: list[str] = []
    missing: list[str] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            text = page.read_text()
            seen.append(text[-7:])
            # The entry names the language's index, there in full: never a half index.
            entry = json.loads((site / "pagefind/pagefind-entry.json").read_text())
            for language in entry["languages"].values():
                meta = site / f"pagefind/pagefind.{language['hash']}.pf_meta"
                if not meta.is_file():
                    missing.append(meta.name)

    reader = threading.Thread(target=read)
    reader.start()
    path = git_site.root / "content/decisions/d.md"
    original = path.read_text()
    try:
        for number in range(40):
            path.write_text(original.replace("Body text.", f"Edit number {number}."))
            assert preview.update(["content/decisions/d.md"]) == 1
        preview.search.wait()  # the index follows the edits in the background
    finally:
        done.set()
        reader.join()
    assert seen and set(seen) == {"</html>"}  # every read was a whole page
    assert not missing
    found = {page["url"]: page["content"] for page in search_pages(site)}
    assert "Edit number 39." in found["/decisions/d/"]
    assert not list((tmp_path / "preview").rglob(".*.part"))


class Serving:
    """`openrecord serve` running on a free port, as a contributor starts it."""

    def __init__(self, root: Path) -> None:
        self.port = free_port()
        command = [sys.executable, "-m", "generator", "serve", "--root", str(root)]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def url(self, path: str) -> str:
        """Return the address of a path on the preview."""
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> str:
        """Stop the preview; return what it printed."""
        self.process.terminate()
        return self.process.communicate(timeout=20)[0]


ALERT = '<div role="alert" class="openrecord-problems"'


def test_the_preview_survives_any_edit_and_shows_its_problems_on_every_page(
    git_site: Git,
) -> None:
    serving = Serving(git_site.root)
    path = git_site.root / "content/decisions/d.md"
    original = path.read_text()
    try:
        page = serving.url("/decisions/d/")
        wait_for(page, "Body text.")
        assert ALERT not in (fetch(page) or "")
        path.write_text(original.replace("title: A decision", 'title: "\\u0001"'))
        control = (
            "content/decisions/d.md:2: this value holds an invisible control character "
            "(U+0001), written as an escape such as \\u0001: pages and feeds cannot carry it; "
            "remove it"
        )
        for other in ("/decisions/d/", "/workshops/w/", "/", "/no/such/page/"):
            shown = wait_for(serving.url(other), ALERT)
            assert html.escape(control) in shown
        assert "1 problem in the content." in shown
        assert 'src="/__openrecord/reload.js" data-generation="' in shown
        state = json.loads(fetch(serving.url("/__openrecord/state.json")) or "{}")
        assert state["problems"] == [control]
        path.write_text(original.replace("Body text.", "- " * 5000 + "deep"))
        wait_for(page, "nested 5000 levels deep here")  # the next problem: the title is mended
        assert "A decision" in (fetch(page) or "")  # the last good page, under the alert
        path.write_text(original.replace("Body text.", "Mended."))
        wait_for(page, "Mended.")
        wait_for(serving.url("/__openrecord/state.json"), '"problems": []')
        assert ALERT not in (fetch(page) or "")
        later = json.loads(fetch(serving.url("/__openrecord/state.json")) or "{}")
        assert later["generation"] > state["generation"]
    finally:
        output = serving.stop()
    assert "Traceback" not in output
    assert f"{control}\n1 problem in the content: fix it and run the command again." in output


def test_any_failure_of_a_rebuild_is_reported_and_the_preview_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.cli import Rebuilds
    from generator.commands.server import read_state

    class Failing:
        def update(self, changed: list[str]) -> int:
            raise RecursionError("maximum recursion depth exceeded")

    rebuilds = Rebuilds(Failing(), tmp_path / "state.json")  # type: ignore[arg-type]
    rebuilds.rebuild(["content/decisions/d.md"])
    expected = (
        "error: the preview could not be built after content/decisions/d.md changed "
        "(RecursionError: maximum recursion depth exceeded); undo the last edit, and report "
        "the problem to the maintainers"
    )
    assert capsys.readouterr().err == expected + "\n"
    assert read_state(tmp_path / "state.json") == {"generation": 1, "problems": [expected]}


def test_pages_are_served_while_the_builder_is_busy(git_site: Git) -> None:
    """The server answers from disk in its own process: a stopped builder keeps no one waiting."""
    import signal
    from concurrent.futures import ThreadPoolExecutor

    serving = Serving(git_site.root)
    try:
        wait_for(serving.url("/decisions/d/"), "Body text.")
        os.kill(serving.process.pid, signal.SIGSTOP)  # the builder, frozen mid-way
        try:
            paths = ["/decisions/d/", "/", "/workshops/w/", "/feeds/all/atom.xml"] * 50
            with ThreadPoolExecutor(max_workers=50) as pool:
                pages = list(pool.map(lambda path: fetch(serving.url(path)), paths))
        finally:
            os.kill(serving.process.pid, signal.SIGCONT)
    finally:
        serving.stop()
    assert all(page for page in pages), f"{pages.count(None)} of {len(pages)} went unanswered"


def test_the_preview_starts_even_when_the_content_has_problems(git_site: Git) -> None:
    path = git_site.root / "content/decisions/d.md"
    original = path.read_text()
    path.write_text(original.replace("status: proposed", "status: nonsense"))
    serving = Serving(git_site.root)
    try:
        shown = wait_for(serving.url("/decisions/d/"), ALERT)
        assert "content/decisions/d.md:4: status: &#x27;nonsense&#x27; is not allowed" in shown
        path.write_text(original)
        wait_for(serving.url("/decisions/d/"), "Body text.")
        wait_for(serving.url("/__openrecord/state.json"), '"problems": []')
        assert ALERT not in (fetch(serving.url("/decisions/d/")) or "")
    finally:
        serving.stop()
