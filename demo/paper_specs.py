"""The papers of the demo meetings: their Decree 30/2020/NĐ-CP metadata.

The prose of each lives in demo/templates/demo/papers/<template>.html; demo/papers.py
renders it. Numbers and symbols are invented; the laws and decrees cited are real.
"""

from __future__ import annotations

from dataclasses import dataclass

from documents.models import Confidentiality, DocumentType, Urgency


@dataclass(frozen=True)
class PaperSpec:
    """One paper: its metadata (stored on the Document) and what its PDF prints."""

    template: str  # demo/papers/<template>.html holds the body text
    filename: str
    doc_type: str
    type_title: str  # printed, e.g. "TỜ TRÌNH"
    summary: str  # trích yếu; may name {month} and {year} of the meeting
    issuing_body: str
    agency_lines: tuple[str, ...]  # the issuing body as printed, upper case, bold
    number_symbol: str  # stored; empty for drafts, which have no number yet
    number_line: str  # printed after "Số:"
    days_before: int  # dated this many days before the seeding day
    signer_title: str
    signer: str = ""  # username; drafts leave the name blank
    signer_authority: str = ""  # "TM. CHÍNH PHỦ", "KT. BỘ TRƯỞNG"
    issuing_parent: str = ""  # the body above the issuer, upper case, not bold
    addressee: str = ""  # "Kính gửi: ..."
    distribution: tuple[str, ...] = ()  # "Nơi nhận"
    is_draft: bool = False
    confidentiality: str = Confidentiality.NORMAL
    urgency: str = Urgency.NORMAL
    recipients: tuple[str, ...] = ()  # who may open a confidential paper


# --- Papers of the Government's regular meeting -------------------------------

TO_GOV = ("Như trên", "Thủ tướng, các Phó Thủ tướng Chính phủ", "Văn phòng Chính phủ")

BC_KTXH = PaperSpec(
    template="bc_ktxh",
    filename="512-BC-BTC-tinh-hinh-kinh-te-xa-hoi.pdf",
    doc_type=DocumentType.REPORT,
    type_title="BÁO CÁO",
    summary="Tình hình kinh tế - xã hội tháng {month} và {month} tháng năm {year}; "
    "nhiệm vụ, giải pháp trọng tâm thời gian tới",
    issuing_body="Bộ Tài chính",
    agency_lines=("BỘ TÀI CHÍNH",),
    number_symbol="512/BC-BTC",
    number_line="512/BC-BTC",
    days_before=3,
    signer_title="BỘ TRƯỞNG",
    signer="bt.taichinh",
    addressee="Chính phủ",
    distribution=(*TO_GOV, "Các bộ, cơ quan ngang bộ", "Lưu: VT, Vụ TH (3b)"),
)

NQ_PHIEN_HOP = PaperSpec(
    template="nq_phien_hop",
    filename="du-thao-nghi-quyet-phien-hop-thuong-ky.pdf",
    doc_type=DocumentType.DRAFT_RESOLUTION,
    type_title="NGHỊ QUYẾT",
    summary="Phiên họp Chính phủ thường kỳ tháng {month} năm {year}",
    issuing_body="Chính phủ",
    agency_lines=("CHÍNH PHỦ",),
    number_symbol="",
    number_line="\u2003\u2003\u2003/NQ-CP",
    days_before=2,
    signer_authority="TM. CHÍNH PHỦ",
    signer_title="THỦ TƯỚNG",
    distribution=(
        "Ban Bí thư Trung ương Đảng",
        "Thủ tướng, các Phó Thủ tướng Chính phủ",
        "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
        "HĐND, UBND các tỉnh, thành phố trực thuộc trung ương",
        "Văn phòng Trung ương và các Ban của Đảng",
        "Văn phòng Quốc hội",
        "VPCP: BTCN, các PCN, Trợ lý TTg, các Vụ, Cục",
        "Lưu: VT, TH (2b)",
    ),
    is_draft=True,
)

BC_DAU_TU_CONG = PaperSpec(
    template="bc_dau_tu_cong",
    filename="530-BC-BTC-giai-ngan-von-dau-tu-cong.pdf",
    doc_type=DocumentType.REPORT,
    type_title="BÁO CÁO",
    summary="Tình hình giải ngân vốn đầu tư công {month} tháng năm {year} "
    "và giải pháp đẩy mạnh giải ngân những tháng cuối năm",
    issuing_body="Bộ Tài chính",
    agency_lines=("BỘ TÀI CHÍNH",),
    number_symbol="530/BC-BTC",
    number_line="530/BC-BTC",
    days_before=1,
    signer_title="BỘ TRƯỞNG",
    signer="bt.taichinh",
    addressee="Chính phủ",
    distribution=(*TO_GOV, "Kiểm toán nhà nước", "Lưu: VT, Cục QLĐT (3b)"),
    urgency=Urgency.URGENT,
)

BC_TIEN_TE = PaperSpec(
    template="bc_tien_te",
    filename="85-BC-NHNN-dieu-hanh-chinh-sach-tien-te.pdf",
    doc_type=DocumentType.REPORT,
    type_title="BÁO CÁO",
    summary="Tình hình thị trường tiền tệ, hoạt động ngân hàng và định hướng "
    "điều hành chính sách tiền tệ những tháng cuối năm {year}",
    issuing_body="Ngân hàng Nhà nước Việt Nam",
    agency_lines=("NGÂN HÀNG NHÀ NƯỚC", "VIỆT NAM"),
    number_symbol="85/BC-NHNN",
    number_line="85/BC-NHNN",
    days_before=4,
    signer_title="THỐNG ĐỐC",
    signer="thongdoc",
    addressee="Chính phủ",
    distribution=(
        "Thủ tướng Chính phủ (để b/c)",
        "Phó Thủ tướng Thường trực Chính phủ",
        "Phó Thủ tướng Phạm Thị Minh Nguyệt",
        "Bộ trưởng Bộ Tài chính",
        "Bộ trưởng, Chủ nhiệm VPCP",
        "Lưu: VP, CSTT (02 bản)",
    ),
    confidentiality=Confidentiality.CONFIDENTIAL,
    recipients=("thutuong", "pttg1", "pttg2", "bt.taichinh", "cn.vpcp"),
)

TT_LUAT = PaperSpec(
    template="tt_luat",
    filename="215-TTr-BTP-du-an-luat-ban-hanh-vbqppl.pdf",
    doc_type=DocumentType.SUBMISSION,
    type_title="TỜ TRÌNH",
    summary="Dự án Luật sửa đổi, bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật",
    issuing_body="Bộ Tư pháp",
    agency_lines=("BỘ TƯ PHÁP",),
    number_symbol="215/TTr-BTP",
    number_line="215/TTr-BTP",
    days_before=9,
    signer_title="BỘ TRƯỞNG",
    signer="bt.tuphap",
    addressee="Chính phủ",
    distribution=(*TO_GOV, "Ủy ban Pháp luật và Tư pháp của Quốc hội", "Lưu: VT, Vụ VĐCXDPL"),
)

BC_LUAT = PaperSpec(
    template="bc_luat",
    filename="216-BC-BTP-tiep-thu-giai-trinh.pdf",
    doc_type=DocumentType.REPORT,
    type_title="BÁO CÁO",
    summary="Tổng hợp, giải trình, tiếp thu ý kiến góp ý đối với dự án Luật sửa đổi, "
    "bổ sung một số điều của Luật Ban hành văn bản quy phạm pháp luật",
    issuing_body="Bộ Tư pháp",
    agency_lines=("BỘ TƯ PHÁP",),
    number_symbol="216/BC-BTP",
    number_line="216/BC-BTP",
    days_before=9,
    signer_title="BỘ TRƯỞNG",
    signer="bt.tuphap",
    addressee="Chính phủ",
    distribution=(*TO_GOV, "Lưu: VT, Vụ VĐCXDPL"),
)

TT_ECABINET = PaperSpec(
    template="tt_ecabinet",
    filename="118-TTr-VPCP-nghi-dinh-e-cabinet.pdf",
    doc_type=DocumentType.SUBMISSION,
    type_title="TỜ TRÌNH",
    summary="Dự thảo Nghị định quy định về quản lý, vận hành và khai thác Hệ thống "
    "thông tin phục vụ họp và xử lý công việc của Chính phủ",
    issuing_body="Văn phòng Chính phủ",
    agency_lines=("VĂN PHÒNG CHÍNH PHỦ",),
    number_symbol="118/TTr-VPCP",
    number_line="118/TTr-VPCP",
    days_before=12,
    signer_title="BỘ TRƯỞNG, CHỦ NHIỆM",
    signer="cn.vpcp",
    addressee="Chính phủ",
    distribution=(
        "Như trên",
        "Thủ tướng, các Phó Thủ tướng Chính phủ",
        "Bộ Tư pháp, Bộ Công an, Bộ Khoa học và Công nghệ",
        "VPCP: các PCN, Cục KSTTHC, Cục TTĐT",
        "Lưu: VT, KSTT (3b)",
    ),
)

ND_ECABINET = PaperSpec(
    template="nd_ecabinet",
    filename="du-thao-nghi-dinh-e-cabinet.pdf",
    doc_type=DocumentType.DRAFT_DECREE,
    type_title="NGHỊ ĐỊNH",
    summary="Quy định về quản lý, vận hành và khai thác Hệ thống thông tin phục vụ họp "
    "và xử lý công việc của Chính phủ",
    issuing_body="Chính phủ",
    agency_lines=("CHÍNH PHỦ",),
    number_symbol="",
    number_line="\u2003\u2003\u2003/{year}/NĐ-CP",
    days_before=12,
    signer_authority="TM. CHÍNH PHỦ",
    signer_title="THỦ TƯỚNG",
    distribution=(
        "Ban Bí thư Trung ương Đảng",
        "Thủ tướng, các Phó Thủ tướng Chính phủ",
        "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
        "HĐND, UBND các tỉnh, thành phố trực thuộc trung ương",
        "Văn phòng Quốc hội, Văn phòng Chủ tịch nước",
        "VPCP: BTCN, các PCN, các Vụ, Cục, Công báo",
        "Lưu: VT, KSTT (2b)",
    ),
    is_draft=True,
)

TT_NHA_O_XA_HOI = PaperSpec(
    template="tt_nha_o_xa_hoi",
    filename="97-TTr-BXD-nha-o-xa-hoi.pdf",
    doc_type=DocumentType.SUBMISSION,
    type_title="TỜ TRÌNH",
    summary="Dự thảo Nghị định sửa đổi, bổ sung một số điều của Nghị định số "
    "100/2024/NĐ-CP quy định chi tiết một số điều của Luật Nhà ở về phát triển "
    "và quản lý nhà ở xã hội",
    issuing_body="Bộ Xây dựng",
    agency_lines=("BỘ XÂY DỰNG",),
    number_symbol="97/TTr-BXD",
    number_line="97/TTr-BXD",
    days_before=6,
    signer_title="BỘ TRƯỞNG",
    signer="bt.xaydung",
    addressee="Chính phủ",
    distribution=(*TO_GOV, "Bộ Tài chính, Bộ Tư pháp", "Lưu: VT, Cục QLN (3b)"),
)

TT_TMDT = PaperSpec(
    template="tt_tmdt",
    filename="342-TTr-BCT-thuong-mai-dien-tu-xuyen-bien-gioi.pdf",
    doc_type=DocumentType.SUBMISSION,
    type_title="TỜ TRÌNH",
    summary="Đề án phát triển thương mại điện tử xuyên biên giới giai đoạn 2026 - 2030",
    issuing_body="Bộ Công Thương",
    agency_lines=("BỘ CÔNG THƯƠNG",),
    number_symbol="342/TTr-BCT",
    number_line="342/TTr-BCT",
    days_before=8,
    signer_title="BỘ TRƯỞNG",
    signer="bt.congthuong",
    addressee="Chính phủ",
    distribution=(*TO_GOV, "Liên đoàn Thương mại và Công nghiệp Việt Nam", "Lưu: VT, TMĐT"),
)

TT_AN_SINH = PaperSpec(
    template="tt_an_sinh",
    filename="66-TTr-BNV-an-sinh-xa-hoi-tet.pdf",
    doc_type=DocumentType.SUBMISSION,
    type_title="TỜ TRÌNH",
    summary="Phương án hỗ trợ gạo và bảo đảm an sinh xã hội dịp Tết Nguyên đán Đinh Mùi năm 2027",
    issuing_body="Bộ Nội vụ",
    agency_lines=("BỘ NỘI VỤ",),
    number_symbol="66/TTr-BNV",
    number_line="66/TTr-BNV",
    days_before=5,
    signer_title="BỘ TRƯỞNG",
    signer="bt.noivu",
    addressee="Chính phủ",
    distribution=(*TO_GOV, "Bộ Tài chính", "Lưu: VT, Cục BTXH"),
)

TT_DU_TOAN_LAO_CAI = PaperSpec(
    template="tt_du_toan_lao_cai",
    filename="412-TTr-STC-du-toan-ngan-sach.pdf",
    doc_type=DocumentType.SUBMISSION,
    type_title="TỜ TRÌNH",
    summary="Dự toán thu, chi ngân sách địa phương và phương án phân bổ "
    "ngân sách cấp tỉnh năm {next_year}",
    issuing_body="Sở Tài chính tỉnh Lào Cai",
    issuing_parent="UBND TỈNH LÀO CAI",
    agency_lines=("SỞ TÀI CHÍNH",),
    number_symbol="412/TTr-STC",
    number_line="412/TTr-STC",
    days_before=2,
    signer_title="GIÁM ĐỐC",
    signer="stc.laocai",
    addressee="Ủy ban nhân dân tỉnh",
    distribution=("Như trên", "Thường trực Tỉnh ủy, HĐND tỉnh", "Lưu: VT, QLNS"),
)
