//! A report's rows as a printable PDF 1.4 document, written by hand with no dependency: A4
//! landscape pages in the built-in Helvetica and Helvetica-Bold fonts (WinAnsi encoding), the
//! report's title, the column names in bold over a thin rule, then the rows as a table; the header
//! repeats on every page, each page has a "Page N of M" footer, and the last one says so when the
//! row limit cut the rows short.
//!
//! Columns are as wide as their longest value when the page has room, otherwise the page's width
//! is shared out (narrow columns keep their width, the wide ones split the rest); a value too wide
//! for its column is cut and ends in "...". Widths are measured with the fonts' standard metrics.
//! Integers are right-aligned. Text is encoded in WinAnsi (Latin-1 and the Windows-1252 extras
//! such as `€` and curly quotes); any other character prints as `?`. Each value is drawn as one
//! string of its own, so a text extractor reads back every value that was not cut.

use std::fmt::Write as _;

use crate::table::{Cell, ColumnKind, ReportTable};

/// The width of an A4 landscape page, in points.
const PAGE_WIDTH: f64 = 842.0;
/// The height of an A4 landscape page, in points.
const PAGE_HEIGHT: u16 = 595;
/// The left and right margin.
const MARGIN: f64 = 36.0;
/// The width the table may take.
const TABLE_WIDTH: f64 = PAGE_WIDTH - 2.0 * MARGIN;
/// The title's font size, in points.
const TITLE_SIZE: f64 = 14.0;
/// The header's and the values' font size, in points.
const BODY_SIZE: f64 = 9.0;
/// The footer's font size, in points.
const FOOTER_SIZE: f64 = 8.0;
/// The title's baseline, in points from the bottom of the page (as are the other heights).
const TITLE_Y: u16 = PAGE_HEIGHT - 36 - 14;
/// The header's baseline.
const HEADER_Y: u16 = TITLE_Y - 24;
/// The rule under the header.
const RULE_Y: u16 = HEADER_Y - 4;
/// The first row's baseline.
const FIRST_ROW_Y: u16 = RULE_Y - 12;
/// The lowest a row's baseline may be, above the footer.
const LOWEST_ROW_Y: u16 = 60;
/// The footer's baseline.
const FOOTER_Y: u16 = 30;
/// The distance between two rows' baselines.
const ROW_HEIGHT: u16 = 12;
/// The space kept clear on each side of a value inside its column.
const CELL_PADDING: f64 = 3.0;
/// What ends a value that was cut to fit its column.
const ELLIPSIS: &[u8] = b"...";
/// What a character WinAnsi lacks prints as.
const REPLACEMENT: u8 = b'?';
/// The width of a character the fonts' tables leave out, in thousandths of the font size.
const DEFAULT_WIDTH: u16 = 556;
/// The number of the first page's object: 1 to 4 are the catalogue, the page tree and the fonts.
const FIRST_PAGE_OBJECT: usize = 5;
/// The footer of the last page when the row limit cut the rows short.
const TRUNCATED_NOTE: &str = "Truncated at the row limit";

/// `table` as a PDF document of as many pages as its rows need (at least one).
#[must_use]
pub fn document(table: &ReportTable) -> Vec<u8> {
    let layout = Layout::new(table);
    let chunks: Vec<&[Vec<Cell>]> =
        if table.rows.is_empty() { vec![&[]] } else { table.rows.chunks(rows_per_page()).collect() };
    let page_count = chunks.len();
    let contents: Vec<String> = chunks
        .iter()
        .enumerate()
        .map(|(index, rows)| {
            let page = PageNumber { number: index + 1, count: page_count };
            let note = table.truncated && page.is_last();
            page_content(&layout, rows, page, note)
        })
        .collect();
    assemble(&contents)
}

/// How many rows fit on a page under the header.
fn rows_per_page() -> usize {
    usize::from((FIRST_ROW_Y - LOWEST_ROW_Y) / ROW_HEIGHT + 1)
}

/// One of the two fonts the document uses.
#[derive(Debug, Clone, Copy)]
enum Font {
    /// Helvetica: the values and the footer.
    Regular,
    /// Helvetica-Bold: the title and the header.
    Bold,
}

impl Font {
    /// Its name in a page's resources.
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "/F1",
            Font::Bold => "/F2",
        }
    }

    /// The width of WinAnsi character `byte`, in thousandths of the font size (the standard
    /// metrics; the control codes, which [`encode`] never yields, as wide as a digit).
    fn glyph_width(self, byte: u8) -> u16 {
        let widths = match self {
            Font::Regular => &HELVETICA_WIDTHS,
            Font::Bold => &HELVETICA_BOLD_WIDTHS,
        };
        byte.checked_sub(b' ').and_then(|index| widths.get(usize::from(index))).copied().unwrap_or(DEFAULT_WIDTH)
    }

    /// The width of `text` (WinAnsi bytes) at `size` points.
    fn text_width(self, text: &[u8], size: f64) -> f64 {
        let thousandths: u32 = text.iter().map(|&byte| u32::from(self.glyph_width(byte))).sum();
        f64::from(thousandths) * size / 1000.0
    }
}

/// Helvetica's widths of the WinAnsi characters 0x20 to 0xFF, from its AFM file (the codes
/// WinAnsi leaves undefined get the font's default width).
const HELVETICA_WIDTHS: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 556, // 0x70
    556, 556, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 556, 611, 556, // 0x80
    556, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 556, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

/// Helvetica-Bold's widths of the WinAnsi characters 0x20 to 0xFF, from its AFM file (the codes
/// WinAnsi leaves undefined get the font's default width).
const HELVETICA_BOLD_WIDTHS: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 556, // 0x70
    556, 556, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 556, 611, 556, // 0x80
    556, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 556, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
];

/// The Windows-1252 characters of the bytes 0x80 to 0x9F (WinAnsi's additions to Latin-1).
const WINDOWS_1252_EXTRAS: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('\u{2018}', 0x91),
    ('\u{2019}', 0x92),
    ('\u{201C}', 0x93),
    ('\u{201D}', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// `text` in WinAnsi: Latin-1 as is, the Windows-1252 extras, control characters (a line break
/// in a value) as a space, anything else as `?`.
fn encode(text: &str) -> Vec<u8> {
    text.chars().map(winansi_byte).collect()
}

/// The WinAnsi byte of `ch`.
fn winansi_byte(ch: char) -> u8 {
    if ch.is_control() {
        return b' ';
    }
    if let Ok(byte) = u8::try_from(ch) {
        return byte;
    }
    WINDOWS_1252_EXTRAS.iter().find(|(extra, _)| *extra == ch).map_or(REPLACEMENT, |&(_, byte)| byte)
}

/// `text` cut so that it is at most `max_width` wide, ending in "..." when cut.
fn fit(text: Vec<u8>, font: Font, size: f64, max_width: f64) -> Vec<u8> {
    if font.text_width(&text, size) <= max_width {
        return text;
    }
    let room = max_width - font.text_width(ELLIPSIS, size);
    let mut width = 0.0;
    let kept = text
        .iter()
        .take_while(|&&byte| {
            width += font.text_width(&[byte], size);
            width <= room
        })
        .count();
    let mut cut = text[..kept].to_vec();
    cut.extend_from_slice(ELLIPSIS);
    if font.text_width(&cut, size) <= max_width {
        cut
    } else {
        Vec::new()
    }
}

/// `text` as a PDF literal string: `\`, `(` and `)` escaped, bytes outside printable ASCII as
/// octal escapes so the file stays 7-bit.
fn literal(text: &[u8]) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('(');
    for &byte in text {
        match byte {
            b'\\' | b'(' | b')' => {
                out.push('\\');
                out.push(char::from(byte));
            }
            b' '..=b'~' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\{byte:03o}");
            }
        }
    }
    out.push(')');
    out
}

/// Where the columns go and how they align, the same on every page.
struct Layout {
    title: Vec<u8>,
    columns: Vec<ColumnLayout>,
}

/// One column's place on the page.
struct ColumnLayout {
    /// Its left edge.
    left: f64,
    /// Its width.
    width: f64,
    /// Whether its values sit at its right edge.
    right_aligned: bool,
    /// Its name, fitted to the width, in bold.
    header: Vec<u8>,
}

impl Layout {
    /// The layout of `table`: the columns' widths from their values, the title fitted to the page.
    fn new(table: &ReportTable) -> Self {
        let natural: Vec<f64> = (0..table.columns.len()).map(|index| natural_width(table, index)).collect();
        let widths = share_width(&natural, TABLE_WIDTH);
        let mut left = MARGIN;
        let columns = table
            .columns
            .iter()
            .zip(widths)
            .map(|(column, width)| {
                let header = fit(encode(&column.name), Font::Bold, BODY_SIZE, width - 2.0 * CELL_PADDING);
                let layout = ColumnLayout { left, width, right_aligned: column.kind == ColumnKind::Integer, header };
                left += width;
                layout
            })
            .collect();
        let title = fit(encode(&table.title), Font::Bold, TITLE_SIZE, TABLE_WIDTH);
        Layout { title, columns }
    }

    /// The right end of the table.
    fn right(&self) -> f64 {
        self.columns.last().map_or(MARGIN, |column| column.left + column.width)
    }
}

/// The width column `index` takes to show its name and every value whole.
fn natural_width(table: &ReportTable, index: usize) -> f64 {
    let header = table.columns.get(index).map_or(0.0, |column| Font::Bold.text_width(&encode(&column.name), BODY_SIZE));
    table
        .rows
        .iter()
        .filter_map(|row| row.get(index))
        .map(|cell| Font::Regular.text_width(&encode(&cell.to_text()), BODY_SIZE))
        .fold(header, f64::max)
        + 2.0 * CELL_PADDING
}

/// The columns' widths within `available`: each its natural width when they all fit; otherwise
/// the columns narrower than an equal share keep their width and the others split what is left.
fn share_width(natural: &[f64], available: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..natural.len()).collect();
    order.sort_by(|&a, &b| natural[a].total_cmp(&natural[b]));
    let mut widths = natural.to_vec();
    let mut left_over = available;
    let mut remaining = natural.len();
    for index in order {
        let share = left_over / f64::from(u32::try_from(remaining).unwrap_or(u32::MAX));
        widths[index] = natural[index].min(share);
        left_over -= widths[index];
        remaining -= 1;
    }
    widths
}

/// A page's place in the document.
#[derive(Debug, Clone, Copy)]
struct PageNumber {
    /// From 1.
    number: usize,
    /// How many pages there are.
    count: usize,
}

impl PageNumber {
    /// Whether it is the document's last page.
    fn is_last(self) -> bool {
        self.number == self.count
    }
}

/// The content stream of one page: title, header, rule, `rows`, footer (and the truncation note
/// when `note`).
fn page_content(layout: &Layout, rows: &[Vec<Cell>], page: PageNumber, note: bool) -> String {
    let mut content = String::new();
    show(&mut content, Font::Bold, TITLE_SIZE, MARGIN, f64::from(TITLE_Y), &layout.title);
    for column in &layout.columns {
        show_in_column(&mut content, column, Font::Bold, f64::from(HEADER_Y), &column.header);
    }
    rule(&mut content, MARGIN, layout.right(), f64::from(RULE_Y));
    let mut y = f64::from(FIRST_ROW_Y);
    for row in rows {
        for (column, cell) in layout.columns.iter().zip(row) {
            let text = fit(encode(&cell.to_text()), Font::Regular, BODY_SIZE, column.width - 2.0 * CELL_PADDING);
            show_in_column(&mut content, column, Font::Regular, y, &text);
        }
        y -= f64::from(ROW_HEIGHT);
    }
    footer(&mut content, page, note);
    content
}

/// The footer: the truncation note at the left margin when `note`, "Page N of M" at the right.
fn footer(content: &mut String, page: PageNumber, note: bool) {
    if note {
        show(content, Font::Regular, FOOTER_SIZE, MARGIN, f64::from(FOOTER_Y), &encode(TRUNCATED_NOTE));
    }
    let label = encode(&format!("Page {} of {}", page.number, page.count));
    let x = PAGE_WIDTH - MARGIN - Font::Regular.text_width(&label, FOOTER_SIZE);
    show(content, Font::Regular, FOOTER_SIZE, x, f64::from(FOOTER_Y), &label);
}

/// Draws `text` in `column` at baseline `y`, aligned as the column is.
fn show_in_column(content: &mut String, column: &ColumnLayout, font: Font, y: f64, text: &[u8]) {
    if text.is_empty() {
        return;
    }
    let x = if column.right_aligned {
        column.left + column.width - CELL_PADDING - font.text_width(text, BODY_SIZE)
    } else {
        column.left + CELL_PADDING
    };
    show(content, font, BODY_SIZE, x, y, text);
}

/// Draws `text` with its baseline starting at (`x`, `y`).
fn show(content: &mut String, font: Font, size: f64, x: f64, y: f64, text: &[u8]) {
    let _ = writeln!(content, "BT {} {size:.1} Tf {x:.2} {y:.2} Td {} Tj ET", font.resource(), literal(text));
}

/// Draws a thin horizontal line from `from` to `to` at height `y`.
fn rule(content: &mut String, from: f64, to: f64, y: f64) {
    let _ = writeln!(content, "0.5 w {from:.2} {y:.2} m {to:.2} {y:.2} l S");
}

/// The whole file: header, objects, cross-reference table and trailer around the pages'
/// `contents` (each page is an object followed by its content stream).
fn assemble(contents: &[String]) -> Vec<u8> {
    let page_objects: Vec<usize> = (0..contents.len()).map(|index| FIRST_PAGE_OBJECT + 2 * index).collect();
    let kids: Vec<String> = page_objects.iter().map(|number| format!("{number} 0 R")).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), contents.len()),
        font_object("Helvetica"),
        font_object("Helvetica-Bold"),
    ];
    for (content, number) in contents.iter().zip(&page_objects) {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            number + 1
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()));
    }
    write_file(&objects)
}

/// A standard Type 1 font in WinAnsi encoding.
fn font_object(base_font: &str) -> String {
    format!("<< /Type /Font /Subtype /Type1 /BaseFont /{base_font} /Encoding /WinAnsiEncoding >>")
}

/// `objects` (numbered from 1, the first being the catalogue) as a PDF file.
fn write_file(objects: &[String]) -> Vec<u8> {
    let mut file = String::from("%PDF-1.4\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(file.len());
        let _ = write!(file, "{} 0 obj\n{object}\nendobj\n", index + 1);
    }
    let xref = file.len();
    let _ = write!(file, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(file, "{offset:010} 00000 n ");
    }
    let _ = write!(file, "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF", objects.len() + 1);
    file.into_bytes()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::table::sales_by_region;

    fn table(rows: usize) -> ReportTable {
        sales_by_region(
            (0..rows)
                .map(|index| {
                    vec![
                        Cell::Text(format!("Region {index}")),
                        Cell::Integer(i64::try_from(index).unwrap() * 100),
                        Cell::Date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
                    ]
                })
                .collect(),
        )
    }

    fn text(bytes: &[u8]) -> &str {
        std::str::from_utf8(bytes).unwrap()
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn a_document_is_a_pdf_file() {
        let bytes = document(&table(3));
        assert!(bytes.starts_with(b"%PDF-1.4\n"));
        assert!(bytes.ends_with(b"%%EOF"));
        assert!(bytes.is_ascii());
    }

    #[test]
    fn the_cross_reference_table_points_at_every_object() {
        let bytes = document(&table(120));
        let file = text(&bytes);
        let startxref = file.rfind("startxref\n").unwrap();
        let xref: usize = file[startxref + 10..].lines().next().unwrap().parse().unwrap();
        let mut lines = file[xref..].lines();
        assert_eq!(lines.next(), Some("xref"));
        let (first, size) = lines.next().unwrap().split_once(' ').unwrap();
        assert_eq!(first, "0");
        let size: usize = size.parse().unwrap();
        assert_eq!(lines.next(), Some("0000000000 65535 f "));
        for number in 1..size {
            let entry = lines.next().unwrap();
            assert_eq!(entry.len(), 19, "an entry is 20 bytes with its line feed: {entry:?}");
            assert!(entry.ends_with(" 00000 n "));
            let offset: usize = entry[..10].parse().unwrap();
            assert!(file[offset..].starts_with(&format!("{number} 0 obj\n")), "object {number} at {offset}");
        }
        assert_eq!(lines.next(), Some("trailer"));
        assert_eq!(lines.next(), Some(format!("<< /Size {size} /Root 1 0 R >>").as_str()));
        assert_eq!(count(file, " 0 obj\n"), size - 1);
    }

    #[test]
    fn stream_lengths_are_their_byte_counts() {
        let bytes = document(&table(50));
        let file = text(&bytes);
        let mut rest = file;
        let mut streams = 0;
        while let Some(at) = rest.find("<< /Length ") {
            let after = &rest[at + 11..];
            let (length, body) = after.split_once(" >>\nstream\n").unwrap();
            let length: usize = length.parse().unwrap();
            assert!(body[length..].starts_with("\nendstream\n"));
            rest = &body[length..];
            streams += 1;
        }
        assert_eq!(streams, 2);
    }

    #[test]
    fn many_rows_make_several_pages_each_with_the_header() {
        let rows = 200;
        let bytes = document(&table(rows));
        let file = text(&bytes);
        let pages = rows.div_ceil(rows_per_page());
        assert!(pages > 1);
        assert_eq!(count(file, "/Type /Page "), pages);
        assert!(file.contains(&format!("/Count {pages} ")));
        for number in 1..=pages {
            assert!(file.contains(&format!("(Page {number} of {pages})")));
        }
        assert_eq!(count(file, "(total_minor) Tj"), pages);
        assert_eq!(count(file, "(Sales by region) Tj"), pages);
        for index in 0..rows {
            assert!(file.contains(&format!("(Region {index}) Tj")), "row {index}");
            assert!(file.contains(&format!("({}) Tj", index * 100)), "row {index}");
        }
        assert_eq!(count(file, "(2024-01-01) Tj"), rows);
        assert!(!file.contains(TRUNCATED_NOTE));
    }

    #[test]
    fn only_the_last_page_says_the_rows_were_truncated() {
        let mut report = table(100);
        report.truncated = true;
        let bytes = document(&report);
        let file = text(&bytes);
        assert_eq!(count(file, TRUNCATED_NOTE), 1);
        let last_page = file.rfind(">>\nstream\n").unwrap();
        assert!(file[last_page..].contains(TRUNCATED_NOTE));
    }

    #[test]
    fn an_empty_table_is_one_page() {
        let report = ReportTable { title: String::new(), columns: Vec::new(), rows: Vec::new(), truncated: true };
        let bytes = document(&report);
        let file = text(&bytes);
        assert_eq!(count(file, "/Type /Page "), 1);
        assert!(file.contains("(Page 1 of 1)"));
        assert!(file.contains(TRUNCATED_NOTE));
    }

    #[test]
    fn strings_escape_backslashes_and_parentheses() {
        assert_eq!(literal(br"a (b) c\d"), r"(a \(b\) c\\d)");
        assert_eq!(literal(&[0xE9, b'x', 0x80]), r"(\351x\200)");
        let mut report = table(1);
        report.rows[0][0] = Cell::Text(r"(x) \ y".to_owned());
        let bytes = document(&report);
        assert!(text(&bytes).contains(r"(\(x\) \\ y) Tj"));
    }

    #[test]
    fn characters_map_to_winansi() {
        assert_eq!(encode("Zürich €5 “q” – ok"), b"Z\xFCrich \x805 \x93q\x94 \x96 ok");
        assert_eq!(encode("日本 ok"), b"?? ok");
        assert_eq!(encode("a\nb\tc"), b"a b c");
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        assert!((Font::Regular.text_width(b"Hello", 10.0) - 22.78).abs() < 1e-9);
        assert!((Font::Bold.text_width(b"Hello", 10.0) - 24.45).abs() < 1e-9);
        assert!(Font::Regular.text_width(b"iii", 10.0) < Font::Regular.text_width(b"WWW", 10.0));
        // Beyond ASCII: "Zü€…" is Z 611 + ü 556 + € 556 + … 1000.
        assert!((Font::Regular.text_width(&encode("Zü€…"), 1.0) - 2.723).abs() < 1e-9);
        assert_eq!(Font::Bold.glyph_width(0xC6), 1000);
    }

    #[test]
    fn over_long_values_are_cut_to_their_column_with_an_ellipsis() {
        let long = b"A long customer name that goes on".to_vec();
        let cut = fit(long.clone(), Font::Regular, BODY_SIZE, 60.0);
        assert!(cut.ends_with(ELLIPSIS));
        assert!(Font::Regular.text_width(&cut, BODY_SIZE) <= 60.0);
        assert!(long.starts_with(&cut[..cut.len() - ELLIPSIS.len()]));
        assert_eq!(fit(b"short".to_vec(), Font::Regular, BODY_SIZE, 60.0), b"short");
        assert_eq!(fit(b"anything".to_vec(), Font::Regular, BODY_SIZE, 2.0), b"");
    }

    #[test]
    fn columns_share_the_page_when_they_do_not_fit() {
        assert_eq!(share_width(&[10.0, 20.0], 100.0), vec![10.0, 20.0]);
        assert_eq!(share_width(&[10.0, 500.0, 800.0], 310.0), vec![10.0, 150.0, 150.0]);
        let wide = table(1);
        let mut report = wide.clone();
        report.rows[0][0] = Cell::Text("x".repeat(400));
        let layout = Layout::new(&report);
        assert!((layout.right() - (PAGE_WIDTH - MARGIN)).abs() < 1e-6);
        let narrow = Layout::new(&wide);
        assert!(narrow.right() < PAGE_WIDTH - MARGIN);
        assert!(narrow.columns[1].right_aligned && !narrow.columns[0].right_aligned);
    }

    #[test]
    fn integers_are_right_aligned() {
        let layout = Layout::new(&table(1));
        let column = &layout.columns[1];
        let mut content = String::new();
        show_in_column(&mut content, column, Font::Regular, 100.0, b"100");
        let x = column.left + column.width - CELL_PADDING - Font::Regular.text_width(b"100", BODY_SIZE);
        assert!(content.contains(&format!("{x:.2} 100.00 Td (100) Tj")));
    }
}
