"""The minutes as PDF/A-3b in the Decree 30/2020 layout ("Biên bản"), with the
meeting's record embedded as a JSON associated file.

The wording is Vietnamese whatever the reader's screen says: it is the legal document.
One WeasyPrint layout gives both the PDF and where the two signature blocks landed on
the last page, so the secretary's and the chair's signatures go exactly there.

pyHanko's incremental writer, on every signature, sets the XMP pdf:Producer to its own
name and xmp:ModifyDate to the signing time, but touches the /Info dictionary only
where an entry exists (and appends its name to an existing /Producer). So the file
starts with /ModDate in /Info and no Producer on either side: after each signature
both say the same thing, as PDF/A asks. Every date (/Info, XMP, the embedded record's)
is the instant of rendering in UTC; documents/pdf.py says how revisions keep them.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import warnings
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pikepdf
from django.template.loader import render_to_string
from django.utils import timezone

from documents.pdf import pdf_metadata_settle
from ecabinet import dates

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
RECORD_NAME = "bien-ban.json"
PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px; PDF speaks points
SIGN_BOX_SIZE = (224, 84)

KIND_VI = {
    "regular": "Phiên họp thường kỳ",
    "thematic": "Phiên họp chuyên đề",
    "extraordinary": "Phiên họp bất thường",
}
CHOICE_VI = {"yes": "Tán thành", "no": "Không tán thành", "abstain": "Không biểu quyết"}
BASE_VI = {
    "all_members": "tổng số thành viên",
    "present": "số thành viên có mặt",
    "votes_cast": "số phiếu tán thành và không tán thành",
}
DECIDED_VI = {
    "majority": "đạt đa số theo quy định",
    "no_majority": "không đạt đa số theo quy định",
    "chair_side": "số phiếu ngang nhau, quyết định theo ý kiến của chủ tọa",
    "tie_fails": "số phiếu ngang nhau, không thông qua",
}


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    # Last page (0-based) and the boxes (x1, y1, x2, y2, PDF points) of the blocks.
    sign_boxes: dict[str, Any]


def local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, VIETNAM)


def place_date(place: str, day: dt.date) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": Decree 30 pads days below 10 and months below 3."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _when(value: str | None) -> str:
    if not value:
        return "—"
    return dates.vi_when(dt.datetime.fromisoformat(value))


def _vote_lines(vote: dict[str, Any]) -> dict[str, Any]:
    result = vote.get("result") or {}
    counts = result.get("counts") or {}
    rule = vote.get("rule") or {}
    question = (vote.get("question") or "").strip()
    return {
        **vote,
        "mode_vi": "bỏ phiếu kín" if vote.get("mode") == "secret" else "biểu quyết công khai",
        "counts_vi": [(CHOICE_VI[c], counts.get(c, 0)) for c in ("yes", "no", "abstain")],
        "base_vi": BASE_VI.get(rule.get("majority_base", ""), rule.get("majority_base", "")),
        "adopted": result.get("adopted"),
        "decided_vi": DECIDED_VI.get(result.get("decided_by", ""), ""),
        "closed": vote.get("state") == "closed",
        "question_vi": question if question[-1:] in ".?!" else f"{question}.",
    }


def context_for(
    *,
    facts: dict,
    content: dict,
    number_symbol: str,
    issued_on: dt.date,
    signers: dict,
    draft: bool,
) -> dict[str, Any]:
    meeting = facts["meeting"]
    texts = {str(k): v for k, v in (content.get("items") or {}).items()}
    items = []
    for item in facts["items"]:
        text = texts.get(str(item["id"]), {})
        items.append(
            {
                **item,
                "summary": text.get("summary", ""),
                "conclusion": text.get("conclusion", item.get("conclusion", "")),
                "votes": [_vote_lines(v) for v in item["votes"]],
            }
        )
    body = meeting["body"]["name"]
    agency = meeting["body"].get("heading") or body
    return {
        "doc_title": f"Biên bản {meeting['title']}",
        "agency": agency,
        "number_symbol": number_symbol,
        "place_date": place_date(facts.get("place_of_issue") or "Hà Nội", issued_on),
        "meeting": meeting,
        "kind_vi": KIND_VI.get(meeting["kind"], "Phiên họp"),
        "started": _when(meeting.get("started_at") or meeting.get("starts_at")),
        "ended": _when(meeting.get("ended_at")),
        "attendance": facts["attendance"],
        "quorum": facts["quorum"],
        "items": items,
        "opening": content.get("opening", ""),
        "closing": content.get("closing", ""),
        "secretary": signers.get("secretary") or {},
        "chair": signers.get("chair") or {},
        "draft": draft,
        "keywords": "biên bản, bien ban, " + body,
    }


def _find_boxes(document) -> dict[str, Any]:
    """Where the elements with id sig-secretary and sig-chair landed, in PDF points."""
    found: dict[str, Any] = {}
    for index, page in enumerate(document.pages):
        height_pt = page.height * PX_TO_PT
        for box in page._page_box.descendants():
            element_id = box.element.get("id") if box.element is not None else None
            if element_id not in ("sig-secretary", "sig-chair"):
                continue
            x, y = box.border_box_x(), box.border_box_y()
            w, h = box.border_width(), box.border_height()
            cx = (x + w / 2) * PX_TO_PT
            top = height_pt - y * PX_TO_PT
            bottom = height_pt - (y + h) * PX_TO_PT
            bw, bh = SIGN_BOX_SIZE
            cy = (top + bottom) / 2
            key = element_id.removeprefix("sig-")
            found[key] = [
                round(cx - bw / 2),
                round(cy - bh / 2),
                round(cx + bw / 2),
                round(cy + bh / 2),
            ]
            found["page"] = index
    return found


def render(
    *,
    facts: dict,
    content: dict,
    number_symbol: str,
    issued_on: dt.date,
    signers: dict,
    draft: bool = False,
    moment: dt.datetime | None = None,
) -> Rendered:
    context = context_for(
        facts=facts,
        content=content,
        number_symbol=number_symbol,
        issued_on=issued_on,
        signers=signers,
        draft=draft,
    )
    html = render_to_string("minutes/pdf/minutes.html", context)
    return render_html(html, facts=facts, moment=moment)


def record_json(facts: dict) -> bytes:
    return json.dumps(facts, ensure_ascii=False, indent=2, sort_keys=True).encode()


def render_html(html: str, *, facts: dict, moment: dt.datetime | None = None) -> Rendered:
    from weasyprint import HTML, Attachment  # heavy; loaded only to render

    document = HTML(string=html).render()
    boxes = _find_boxes(document)
    record = Attachment(
        string=record_json(facts).decode(),
        name=RECORD_NAME,
        description="Hồ sơ phiên họp (JSON): thành phần, nội dung, biểu quyết, "
        "mã băm chuỗi nhật ký khi bế mạc",
        relationship="Data",
    )
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for PDF/A and drops the file unclosed; the
        # bytes are read by then, so the ResourceWarning says nothing about our output.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = document.write_pdf(pdf_variant="pdf/a-3b", attachments=[record])
    # Dates on both sides and on the record, no Producer (see the module docstring).
    pdf = pdf_metadata_settle(pdf, moment=moment or timezone.now())
    return Rendered(pdf, len(document.pages), boxes)


def embedded_record(pdf: bytes) -> dict:
    """The JSON record a minutes PDF carries."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        spec = doc.attachments[RECORD_NAME]
        return json.loads(spec.get_file().read_bytes())


def metadata_mismatches(pdf: bytes) -> list[str]:
    """Where /Info and XMP disagree (PDF/A asks them to agree), or xmp:MetadataDate
    stayed behind xmp:ModifyDate, as plain lines."""
    pairs = {
        "/Title": "dc:title",
        "/Author": "dc:creator",
        "/Subject": "dc:description",
        "/Keywords": "pdf:Keywords",
        "/Producer": "pdf:Producer",
        "/Creator": "xmp:CreatorTool",
        "/CreationDate": "xmp:CreateDate",
        "/ModDate": "xmp:ModifyDate",
    }
    problems = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        info = doc.docinfo
        meta = doc.open_metadata()
        for info_key, xmp_key in pairs.items():
            left = info.get(info_key)
            right = meta.get(xmp_key)
            if left is None and right is None:
                continue
            if left is None or right is None:
                problems.append(f"{info_key} / {xmp_key}: only one side has it")
                continue
            left_s = str(left)
            if info_key.endswith("Date"):
                same = _pdf_date(left_s) == dt.datetime.fromisoformat(str(right))
            elif info_key == "/Author":
                same = left_s in str(right)
            else:
                same = left_s == str(right)
            if not same:
                problems.append(f"{info_key}={left_s!r} but {xmp_key}={right!r}")
        # XMP: the metadata changed no earlier than the document it describes.
        modified, metadata = meta.get("xmp:ModifyDate"), meta.get("xmp:MetadataDate")
        if modified is not None and (
            metadata is None
            or dt.datetime.fromisoformat(str(metadata)) < dt.datetime.fromisoformat(str(modified))
        ):
            problems.append(f"xmp:MetadataDate={metadata!r} is before xmp:ModifyDate={modified!r}")
    return problems


def _pdf_date(value: str) -> dt.datetime:
    from pyhanko.pdf_utils.generic import parse_pdf_date

    return parse_pdf_date(value)
