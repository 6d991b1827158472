"""The preview server: builds, serves on 127.0.0.1 and rebuilds what an edit changed."""

from __future__ import annotations

import json
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
    from generator.errors import ContentError
    from generator.preview import Preview

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

    from generator.preview import Preview

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
