"""防走失 QR cards: one printable PNG per elder, a PDF of them all for printing, and a list of who is who."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from bot.elders.cardfont import OUT as FONT_FILE

# A card carries the code, the caption "走失老人, 请扫码联系家属" and a number, never the elder's name or
# address: whoever finds the elder learns only what the bot chooses to tell them.

CAPTION = "走失老人, 请扫码联系家属"
TITLE = "防走失"
RED = (200, 30, 40)
# A card is 5.5 × 7.5 cm at 300 dpi; the print sheet is A4 at 150 dpi with the cards at half size,
# which prints them at the same 5.5 cm.
CARD_W, CARD_H = 650, 886
QUIET_MODULES = 4
PAGE_W, PAGE_H = 1240, 1754
PER_ROW, PER_COLUMN = 3, 3


def qr_matrix(link: str) -> list[list[bool]]:
    """The modules of the code for `link`, without the quiet zone (True is dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(link)
    code.make(fit=True)
    return code.get_matrix()


def _font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_FILE), size)


def _centered(draw, y: int, text: str, size: int, fill, width: int) -> None:
    font = _font(size)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((width - (right - left)) // 2 - left, y - top), text, font=font, fill=fill)


@dataclass(frozen=True)
class CardGeometry:
    """Where the code sits on a card, so a test can read the modules back."""

    left: int
    top: int
    module: int
    modules: int


def card_geometry(link: str) -> CardGeometry:
    modules = len(qr_matrix(link))
    module = (CARD_W - 80) // (modules + 2 * QUIET_MODULES)
    size = module * modules
    return CardGeometry((CARD_W - size) // 2, 150 + QUIET_MODULES * module, module, modules)


def card_image(link: str, number: int):
    """The card as a Pillow image: title band, code, caption, number."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (CARD_W, CARD_H), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, CARD_W - 1, CARD_H - 1), outline=RED, width=8)
    draw.rectangle((0, 0, CARD_W - 1, 120), fill=RED)
    _centered(draw, 22, TITLE, 72, "white", CARD_W)
    geometry = card_geometry(link)
    for y, row in enumerate(qr_matrix(link)):
        for x, dark in enumerate(row):
            if dark:
                x0 = geometry.left + x * geometry.module
                y0 = geometry.top + y * geometry.module
                draw.rectangle((x0, y0, x0 + geometry.module - 1, y0 + geometry.module - 1), fill="black")
    bottom = geometry.top + geometry.modules * geometry.module + QUIET_MODULES * geometry.module
    _centered(draw, bottom + 10, CAPTION, 42, "black", CARD_W)
    _centered(draw, CARD_H - 70, f"编号 {number}", 34, (110, 110, 110), CARD_W)
    return image


def card_png(link: str, number: int) -> bytes:
    out = io.BytesIO()
    card_image(link, number).save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


def sheet_pages(cards: list[tuple[int, object]]) -> list:
    """A4 pages with the cards at print size, three by three, each numbered under it."""
    from PIL import Image, ImageDraw

    small_w, small_h = CARD_W // 2, CARD_H // 2
    gap_x = (PAGE_W - PER_ROW * small_w) // (PER_ROW + 1)
    gap_y = (PAGE_H - 80 - PER_COLUMN * (small_h + 40)) // (PER_COLUMN + 1)
    per_page = PER_ROW * PER_COLUMN
    pages = []
    total = (len(cards) + per_page - 1) // per_page
    for p in range(total):
        page = Image.new("RGB", (PAGE_W, PAGE_H), "white")
        draw = ImageDraw.Draw(page)
        for i, (number, image) in enumerate(cards[p * per_page:(p + 1) * per_page]):
            col, row = i % PER_ROW, i // PER_ROW
            x = gap_x + col * (small_w + gap_x)
            y = 40 + gap_y + row * (small_h + 40 + gap_y)
            page.paste(image.resize((small_w, small_h)), (x, y))
            font = _font(26)
            text = f"编号 {number}"
            left, top, right, _ = draw.textbbox((0, 0), text, font=font)
            draw.text((x + (small_w - (right - left)) // 2 - left, y + small_h + 8 - top), text, font=font,
                      fill="black")
        _centered(draw, PAGE_H - 50, f"第 {p + 1} 页, 共 {total} 页", 24, (110, 110, 110), PAGE_W)
        pages.append(page)
    return pages


@dataclass(frozen=True)
class WrittenCodes:
    cards: list[Path]
    sheets: list[Path]
    listing: Path
    note: str | None = None


_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def write_codes(links: list[tuple[int, str, str]], out: Path) -> WrittenCodes:
    """One PNG per elder (numbered by the elder's id), 打印总表.pdf, and 名单.csv saying which number is whom."""
    out.mkdir(parents=True, exist_ok=True)
    cards: list[Path] = []
    images = []
    for elder_id, name, link in links:
        image = card_image(link, elder_id)
        path = out / f"{elder_id:04d}-{_UNSAFE.sub('_', name)}.png"
        image.save(path, "PNG", dpi=(300, 300))
        cards.append(path)
        images.append((elder_id, image))
    pages = sheet_pages(images)
    sheet = out / "打印总表.pdf"
    pages[0].save(sheet, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    listing = out / "名单.csv"
    with listing.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["编号", "姓名", "文件", "链接"])
        for (elder_id, name, link), path in zip(links, cards):
            writer.writerow([elder_id, name, path.name, link])
    return WrittenCodes(cards, [sheet], listing,
                        note=f"卡片上只印编号, 不印姓名; 哪个编号是哪位老人, 见 {listing}。")
