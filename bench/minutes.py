"""Minutes of N pages: rendered as PDF/A-3b and signed through the minutes services,
beside WeasyPrint rendering the same HTML alone.

For each size a meeting is held and closed through the services, its draft is filled
with enough text for N pages, then we time: `minutes_issue` (the Decree 30 HTML, one
WeasyPrint layout giving the PDF and the signature boxes, PDF/A-3b with the JSON record
attached, the metadata pass, the document stored) and one signature through
`minutes_sign` (PKCS#11 on SoftHSM2, PAdES B-LTA with the development TSA served on a
loopback port). The baseline is `HTML(string=the same html).write_pdf()`. For the
smallest size the whole chain (secretary, chair, seal and archiving) is timed too.
Everything runs in this process against a throwaway database, PKI and token folder.

    python -m bench.minutes --pages 10 50 200
"""

from __future__ import annotations

import argparse
import sys
import time

from bench.signing import PIN, django_setup

CHARS_PER_PAGE = 3300  # 14 pt Liberation Serif on A4 with Decree 30 margins, roughly (measured)
SENTENCE = (
    "Các thành viên Chính phủ thảo luận về phạm vi điều chỉnh, cơ chế phối hợp giữa các "
    "bộ, ngành và nguồn lực thực hiện; đề nghị cơ quan chủ trì tiếp thu, giải trình. "
)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


class Setup:
    def __init__(self) -> None:
        from django.conf import settings

        from bench.common import body_with_members
        from signing import provisioning
        from signing.pki_service import serve_in_thread

        self.body, self.chair, self.secretary, self.members = body_with_members(5)
        report = provisioning.dev_pki_init(
            users=[self.chair, self.secretary], user_pin=PIN, seal_pin=PIN
        )
        self.server = serve_in_thread(report.pki, port=settings.SIGNING_DEV_PKI_PORT)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def closed_meeting(self, items: int):
        from django.utils import timezone

        from meetings import live
        from meetings import services as meetings

        meeting = meetings.meeting_create(
            actor=self.secretary,
            body=self.body,
            title=f"Phiên họp đo hiệu năng {time.time_ns()}",
            starts_at=timezone.now(),
        )
        for n in range(items):
            meetings.item_add(actor=self.secretary, meeting=meeting, title=f"Nội dung {n + 1}")
        meetings.meeting_publish(actor=self.secretary, meeting=meeting)
        meeting = meetings.meeting_start(actor=self.chair, meeting=meeting, override_reason="Đo")
        for item in meeting.items.all():
            live.item_open(actor=self.chair, item=item)
            live.item_close(actor=self.chair, item=item, conclusion="Thống nhất thông qua.")
        return meetings.meeting_close(actor=self.chair, meeting=meeting)

    def drafted(self, pages: int):
        from minutes import services

        total = pages * CHARS_PER_PAGE
        items = max(2, -(-total // 18_000))
        meeting = self.closed_meeting(items)
        minutes = meeting.minutes.get()  # drafted as the meeting closed
        text = (SENTENCE * (total // items // len(SENTENCE) + 1))[: total // items]
        content = {
            "opening": "Phiên họp đo hiệu năng.",
            "items": {
                str(item["id"]): {"summary": text, "conclusion": "Thống nhất thông qua."}
                for item in minutes.facts["items"]
            },
        }
        services.minutes_draft_save(actor=self.secretary, minutes=minutes, content=content)
        return minutes


def weasyprint_alone(minutes) -> float:
    """The same Decree 30 HTML through WeasyPrint with nothing else."""
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from minutes import pdf, services

    draft = minutes.drafts.order_by("-number").first()
    signers = services.minutes_signers(minutes=minutes, secretary=minutes.created_by)
    context = pdf.context_for(
        facts=minutes.facts,
        content=draft.content,
        number_symbol=minutes.number_symbol,
        issued_on=timezone.localdate(),
        signers=signers,
        draft=False,
    )
    html = render_to_string("minutes/pdf/minutes.html", context)
    # The best of two: the first render also loads the fonts.
    return min(timed(lambda: HTML(string=html).write_pdf())[0] for _ in range(2))


def measure(setup: Setup, pages: int, *, chain: bool) -> dict:
    from minutes import services

    minutes = setup.drafted(pages)
    alone = weasyprint_alone(minutes)
    issue_t, minutes = timed(services.minutes_issue, actor=setup.secretary, minutes=minutes)
    sign_t, minutes = timed(
        services.minutes_sign, actor=setup.secretary, minutes=minutes, step="secretary", pin=PIN
    )
    row = {
        "pages": minutes.current_version.page_count,
        "alone": alone,
        "issue": issue_t,
        "sign": sign_t,
        "size": minutes.current_version.size,
    }
    if chain:
        chair_t, minutes = timed(
            services.minutes_sign, actor=setup.chair, minutes=minutes, step="chair", pin=PIN
        )
        seal_t, minutes = timed(
            services.minutes_sign, actor=setup.secretary, minutes=minutes, step="seal", pin=PIN
        )
        row["chain"] = sign_t + chair_t + seal_t
        row["archived"] = minutes.is_archived
    return row


def report(rows: list[dict]) -> None:
    print(
        "\nMinutes: render as PDF/A-3b and sign (B-LTA, SoftHSM2) vs WeasyPrint alone "
        "(seconds; ratio = ours / WeasyPrint alone)"
    )
    print(
        f"{'pages':>5} {'KiB':>6} {'WeasyPrint':>10} {'issue':>7} {'ratio':>6} "
        f"{'+1 sign':>8} {'ratio':>6} {'3 signs':>8}"
    )
    for r in rows:
        chain = f"{r['chain']:>8.2f}" if "chain" in r else f"{'-':>8}"
        print(
            f"{r['pages']:>5} {r['size'] // 1024:>6} {r['alone']:>10.2f} {r['issue']:>7.2f} "
            f"{r['issue'] / r['alone']:>6.2f} {r['issue'] + r['sign']:>8.2f} "
            f"{(r['issue'] + r['sign']) / r['alone']:>6.2f} {chain}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[10, 50, 200])
    options = parser.parse_args()
    if any(p < 1 or p > 1000 for p in options.pages):
        parser.error("--pages takes sizes from 1 to 1000")
    workdir = django_setup()
    print(f"scratch data in {workdir}")
    setup = Setup()
    try:
        smallest = min(options.pages)
        rows = [measure(setup, p, chain=p == smallest) for p in options.pages]
    finally:
        setup.close()
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
