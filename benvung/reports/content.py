"""What an official document says, as plain data: the renderers (DOCX, XLSX) take this and
nothing else, so a document regenerated from a stored snapshot shows the same figures.

Every field is JSON-serialisable through `to_json` / `from_json` (the snapshot kept with each
generated document).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Issuer:
    parent_authority: str  # "UBND TỈNH ĐỒNG NAI" (as printed, capitals)
    name: str  # "SỞ CÔNG THƯƠNG" (as printed, capitals)
    symbol: str  # "SCT" (document symbol of the agency)
    place: str  # "Đồng Nai"
    # The name as written inside a sentence ("của Sở Công Thương" in an appendix's reference
    # line): capitals cannot be turned back into it ("Sở Nông nghiệp và Môi trường").
    name_in_text: str = ""


@dataclass
class Signature:
    authority: str  # "KT. GIÁM ĐỐC" / "TM. ỦY BAN NHÂN DÂN" / "" when the head signs
    title: str  # "PHÓ GIÁM ĐỐC" / "GIÁM ĐỐC"
    name: str  # the signer's full name; "" leaves the line for it empty


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # body | italic | bold | bullet (a "- " line)


@dataclass
class Section:
    """I., II. ... (heading in capitals, bold); clauses 1., 2. and points a), b) inside."""

    heading: str  # without its numeral: the renderer numbers sections, clauses and points
    paragraphs: list[Paragraph] = field(default_factory=list)
    clauses: list[Section] = field(default_factory=list)


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]  # already formatted the Vietnamese way ("1.234,5")
    widths_cm: list[float] = field(default_factory=list)  # optional, one per column
    numeric: list[bool] = field(default_factory=list)  # right-aligned columns


@dataclass
class Chart:
    """A line or bar chart drawn as a picture in the document, with its caption."""

    caption: str  # "Hình 1. ..."
    kind: str  # "line" | "bar"
    labels: list[str]  # x values (years) or bar names
    series: list[tuple[str, list[float | None]]]  # (legend, values)
    unit: str = ""
    band: tuple[float, float] | None = None  # a target band drawn as a shaded area

    def has_values(self) -> bool:
        """At least one value: a chart without any is not drawn (an empty frame says less
        than a sentence)."""
        return any(v is not None for _name, values in self.series for v in values)


@dataclass
class Appendix:
    numeral: str  # "I", "II", "III"
    title: str  # in capitals in the document
    landscape: bool = False
    intro: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    # An appendix in words (the agencies' own reports): parts "1.", points "a)" ...
    sections: list[Section] = field(default_factory=list)


@dataclass
class OfficialDocument:
    issuer: Issuer
    number: str  # "05/BC-SCT" (without "Số: "); "" for a draft
    issued_on: dt.date
    doc_type: str  # "BÁO CÁO"
    doc_type_symbol: str  # "BC"
    summary: str  # the line under the title, bold
    addressees: list[str]  # "Ủy ban nhân dân tỉnh Đồng Nai"
    bases: list[str] = field(default_factory=list)  # legal bases, italic
    introduction: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    closing: list[Paragraph] = field(default_factory=list)  # "Trên đây là báo cáo ..."
    signature: Signature | None = None
    recipients: list[str] = field(default_factory=list)  # "Như trên", ..., "Lưu: VT, KTNS"
    appendices: list[Appendix] = field(default_factory=list)
    # What the document was built from (shown nowhere; kept with it): ids, hashes, times.
    provenance: dict[str, Any] = field(default_factory=dict)
    # A draft: marked "DỰ THẢO" on every page, no number, the day and month left blank.
    draft: bool = False


def to_json(document: OfficialDocument) -> dict[str, Any]:
    data = dataclasses.asdict(document)
    data["issued_on"] = document.issued_on.isoformat()
    return data


def _section(data: dict[str, Any]) -> Section:
    return Section(
        heading=data["heading"],
        paragraphs=[Paragraph(**p) for p in data.get("paragraphs", [])],
        clauses=[_section(c) for c in data.get("clauses", [])],
    )


def from_json(data: dict[str, Any]) -> OfficialDocument:
    return OfficialDocument(
        issuer=Issuer(**data["issuer"]),
        number=data["number"],
        issued_on=dt.date.fromisoformat(data["issued_on"]),
        doc_type=data["doc_type"],
        doc_type_symbol=data["doc_type_symbol"],
        summary=data["summary"],
        addressees=list(data["addressees"]),
        bases=list(data.get("bases", [])),
        introduction=[Paragraph(**p) for p in data.get("introduction", [])],
        sections=[_section(s) for s in data.get("sections", [])],
        closing=[Paragraph(**p) for p in data.get("closing", [])],
        signature=Signature(**data["signature"]) if data.get("signature") else None,
        recipients=list(data.get("recipients", [])),
        appendices=[
            Appendix(
                numeral=a["numeral"],
                title=a["title"],
                landscape=a.get("landscape", False),
                intro=[Paragraph(**p) for p in a.get("intro", [])],
                tables=[Table(**t) for t in a.get("tables", [])],
                charts=[
                    Chart(
                        **{
                            **c,
                            "series": [(n, list(v)) for n, v in c["series"]],
                            "band": tuple(c["band"]) if c.get("band") else None,
                        }
                    )
                    for c in a.get("charts", [])
                ],
                sections=[_section(s) for s in a.get("sections", [])],
            )
            for a in data.get("appendices", [])
        ],
        provenance=dict(data.get("provenance", {})),
        draft=bool(data.get("draft", False)),
    )
