"""Checks on a laid-out report (WeasyPrint's boxes): pages left mostly blank, text that overflows its cell,
labels broken so a lone character wraps onto a line of its own."""

from __future__ import annotations

from dataclasses import dataclass

from weasyprint.formatting_structure import boxes

SECTION_HEADINGS = frozenset({"h1"})  # a chapter; h2 opens a part within one
TOLERANCE = 0.5  # CSS px: rounding in the layout, far below what a reader sees


@dataclass(frozen=True)
class PageFill:
    number: int  # 1-based
    filled: float  # share of the page's content height that holds content
    starts_section: bool  # the page begins with a section heading


def in_flow(page) -> list:
    """The page's boxes outside the running header and footer (margin boxes)."""
    return [child for child in page._page_box.children if not isinstance(child, boxes.MarginBox)]


def page_fills(document) -> list[PageFill]:
    fills = []
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        top, height = box.content_box_y(), box.height
        bottoms, first = [], None
        for root in in_flow(page):
            for child in root.descendants():
                if isinstance(child, boxes.LineBox | boxes.ReplacedBox | boxes.TableRowBox):
                    bottoms.append(child.position_y + child.margin_height())
                    if first is None or child.position_y < first[0]:
                        first = (child.position_y, child)
        filled = (max(bottoms, default=top) - top) / height
        fills.append(PageFill(number, filled, first is not None and heading_of(first[1], root_boxes(page))))
    return fills


def root_boxes(page) -> list:
    return in_flow(page)


def heading_of(box, roots) -> bool:
    """Whether `box` sits inside a chapter heading (h1)."""
    for root in roots:
        for candidate in root.descendants():
            if getattr(candidate, "element_tag", None) in SECTION_HEADINGS and box in list(candidate.descendants()):
                return True
    return False


def underfilled_pages(document, share: float = 0.25) -> list[PageFill]:
    """Pages less than `share` filled that only carry the tail of a section over: neither a short section of
    their own (beginning with its heading) nor the report's last page."""
    fills = page_fills(document)
    return [fill for fill in fills[:-1] if fill.filled < share and not fill.starts_section]


def overflowing_text(document) -> list[str]:
    """Text that runs past the right edge of the block or table cell holding it, as 'page N: text'."""
    found = []
    for number, page in enumerate(document.pages, 1):
        for root in in_flow(page):
            for container in root.descendants():
                if not isinstance(container, boxes.BlockContainerBox) or isinstance(container, boxes.LineBox):
                    continue
                right = container.content_box_x() + container.width
                for line in container.children:
                    if not isinstance(line, boxes.LineBox):
                        continue
                    for text in line.descendants():
                        if isinstance(text, boxes.TextBox) and text.position_x + text.width > right + TOLERANCE:
                            found.append(f"page {number}: {text.text}")
    return found


def hyphenated_headings(document, tags: frozenset[str] = frozenset({"th"})) -> list[str]:
    """Column headings broken inside a word with a hyphen the heading does not have (Cover‐|age: WeasyPrint
    hyphenates with U+2010), as 'page N: Cover‐|age'; a heading may wrap between words, or after a hyphen of
    its own (self-|building)."""
    found = []
    for number, page in enumerate(document.pages, 1):
        for root in in_flow(page):
            for label in root.descendants():
                if getattr(label, "element_tag", None) not in tags:
                    continue
                lines = [line for line in label.descendants() if isinstance(line, boxes.LineBox)]
                texts = ["".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox)) for line in lines]
                written = " ".join("".join(label.element.itertext()).split())
                for text, after in zip(texts, texts[1:], strict=False):
                    words, following = text.split(), after.split()
                    hyphenated = words and following and words[-1].endswith(("-", "\u2010"))
                    if hyphenated and words[-1] + following[0] not in written:
                        found.append(f"page {number}: {'|'.join(texts)}")
                        break
    return found


def broken_labels(document, tags: frozenset[str] = frozenset({"dt", "th"})) -> list[str]:
    """Labels (dt, th) that wrap with a single character left on their last line, as 'page N: text'."""
    found = []
    for number, page in enumerate(document.pages, 1):
        for root in in_flow(page):
            for label in root.descendants():
                if getattr(label, "element_tag", None) not in tags:
                    continue
                lines = [line for line in label.descendants() if isinstance(line, boxes.LineBox)]
                texts = ["".join(t.text for t in line.descendants() if isinstance(t, boxes.TextBox)) for line in lines]
                if len(texts) > 1 and len(texts[-1].strip()) == 1:
                    found.append(f"page {number}: {'|'.join(texts)}")
    return found
