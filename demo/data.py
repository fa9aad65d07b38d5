"""Who and what the demo holds: two bodies, their people, one meeting each.

Every name is invented. Titles follow the Government's structure since 1 March 2025
(Resolution 176/2025/QH15: 14 ministries and 3 ministry-level agencies), so a meeting
dated 2026 does not show ministries that no longer exist. The papers on each item are
described in demo/paper_specs.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from demo.paper_specs import (
    BC_DAU_TU_CONG,
    BC_KTXH,
    BC_LUAT,
    BC_TIEN_TE,
    ND_ECABINET,
    NQ_PHIEN_HOP,
    TT_AN_SINH,
    TT_DU_TOAN_LAO_CAI,
    TT_ECABINET,
    TT_LUAT,
    TT_NHA_O_XA_HOI,
    TT_TMDT,
    PaperSpec,
)
from meetings.models import Meeting, Position
from people.models import Body, Role

PASSWORD = "ecabinet2026"  # noqa: S105 - the documented shared demo password
EMAIL_DOMAIN = "demo.ecabinet.gov.vn"

NO_OBJECTION = Position.Stance.NO_OBJECTION
WISH_TO_SPEAK = Position.Stance.WISH_TO_SPEAK
OBJECT = Position.Stance.OBJECT


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    title: str
    organisation: str
    roles: tuple[str, ...]
    assists: str = ""  # an assistant's minister, by username


@dataclass(frozen=True)
class PositionSpec:
    member: str
    stance: str
    comment: str = ""


@dataclass(frozen=True)
class ItemSpec:
    title: str  # may name {month}, {year} and {next_year} of the meeting
    description: str
    presenting_agency: str
    presenter: str
    duration_minutes: int
    papers: tuple[PaperSpec, ...] = ()
    guests: tuple[str, ...] = ()
    positions: tuple[PositionSpec, ...] = ()
    everyone_agrees: bool = False  # every member marks "no objection": a consent item


@dataclass(frozen=True)
class MeetingSpec:
    title_prefix: str  # "... tháng 11 năm 2026" is added from the start date
    location: str
    secretary: str
    days_ahead: int
    start: tuple[int, int]  # hour, minute, Vietnam time
    end: tuple[int, int]
    items: tuple[ItemSpec, ...]
    publish: bool
    kind: str = Meeting.Kind.REGULAR


@dataclass(frozen=True)
class BodySpec:
    name: str
    short_name: str
    kind: str
    place: str
    people: tuple[Person, ...]
    meeting: MeetingSpec
    # Code in the national list of agency codes (QCVN 102:2016); demo values in its format.
    agency_code: str = ""


M, C, S, D = Role.MEMBER, Role.CHAIR, Role.SECRETARIAT, Role.DEPUTY  # short, for the tables
GOV = "Chính phủ"
VPCP = "Văn phòng Chính phủ"


def _minister(username: str, full_name: str, ministry: str, title: str = "") -> Person:
    return Person(username, full_name, title or f"Bộ trưởng {ministry}", ministry, (M,))


# In the Government's protocol order, which the seeding stores as each membership's
# sort_order (people/collation.py sorts by it): the Prime Minister, the Deputy Prime
# Ministers (the Standing one first), the ministers in the order of the ministries set by
# Resolution 176/2025/QH15, the heads of the ministry-level agencies; then the deputies
# who may stand in for a minister, the secretariat and the others.
GOVERNMENT_PEOPLE = (
    Person("thutuong", "Trần Đức Khiêm", "Thủ tướng Chính phủ", GOV, (C, M)),
    Person("pttg1", "Nguyễn Hữu Toàn", "Phó Thủ tướng Thường trực Chính phủ", GOV, (M,)),
    Person("pttg2", "Phạm Thị Minh Nguyệt", "Phó Thủ tướng Chính phủ", GOV, (M,)),
    Person("pttg3", "Hoàng Văn Thịnh", "Phó Thủ tướng Chính phủ", GOV, (M,)),
    Person("pttg4", "Đặng Quang Vinh", "Phó Thủ tướng Chính phủ", GOV, (M,)),
    _minister("bt.quocphong", "Tạ Văn Chiến", "Bộ Quốc phòng"),
    _minister("bt.congan", "Đinh Công Bằng", "Bộ Công an"),
    _minister("bt.ngoaigiao", "Ngô Thị Thanh Tâm", "Bộ Ngoại giao"),
    _minister("bt.noivu", "Lưu Văn Hậu", "Bộ Nội vụ"),
    _minister("bt.tuphap", "Trịnh Xuân Bách", "Bộ Tư pháp"),
    _minister("bt.taichinh", "Dương Hoài Nam", "Bộ Tài chính"),
    _minister("bt.congthuong", "Cao Minh Đức", "Bộ Công Thương"),
    _minister("bt.nnmt", "Lâm Văn Phúc", "Bộ Nông nghiệp và Môi trường"),
    _minister("bt.xaydung", "Kiều Đức Thắng", "Bộ Xây dựng"),
    _minister("bt.vhttdl", "Hà Thị Mai Phương", "Bộ Văn hóa, Thể thao và Du lịch"),
    _minister("bt.khcn", "Quách Minh Trí", "Bộ Khoa học và Công nghệ"),
    _minister("bt.gddt", "Bùi Thị Hồng Vân", "Bộ Giáo dục và Đào tạo"),
    _minister("bt.yte", "Phan Thanh Liêm", "Bộ Y tế"),
    _minister("bt.dttg", "Lò Văn Thuận", "Bộ Dân tộc và Tôn giáo"),
    _minister(
        "thongdoc",
        "Đoàn Thị Kim Oanh",
        "Ngân hàng Nhà nước Việt Nam",
        "Thống đốc Ngân hàng Nhà nước Việt Nam",
    ),
    _minister("tongthanhtra", "Châu Văn Lực", "Thanh tra Chính phủ", "Tổng Thanh tra Chính phủ"),
    _minister("cn.vpcp", "Tống Viết Hòa", VPCP, "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ"),
    # Deputies of a minister's own ministry: the only people a minister may name to answer
    # a written ballot or attend a meeting for them (people/eligibility.py).
    Person("tt.taichinh", "Mạc Thị Thu Hà", "Thứ trưởng Bộ Tài chính", "Bộ Tài chính", (D,)),
    Person("tt.tuphap", "Ông Văn Khải", "Thứ trưởng Bộ Tư pháp", "Bộ Tư pháp", (D,)),
    Person("pcn.vpcp", "Triệu Quốc Bảo", "Phó Chủ nhiệm Văn phòng Chính phủ", VPCP, (D,)),
    Person("vpcp", "Nguyễn Thị Lan Anh", "Chuyên viên Văn phòng Chính phủ", VPCP, (S,)),
    Person("vpcp2", "Trần Minh Tuấn", "Chuyên viên chính, Vụ Tổng hợp", VPCP, (S,)),
    Person("luutru", "Phùng Thị Hà", "Lưu trữ viên chính", VPCP, (Role.ARCHIVIST,)),
    Person(
        "kiemtra", "Đỗ Văn Kiên", "Thanh tra viên chính", "Thanh tra Chính phủ", (Role.AUDITOR,)
    ),
    Person(
        "quansat",
        "Lê Hoàng Yến",
        "Phó Chủ nhiệm Ủy ban Kinh tế và Tài chính của Quốc hội",
        "Quốc hội",
        (Role.OBSERVER,),
    ),
    Person(
        "troly.taichinh",
        "Vương Thu Trang",
        "Trợ lý Bộ trưởng Bộ Tài chính",
        "Bộ Tài chính",
        (Role.ASSISTANT,),
        assists="bt.taichinh",
    ),
    Person(
        "khach.vcci",
        "Hồ Sĩ Nguyên",
        "Chủ tịch Liên đoàn Thương mại và Công nghiệp Việt Nam (VCCI)",
        "Liên đoàn Thương mại và Công nghiệp Việt Nam",
        (Role.GUEST,),
    ),
)

LAO_CAI_PEOPLE = (
    Person(
        "ct.laocai", "Nông Văn Tường", "Chủ tịch Ủy ban nhân dân tỉnh", "UBND tỉnh Lào Cai", (C, M)
    ),
    Person(
        "pct1.laocai",
        "Sùng Seo Lử",
        "Phó Chủ tịch Thường trực Ủy ban nhân dân tỉnh",
        "UBND tỉnh Lào Cai",
        (M,),
    ),
    Person(
        "pct2.laocai",
        "Trần Thị Thu Huyền",
        "Phó Chủ tịch Ủy ban nhân dân tỉnh",
        "UBND tỉnh Lào Cai",
        (M,),
    ),
    Person(
        "pct3.laocai",
        "Phạm Văn Khôi",
        "Phó Chủ tịch Ủy ban nhân dân tỉnh",
        "UBND tỉnh Lào Cai",
        (M,),
    ),
    Person("stc.laocai", "Lương Thị Hạnh", "Giám đốc Sở Tài chính", "Sở Tài chính", (M,)),
    Person("sxd.laocai", "Đào Mạnh Cường", "Giám đốc Sở Xây dựng", "Sở Xây dựng", (M,)),
    Person(
        "snnmt.laocai",
        "Hoàng Văn Sìn",
        "Giám đốc Sở Nông nghiệp và Môi trường",
        "Sở Nông nghiệp và Môi trường",
        (M,),
    ),
    Person("ca.laocai", "Vũ Quang Huy", "Giám đốc Công an tỉnh", "Công an tỉnh Lào Cai", (M,)),
    Person(
        "cvp.laocai",
        "Bế Thị Hoa",
        "Chánh Văn phòng Ủy ban nhân dân tỉnh",
        "Văn phòng UBND tỉnh",
        (M,),
    ),
    Person("pgd.stc.laocai", "Giàng A Páo", "Phó Giám đốc Sở Tài chính", "Sở Tài chính", (D,)),
    Person(
        "vp.laocai",
        "Lý Thị Mai",
        "Chuyên viên Văn phòng Ủy ban nhân dân tỉnh",
        "Văn phòng UBND tỉnh",
        (S,),
    ),
)

# --- Agendas ------------------------------------------------------------------

REGULAR_ITEMS = (
    ItemSpec(
        title="Tình hình kinh tế - xã hội tháng {month} và {month} tháng năm {year}; "
        "nhiệm vụ, giải pháp trọng tâm thời gian tới",
        description="Báo cáo tổng hợp của Bộ Tài chính; dự thảo Nghị quyết phiên họp.",
        presenting_agency="Bộ Tài chính",
        presenter="bt.taichinh",
        duration_minutes=60,
        papers=(BC_KTXH, NQ_PHIEN_HOP),
        positions=(
            PositionSpec("pttg1", NO_OBJECTION),
            PositionSpec("bt.ngoaigiao", NO_OBJECTION),
            PositionSpec("bt.yte", NO_OBJECTION),
            PositionSpec(
                "bt.congthuong",
                WISH_TO_SPEAK,
                "Đề nghị bổ sung đánh giá tác động của biến động thuế quan "
                "tại các thị trường lớn đến kim ngạch xuất khẩu quý I năm {next_year}.",
            ),
            PositionSpec("bt.nnmt", WISH_TO_SPEAK, "Thiệt hại do bão số 13 tại miền Trung."),
        ),
    ),
    ItemSpec(
        title="Tình hình giải ngân vốn đầu tư công năm {year} và giải pháp đẩy mạnh "
        "giải ngân những tháng cuối năm",
        description="Danh sách bộ, ngành, địa phương giải ngân dưới mức bình quân cả nước.",
        presenting_agency="Bộ Tài chính",
        presenter="bt.taichinh",
        duration_minutes=30,
        papers=(BC_DAU_TU_CONG,),
        positions=(
            PositionSpec("pttg3", NO_OBJECTION),
            PositionSpec(
                "bt.xaydung",
                WISH_TO_SPEAK,
                "Bộ Xây dựng xin báo cáo vướng mắc giải phóng mặt bằng "
                "các dự án đường cao tốc Bắc - Nam phía Đông.",
            ),
        ),
    ),
    ItemSpec(
        title="Tình hình thị trường tiền tệ và điều hành chính sách tiền tệ "
        "những tháng cuối năm {year}",
        description="Tài liệu MẬT: chỉ các đồng chí có tên trong danh sách nhận mới mở được.",
        presenting_agency="Ngân hàng Nhà nước Việt Nam",
        presenter="thongdoc",
        duration_minutes=25,
        papers=(BC_TIEN_TE,),
        positions=(PositionSpec("bt.taichinh", NO_OBJECTION),),
    ),
    ItemSpec(
        title="Dự án Luật sửa đổi, bổ sung một số điều của Luật Ban hành văn bản "
        "quy phạm pháp luật",
        description="Chính phủ cho ý kiến trước khi trình Quốc hội tại Kỳ họp thứ hai.",
        presenting_agency="Bộ Tư pháp",
        presenter="bt.tuphap",
        duration_minutes=45,
        papers=(TT_LUAT, BC_LUAT),
        positions=(
            PositionSpec(
                "bt.congan",
                OBJECT,
                "Chưa đồng ý bỏ trình tự rút gọn đối với văn bản có nội dung liên quan "
                "đến quốc phòng, an ninh; đề nghị giữ như Luật hiện hành.",
            ),
            PositionSpec("bt.noivu", WISH_TO_SPEAK),
            PositionSpec("pttg2", NO_OBJECTION),
        ),
    ),
    ItemSpec(
        title="Dự thảo Nghị định quy định về quản lý, vận hành và khai thác Hệ thống "
        "thông tin phục vụ họp và xử lý công việc của Chính phủ",
        description="Các thành viên Chính phủ đã thống nhất qua hệ thống; "
        "đề nghị thông qua không thảo luận.",
        presenting_agency="Văn phòng Chính phủ",
        presenter="cn.vpcp",
        duration_minutes=25,
        papers=(TT_ECABINET, ND_ECABINET),
        everyone_agrees=True,
    ),
    ItemSpec(
        title="Dự thảo Nghị định sửa đổi, bổ sung Nghị định số 100/2024/NĐ-CP "
        "về phát triển và quản lý nhà ở xã hội",
        description="Trình theo thủ tục rút gọn.",
        presenting_agency="Bộ Xây dựng",
        presenter="bt.xaydung",
        duration_minutes=30,
        papers=(TT_NHA_O_XA_HOI,),
        positions=(
            PositionSpec(
                "bt.taichinh",
                OBJECT,
                "Đề nghị làm rõ nguồn vốn cho vay ưu đãi qua Ngân hàng Chính sách xã hội; "
                "chưa có cơ sở bố trí 30.000 tỷ đồng trong dự toán năm {next_year}.",
            ),
            PositionSpec("pttg3", NO_OBJECTION),
            PositionSpec("thongdoc", WISH_TO_SPEAK),
        ),
    ),
    ItemSpec(
        title="Đề án phát triển thương mại điện tử xuyên biên giới giai đoạn 2026 - 2030",
        description="Mời Chủ tịch VCCI dự và phát biểu ý kiến của cộng đồng doanh nghiệp.",
        presenting_agency="Bộ Công Thương",
        presenter="bt.congthuong",
        duration_minutes=25,
        papers=(TT_TMDT,),
        guests=("khach.vcci",),
        positions=(
            PositionSpec("bt.khcn", NO_OBJECTION),
            PositionSpec(
                "bt.tuphap",
                WISH_TO_SPEAK,
                "Về cơ chế thử nghiệm có kiểm soát (sandbox) đối với nền tảng xuyên biên giới.",
            ),
        ),
    ),
    ItemSpec(
        title="Phương án hỗ trợ gạo và bảo đảm an sinh xã hội dịp Tết Nguyên đán Đinh Mùi 2027",
        description="Hỗ trợ người dân các tỉnh bị thiệt hại do bão, lũ cuối năm.",
        presenting_agency="Bộ Nội vụ",
        presenter="bt.noivu",
        duration_minutes=20,
        papers=(TT_AN_SINH,),
        positions=(
            PositionSpec("bt.taichinh", NO_OBJECTION),
            PositionSpec("bt.nnmt", NO_OBJECTION),
            PositionSpec("pttg4", WISH_TO_SPEAK, "Đề nghị bổ sung hỗ trợ các xã vùng cao."),
        ),
    ),
)

REGULAR_MEETING = MeetingSpec(
    title_prefix="Phiên họp Chính phủ thường kỳ",
    location="Phòng họp Chính phủ, Trụ sở Chính phủ, số 1 Hoàng Hoa Thám, Hà Nội",
    secretary="vpcp",
    days_ahead=3,
    start=(8, 0),
    end=(12, 30),
    items=REGULAR_ITEMS,
    publish=True,
)

LAO_CAI_MEETING = MeetingSpec(
    title_prefix="Phiên họp Ủy ban nhân dân tỉnh thường kỳ",
    location="Hội trường tầng 3, Trụ sở Ủy ban nhân dân tỉnh Lào Cai",
    secretary="vp.laocai",
    days_ahead=10,
    start=(7, 30),
    end=(11, 30),
    items=(
        ItemSpec(
            title="Dự toán thu, chi ngân sách địa phương và phương án phân bổ "
            "ngân sách cấp tỉnh năm {next_year}",
            description="Trình Hội đồng nhân dân tỉnh tại kỳ họp cuối năm.",
            presenting_agency="Sở Tài chính",
            presenter="stc.laocai",
            duration_minutes=60,
            papers=(TT_DU_TOAN_LAO_CAI,),
        ),
        ItemSpec(
            title="Kế hoạch đầu tư công năm {next_year} của tỉnh",
            description="Sở Tài chính trình; tài liệu sẽ phát hành trước phiên họp.",
            presenting_agency="Sở Tài chính",
            presenter="stc.laocai",
            duration_minutes=45,
        ),
        ItemSpec(
            title="Phương án phòng, chống rét đậm, rét hại cho cây trồng, vật nuôi "
            "vụ Đông Xuân {year} - {next_year}",
            description="Sở Nông nghiệp và Môi trường trình.",
            presenting_agency="Sở Nông nghiệp và Môi trường",
            presenter="snnmt.laocai",
            duration_minutes=30,
        ),
    ),
    publish=False,
)

GOVERNMENT = BodySpec(
    name="Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam",
    short_name="Chính phủ",
    kind=Body.Kind.GOVERNMENT,
    place="Hà Nội",
    people=GOVERNMENT_PEOPLE,
    meeting=REGULAR_MEETING,
    agency_code="000.00.00.G01",
)

LAO_CAI = BodySpec(
    name="Ủy ban nhân dân tỉnh Lào Cai",
    short_name="UBND tỉnh Lào Cai",
    kind=Body.Kind.PROVINCIAL,
    place="Lào Cai",
    people=LAO_CAI_PEOPLE,
    meeting=LAO_CAI_MEETING,
    agency_code="000.00.00.H37",
)

BODIES = (GOVERNMENT, LAO_CAI)
