"""Archive search on PostgreSQL: 100,000 records, realistic queries, p50/p95.

Fills a scratch database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/bench_archive, created if missing) with generated
Vietnamese records: documents and versions with bulk_create, the records themselves with
COPY (their `search` tsvector column computes as each row arrives), the GIN index built
after loading. A database that already holds the same number of records is reused
(`--fresh` rebuilds). Each query goes through archive.selectors.record_search, the code
the pages and the API run (count plus one page). Baselines measured in the same run: a
`SELECT 1` round trip and a primary-key lookup of one record.

    .venv/bin/python -m bench.archive_search --docs 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_archive"
BATCH = 5000

SUBJECTS = [
    "Biên bản phiên họp Chính phủ thường kỳ",
    "Biên bản phiên họp chuyên đề xây dựng pháp luật",
    "Báo cáo tổng hợp ý kiến thành viên Chính phủ",
    "Phiếu lấy ý kiến thành viên Chính phủ",
    "Biên bản họp Thường trực Chính phủ",
]
TOPICS = [
    "dự thảo Nghị định về quản lý dữ liệu",
    "dự án đường bộ cao tốc Bắc - Nam",
    "dự toán ngân sách nhà nước",
    "chính sách đất đai và quy hoạch đô thị",
    "đầu tư công trung hạn",
    "chuyển đổi số quốc gia",
    "phòng, chống thiên tai và ứng phó biến đổi khí hậu",
    "giáo dục đào tạo và y tế cơ sở",
    "điều hành giá xăng dầu",
    "tổ chức bộ máy và tinh gọn đơn vị hành chính",
]
SENTENCES = [
    "Chính phủ thống nhất thông qua {t}.",
    "Các thành viên Chính phủ đồng ý với {t}, đề nghị bổ sung đánh giá tác động.",
    "Thủ tướng kết luận: giao Bộ chủ trì hoàn thiện {t} trong tháng.",
    "Ý kiến đã chọn: Không đồng ý đối với {t}.",
    "Ý kiến khác: đề nghị làm rõ nguồn lực thực hiện {t}.",
    "Văn phòng Chính phủ tổng hợp ý kiến về {t} và báo cáo Thủ tướng.",
    "Bộ Tài chính trình dự thảo về {t}; Bộ Tư pháp thẩm định.",
    "Đại biểu thảo luận về {t}, thống nhất lộ trình thực hiện đến năm 2030.",
]
KINDS = ["minutes", "ballot_report", "ballot_answer"]
# About one record in a thousand mentions this: the "rare words" query.
RARE = "Sự cố sạt lở đê sông Hồng tại xã Tráng Việt được báo cáo khẩn."


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    _ensure_database(url)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
            "DATABASE_URL": url,
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "DATABASE_CONN_MAX_AGE": "60",
        }
    )
    os.environ.pop("REDIS_URL", None)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=os.environ, check=True
    )
    import django

    django.setup()


def _people():
    from people.models import Body, Membership, Role, User

    body, _ = Body.objects.get_or_create(name="Chính phủ (bench)", defaults={"short_name": "CP"})
    other, _ = Body.objects.get_or_create(name="UBND tỉnh (bench)", defaults={"short_name": "UB"})
    user, _ = User.objects.get_or_create(username="bench-archivist", full_name="Lưu trữ viên")
    Membership.objects.get_or_create(body=body, user=user, role=Role.ARCHIVIST)
    return body, other, user


def _text(rng: random.Random) -> tuple[str, str]:
    topic = rng.choice(TOPICS)
    title = f"{rng.choice(SUBJECTS)} về {topic}"
    sentences = [rng.choice(SENTENCES).format(t=rng.choice(TOPICS)) for _ in range(12)]
    if rng.random() < 0.001:
        sentences.insert(rng.randrange(12), RARE)
    return title, " ".join(sentences)


def generate(count: int, body, other, user) -> float:
    """Insert `count` records; return the seconds it took (index build included)."""
    from django.db import connection, transaction

    from documents.models import Document, DocumentVersion

    rng = random.Random(20261122)  # noqa: S311 (test data, not secrets)
    started = time.perf_counter()
    start_day = dt.date(2016, 1, 1)
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS archive_record_search")
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        with transaction.atomic():
            docs = Document.objects.bulk_create(
                Document(
                    body=body if rng.random() < 0.8 else other,
                    doc_type="bien_ban",
                    summary="Biên bản",
                    issuing_body="Chính phủ",
                    created_by=user,
                )
                for _ in range(size)
            )
            versions = DocumentVersion.objects.bulk_create(
                DocumentVersion(
                    document=d,
                    number=1,
                    file=f"documents/{d.pk}/v1.pdf",
                    original_filename="bien-ban.pdf",
                    size=100_000,
                    sha256=f"{d.pk:064x}",
                    page_count=3,
                    uploaded_by=user,
                )
                for d in docs
            )
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    "COPY archive_record (body_id, kind, title, number, text, issued_on,"
                    " version_id, sha256, signers, source_url, meta, filed_by_id, filed_at)"
                    " FROM STDIN"
                ) as copy,
            ):
                now = dt.datetime.now(dt.UTC)
                for doc, version in zip(docs, versions, strict=True):
                    title, text = _text(rng)
                    issued = start_day + dt.timedelta(days=rng.randrange(3650))
                    copy.write_row(
                        (
                            doc.body_id,
                            rng.choice(KINDS),
                            title,
                            f"{rng.randrange(1, 500)}/BB-CP",
                            text,
                            issued,
                            version.pk,
                            version.sha256,
                            json.dumps(["Trần Đức Khiêm, Thủ tướng"]),
                            "",
                            json.dumps({"bench": True}),
                            user.pk,
                            now,
                        )
                    )
        print(f"  {offset + size:>7} records", end="\r", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX archive_record_search ON archive_record USING GIN (search)")
        cursor.execute("ANALYZE archive_record")
    return time.perf_counter() - started


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE archive_record, documents_documentversion, documents_document CASCADE"
        )


def _timed(fn, repeat: int) -> tuple[list[float], object]:
    result = fn()  # warm the caches and the plan
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, result


QUERIES = [
    ("common words", {"q": "bien ban hop chinh phu"}),
    ("two words, đ as d", {"q": "duong bo cao toc"}),
    ("phrase", {"q": '"khong dong y"'}),
    ("words + kind", {"q": "ngan sach", "kind": "ballot_report"}),
    (
        "words + 1-year range",
        {"q": "chuyen doi so", "date_from": dt.date(2024, 1, 1), "date_to": dt.date(2024, 12, 31)},
    ),
    ("words + body, page 5", {"q": "nghi dinh du lieu", "body": "main", "page": 5}),
    ("rare words", {"q": "de song hong trang viet"}),
    ("no words, kind, page 1", {"kind": "minutes"}),
]


def run(docs: int, repeat: int, fresh: bool) -> None:
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    setup_django(url)
    from django.db import connection

    from archive.models import Record
    from archive.selectors import record_search

    body, other, user = _people()
    existing = Record.objects.count()
    if fresh or existing != docs:
        _reset()
        print(f"Filling {docs} records into {url.rsplit('@', 1)[-1]} ...")
        seconds = generate(docs, body, other, user)
        rate = docs / seconds
        print(f"Filled {docs} records in {seconds:.1f} s ({rate:.0f}/s, GIN index included)")
    else:
        print(f"Reusing {existing} records in {url.rsplit('@', 1)[-1]}")

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()

    ids = list(Record.objects.values_list("pk", flat=True)[:1000])
    rng = random.Random(7)  # noqa: S311
    baselines = {
        "SELECT 1 round trip": _timed(select_one, repeat)[0],
        "record by primary key": _timed(
            lambda: Record.objects.filter(pk=rng.choice(ids)).first(), repeat
        )[0],
    }
    one_p50 = percentile(baselines["SELECT 1 round trip"], 50)
    pk_p50 = percentile(baselines["record by primary key"], 50)
    rows = []
    for name, params in QUERIES:
        kwargs = dict(params)
        if kwargs.get("body") == "main":
            kwargs["body"] = body
        times, page = _timed(lambda kw=kwargs: record_search(actor=user, per_page=20, **kw), repeat)
        rows.append((name, f"{page.total}{'' if page.total_exact else '+'}", times))
    head = (
        f"{'query':<28} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8} {'÷ SELECT 1':>11} {'÷ pk':>7}"
    )
    print("\n" + head)
    table = [(name, None, times) for name, times in baselines.items()] + rows
    for name, total, times in table:
        p50, p95 = percentile(times, 50), percentile(times, 95)
        matches = total or ""
        ratios = f"{p50 / one_p50:>10.0f}x {p50 / pk_p50:>6.1f}x"
        print(f"{name:<28} {matches:>8} {p50:>8.2f} {p95:>8.2f} {ratios}")
    print(f"\n{Record.objects.count()} records, {repeat} runs per query after one warm-up.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--fresh", action="store_true", help="rebuild the records")
    args = parser.parse_args()
    run(args.docs, args.repeat, args.fresh)


if __name__ == "__main__":
    main()
