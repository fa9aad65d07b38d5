"""Syncing the briefcase (download, SHA-256 check, AES-GCM seal, IndexedDB) beside
downloading the same papers directly, in headless Chromium against a real Daphne.

A published meeting holds `--papers` papers of `--pages` pages each (text pages drawn by
WeasyPrint, each paper distinct). A member's tablet opens `/briefcase/`, sets its offline
PIN and lets the first sync run. Then, `--repeat` times and alternating: the baseline
fetches every paper's file (`/api/papers/<id>/file`) to an ArrayBuffer, three at a time
like the sync; the sync, with the papers store emptied first, runs
`ecabinetBriefcase.sync()` to its end (manifest, downloads, checks, seals, stores, the
report to the server). Times are wall clock in the page; network bytes are the
Resource Timing sizes of what each run fetched; stored bytes are the sealed records.

    python -m bench.briefcase --papers 20 --pages 30 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import time

from bench.common import (
    ROOT,
    daphne_command,
    django_environment,
    free_port,
    percentile,
    process,
    session_keys,
    wait_for_port,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PIN = "13579024"


class Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def paper_pdf(pages: int) -> bytes:
    """A text paper of `pages` pages, as a ministry's submission looks."""
    from weasyprint import HTML

    paragraph = (
        "<p>Căn cứ Luật Tổ chức Chính phủ, Bộ trình Chính phủ dự thảo Nghị định quy định "
        "chi tiết một số điều của Luật, với các nội dung chính sau đây.</p>"
    ) * 12
    body = "".join(
        f"<section style='page-break-after: always'><h2>Mục {i + 1}</h2>{paragraph}</section>"
        for i in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def distinct(base: bytes, n: int) -> bytes:
    """The same paper under another title: its own bytes and SHA-256."""
    import pikepdf

    with pikepdf.open(io.BytesIO(base)) as pdf:
        pdf.docinfo["/Title"] = f"To trinh so {n}"
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def build(papers: int, pages: int):
    from django.utils import timezone

    from bench.common import body_with_members
    from meetings import services

    body, chair, secretary, members = body_with_members(3)
    meeting = services.meeting_create(
        actor=secretary,
        body=body,
        title="Phiên họp đo hiệu năng cặp tài liệu",
        starts_at=timezone.now() + dt.timedelta(days=2),
    )
    item = services.item_add(
        actor=secretary, meeting=meeting, title="Nội dung 1", presenting_agency="Bộ Tư pháp"
    )
    base = paper_pdf(pages)
    ids = []
    for n in range(papers):
        paper = services.paper_add(
            actor=secretary,
            meeting=meeting,
            item=item,
            file=Upload(distinct(base, n), f"to-trinh-{n}.pdf"),
            filename=f"to-trinh-{n}.pdf",
            doc_type="to_trinh",
            summary=f"Tờ trình số {n + 1}",
            issuing_body="Bộ Tư pháp",
        )
        ids.append(paper.pk)
    services.meeting_publish(actor=secretary, meeting=meeting)
    member = next(m for m in members if m.pk != chair.pk)
    return meeting, member, ids


DIRECT = """async (urls) => {
  performance.clearResourceTimings();
  const start = performance.now();
  let next = 0, bytes = 0;
  async function worker() {
    while (next < urls.length) {
      const response = await fetch(urls[next++], {credentials: "same-origin", cache: "no-store"});
      bytes += (await response.arrayBuffer()).byteLength;
    }
  }
  await Promise.all([worker(), worker(), worker()]);
  const ms = performance.now() - start;
  const net = performance.getEntriesByType("resource").reduce((a, e) => a + e.encodedBodySize, 0);
  return {ms, net, bytes};
}"""

SYNC = """async () => {
  await window.ecabinetBriefcaseStore.clear("papers");
  performance.clearResourceTimings();
  const start = performance.now();
  await window.ecabinetBriefcase.sync();
  const ms = performance.now() - start;
  const net = performance.getEntriesByType("resource").reduce((a, e) => a + e.encodedBodySize, 0);
  const records = await window.ecabinetBriefcaseStore.all("papers");
  const stored = records.reduce((a, r) => a + r.ct.byteLength + r.iv.byteLength, 0);
  const state = document.getElementById("briefcase").dataset.sync;
  return {ms, net, stored, records: records.length, state};
}"""


def run(base_url: str, member, urls: list[str], repeat: int) -> tuple[list[dict], list[dict]]:
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    (key,) = session_keys([member])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 768, "height": 1024}, base_url=base_url)
        context.set_default_timeout(120_000)
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": key, "url": base_url}
        context.add_cookies([cookie])
        page = context.new_page()
        page.goto("/briefcase/")
        page.fill("[data-testid=pin-new]", PIN)
        page.fill("[data-testid=pin-again]", PIN)
        page.click("[data-testid=pin-save]")
        page.wait_for_selector("#briefcase[data-sync=ok]")
        page.evaluate("performance.setResourceTimingBufferSize(2000)")
        direct, synced = [], []
        for _ in range(repeat):
            direct.append(page.evaluate(DIRECT, urls))
            synced.append(page.evaluate(SYNC))
            if synced[-1]["state"] != "ok" or synced[-1]["records"] != len(urls):
                raise SystemExit(f"the sync did not finish: {synced[-1]}")
        browser.close()
    return direct, synced


def report(papers: int, pages: int, direct: list[dict], synced: list[dict]) -> None:
    d_ms = [r["ms"] for r in direct]
    s_ms = [r["ms"] for r in synced]
    d_net, s_net = (
        statistics.median(r["net"] for r in direct),
        statistics.median(r["net"] for r in synced),
    )
    files = direct[0]["bytes"]
    stored = synced[-1]["stored"]
    print()
    print(f"Briefcase sync of a meeting with {papers} papers of {pages} pages, beside")
    print("downloading the same files directly (headless Chromium, Daphne; medians of the")
    print(f"same run, {len(d_ms)} runs each; ratio = sync / direct)")
    print(f"{'':>22} {'ms p50':>9} {'ms max':>9} {'network KiB':>12} {'stored KiB':>11}")
    print(
        f"{'direct download':>22} {statistics.median(d_ms):>9.0f} {max(d_ms):>9.0f} "
        f"{d_net / 1024:>12.0f} {'-':>11}"
    )
    print(
        f"{'briefcase sync':>22} {statistics.median(s_ms):>9.0f} {max(s_ms):>9.0f} "
        f"{s_net / 1024:>12.0f} {stored / 1024:>11.0f}"
    )
    print(
        f"{'ratio':>22} {statistics.median(s_ms) / statistics.median(d_ms):>9.2f} "
        f"{percentile(s_ms, 100) / percentile(d_ms, 100):>9.2f} {s_net / d_net:>12.3f} "
        f"{stored / files:>11.3f}"
    )
    print(f"files: {files / 1024:.0f} KiB in all, {files / papers / 1024:.0f} KiB per paper")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=20)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    options = parser.parse_args()
    env, workdir = django_environment(options.redis)
    # DEBUG is off, as in production: WhiteNoise serves the collected static files.
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    started = time.perf_counter()
    meeting, member, ids = build(options.papers, options.pages)
    print(f"{options.papers} papers built in {time.perf_counter() - started:.1f} s")
    urls = [f"/api/papers/{pk}/file?v=1" for pk in ids]
    port = free_port()
    print(f"server logs in {workdir}")
    with process(daphne_command(port), env, workdir / "daphne.log"):
        asyncio.run(wait_for_port(port))
        direct, synced = run(f"http://127.0.0.1:{port}", member, urls, options.repeat)
    report(options.papers, options.pages, direct, synced)
    return 0


if __name__ == "__main__":
    sys.exit(main())
