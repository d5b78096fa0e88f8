"""A realistic annual report written by hand, as the assembly would build it: the renderers'
tests read it back, and `python -m benvung.reports.tests.render_samples OUT.docx` writes it for a
look in LibreOffice."""

from __future__ import annotations

import datetime as dt
import sys

from benvung.reports.content import (
    Appendix,
    Chart,
    Issuer,
    OfficialDocument,
    Paragraph,
    Section,
    Signature,
    Table,
)

TARGETS = [
    ("Tỷ lệ doanh nghiệp áp dụng sản xuất sạch hơn", "10%", "18,5%", "20-25%", "Chậm tiến độ"),
    ("Mức giảm tiêu hao năng lượng trên đơn vị sản phẩm", "0%", "4,2%", "5-8%", "Đúng tiến độ"),
    ("Tỷ lệ chất thải rắn công nghiệp được tái chế", "45%", "61,3%", "60-70%", "Đạt"),
    ("Số mô hình sản xuất và tiêu dùng bền vững được nhân rộng", "2", "7", "≥ 10", "Chậm tiến độ"),
    (
        "Tỷ lệ siêu thị, trung tâm thương mại sử dụng bao bì thân thiện",
        "30%",
        "72,0%",
        "≥ 80%",
        "Đúng tiến độ",
    ),
]

TASKS = [
    (
        "Tuyên truyền, nâng cao nhận thức về sản xuất và tiêu dùng bền vững",
        "Sở Công Thương",
        "Sở Văn hóa, Thể thao và Du lịch; UBND các xã, phường",
        "2023-2030",
        "Đang thực hiện",
        "Tổ chức 12 lớp tập huấn cho 640 lượt doanh nghiệp; phát hành 3.000 tờ gấp.",
    ),
    (
        "Hỗ trợ doanh nghiệp đổi mới công nghệ, áp dụng sản xuất sạch hơn",
        "Sở Công Thương",
        "Sở Khoa học và Công nghệ; Ban Quản lý các khu công nghiệp",
        "2023-2030",
        "Đang thực hiện",
        "Hỗ trợ 15 doanh nghiệp đánh giá sản xuất sạch hơn; 6 doanh nghiệp đã đầu tư cải tiến.",
    ),
    (
        "Phát triển hệ thống phân phối sản phẩm xanh tại siêu thị, chợ",
        "Sở Công Thương",
        "Các siêu thị, trung tâm thương mại",
        "2024-2026",
        "Hoàn thành",
        "32/40 siêu thị có quầy hàng sản phẩm xanh, đạt 80%.",
    ),
    (
        "Kiểm kê khí nhà kính các cơ sở thuộc danh mục phải kiểm kê",
        "Sở Nông nghiệp và Môi trường",
        "Sở Công Thương; Sở Xây dựng",
        "2024-2030",
        "Chậm tiến độ",
        "48/96 cơ sở đã nộp báo cáo kiểm kê năm 2024.",
    ),
]

SECTORS = [
    ("Dệt may", "1.245,6", "1.180,2", "-5,3%"),
    ("Chế biến thực phẩm", "2.310,0", "2.254,8", "-2,4%"),
    ("Sản xuất giấy", "845,3", "801,7", "-5,2%"),
    ("Sản xuất thép", "12.480,9", "12.102,4", "-3,0%"),
]


def sample_document(
    *, number: str = "05/BC-SCT", issued_on: dt.date | None = None
) -> OfficialDocument:
    points = [
        Section(
            "Về tiết kiệm năng lượng",
            [Paragraph("42 doanh nghiệp thực hiện kiểm toán năng lượng.")],
        ),
        Section("Về sản xuất sạch hơn", [Paragraph("15 doanh nghiệp được hỗ trợ đánh giá.")]),
        Section("Về tái chế chất thải", [Paragraph("Tỷ lệ tái chế đạt 61,3%.")]),
        Section("Về sản phẩm xanh", [Paragraph("32 siêu thị có quầy hàng sản phẩm xanh.")]),
        Section("Về nhãn sinh thái", [Paragraph("9 sản phẩm được chứng nhận Nhãn xanh Việt Nam.")]),
        Section("Về kiểm kê khí nhà kính", [Paragraph("48 cơ sở đã nộp báo cáo kiểm kê.")]),
        Section("Về truyền thông", [Paragraph("Phát hành 3.000 tờ gấp, 24 tin bài.")]),
    ]
    return OfficialDocument(
        issuer=Issuer(
            parent_authority="UBND TỈNH ĐỒNG NAI",
            name="SỞ CÔNG THƯƠNG",
            symbol="SCT",
            place="Đồng Nai",
            name_in_text="Sở Công Thương",
        ),
        number=number,
        issued_on=issued_on or dt.date(2026, 1, 5),
        doc_type="BÁO CÁO",
        doc_type_symbol="BC",
        summary=(
            "Kết quả thực hiện Kế hoạch hành động về sản xuất và tiêu dùng bền vững "
            "trong công nghiệp năm 2025"
        ),
        addressees=["Ủy ban nhân dân tỉnh Đồng Nai"],
        bases=[
            "Căn cứ Quyết định số 889/QĐ-TTg ngày 24 tháng 6 năm 2020 của Thủ tướng Chính phủ "
            "phê duyệt Chương trình hành động quốc gia về sản xuất và tiêu dùng bền vững",
            "Căn cứ Kế hoạch số 202/KH-UBND ngày 15 tháng 8 năm 2023 của Ủy ban nhân dân tỉnh",
        ],
        introduction=[
            Paragraph(
                "Thực hiện Kế hoạch số 202/KH-UBND, Sở Công Thương báo cáo kết quả thực hiện "
                "năm 2025 như sau:"
            )
        ],
        sections=[
            Section(
                "Kết quả thực hiện",
                clauses=[
                    Section(
                        "Sản xuất bền vững",
                        [
                            Paragraph(
                                "Trong năm 2025, các doanh nghiệp trên địa bàn tỉnh tiếp tục "
                                "đẩy mạnh áp dụng các giải pháp sản xuất sạch hơn, sử dụng năng "
                                "lượng tiết kiệm và hiệu quả. Mức tiêu hao năng lượng trên đơn "
                                "vị sản phẩm giảm bình quân 4,2% so với năm cơ sở."
                            )
                        ],
                        clauses=points,
                    ),
                    Section(
                        "Tiêu dùng bền vững",
                        [
                            Paragraph(
                                "Hệ thống phân phối sản phẩm xanh được mở rộng; 72% siêu thị, "
                                "trung tâm thương mại sử dụng bao bì thân thiện với môi trường."
                            ),
                            Paragraph("Các chợ truyền thống giảm sử dụng túi ni lông.", "bullet"),
                        ],
                    ),
                ],
            ),
            Section(
                "Đánh giá chung",
                clauses=[
                    Section(
                        "Kết quả đạt được",
                        [
                            Paragraph(
                                "Nhận thức của doanh nghiệp về sản xuất bền vững được nâng lên."
                            )
                        ],
                    ),
                    Section(
                        "Tồn tại, hạn chế và nguyên nhân",
                        [
                            Paragraph(
                                "Nguồn lực hỗ trợ còn hạn chế; một số chỉ tiêu chậm tiến độ.",
                            ),
                            Paragraph(
                                "Nguyên nhân chủ yếu do chi phí đầu tư đổi mới công nghệ cao.",
                                "italic",
                            ),
                        ],
                    ),
                ],
            ),
            Section(
                "Nhiệm vụ trọng tâm năm 2026",
                [Paragraph("Tiếp tục triển khai đồng bộ các nhiệm vụ của Kế hoạch.")],
            ),
            Section(
                "Kiến nghị, đề xuất",
                [Paragraph("Đề nghị Ủy ban nhân dân tỉnh bố trí kinh phí hỗ trợ doanh nghiệp.")],
            ),
        ],
        closing=[
            Paragraph(
                "Trên đây là báo cáo kết quả thực hiện Kế hoạch năm 2025 của Sở Công Thương, "
                "kính báo cáo Ủy ban nhân dân tỉnh xem xét, chỉ đạo./."
            )
        ],
        signature=Signature(authority="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC", name="Nguyễn Văn An"),
        recipients=[
            "Như trên",
            "Bộ Công Thương (để b/c)",
            "Giám đốc, các PGĐ Sở",
            "Lưu: VT, KTNS",
        ],
        appendices=[
            Appendix(
                numeral="I",
                title="Kết quả thực hiện các chỉ tiêu năm 2025",
                tables=[
                    Table(
                        caption="",
                        columns=[
                            "TT",
                            "Chỉ tiêu",
                            "Năm cơ sở",
                            "Năm 2025",
                            "Mục tiêu",
                            "Tình trạng",
                        ],
                        rows=[[str(i), *row] for i, row in enumerate(TARGETS, start=1)],
                        widths_cm=[1.0, 6.0, 2.2, 2.2, 2.3, 2.8],
                        numeric=[False, False, True, True, True, False],
                    )
                ],
                charts=[
                    Chart(
                        caption="Hình 1. Tỷ lệ doanh nghiệp áp dụng sản xuất sạch hơn (%)",
                        kind="line",
                        labels=["2021", "2022", "2023", "2024", "2025"],
                        series=[("Tỷ lệ thực hiện", [10.0, 11.5, None, 16.2, 18.5])],
                        unit="%",
                        band=(20.0, 25.0),
                    )
                ],
            ),
            Appendix(
                numeral="II",
                title="Tình hình thực hiện các nhiệm vụ năm 2025",
                landscape=True,
                tables=[
                    Table(
                        caption="",
                        columns=[
                            "TT",
                            "Nội dung nhiệm vụ",
                            "Cơ quan chủ trì",
                            "Cơ quan phối hợp",
                            "Thời gian",
                            "Tình trạng",
                            "Kết quả",
                        ],
                        rows=[[str(i), *row] for i, row in enumerate(TASKS, start=1)],
                        widths_cm=[1.0, 6.0, 3.2, 4.5, 2.2, 2.6, 6.2],
                    )
                ],
            ),
            Appendix(
                numeral="III",
                title="Hiệu quả sử dụng tài nguyên theo ngành",
                intro=[
                    Paragraph("Suất tiêu hao năng lượng bình quân (kgOE/tấn sản phẩm).", "italic")
                ],
                tables=[
                    Table(
                        caption="Bảng 1. Suất tiêu hao năng lượng theo ngành",
                        columns=["Ngành", "Năm cơ sở", "Năm 2025", "Thay đổi"],
                        rows=[list(row) for row in SECTORS],
                        numeric=[False, True, True, True],
                    )
                ],
                charts=[
                    Chart(
                        caption="Hình 2. Suất tiêu hao năng lượng theo ngành (kgOE/tấn)",
                        kind="bar",
                        labels=[row[0] for row in SECTORS],
                        series=[
                            ("Năm cơ sở", [1245.6, 2310.0, 845.3, 12480.9]),
                            ("Năm 2025", [1180.2, 2254.8, 801.7, 12102.4]),
                        ],
                        unit="kgOE/tấn",
                    )
                ],
            ),
        ],
        provenance={"read_at": "2026-01-05T08:00:00+07:00"},
    )


if __name__ == "__main__":  # pragma: no cover - a tool for looking at the layout
    import django
    from django.utils import translation

    django.setup()
    from benvung.reports.docx import render_docx

    with translation.override("vi"):
        data = render_docx(sample_document())
    with open(sys.argv[1], "wb") as out:
        out.write(data)
