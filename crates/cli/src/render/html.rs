//! A self-contained, printable A4 HTML paper of the document (`Document::paper`): one file with
//! its CSS inline and QR codes as inline SVG, nothing fetched from a network. Tables repeat
//! their header on every printed page and never split a row across two pages; numbers line up
//! on the right; every text is escaped. The font stack names fonts that hold Chinese and are
//! found on the machine that prints (Noto/Source Han on Linux, SimSun or YaHei on Windows,
//! Songti on macOS).
//!
//! A table too wide for a portrait page (more than `PORTRAIT_COLUMNS` columns: a charter with
//! many share classes) prints in a smaller type with its headers wrapping, and the printed page
//! that holds it (the part of the paper between two page breaks) turns to A4 landscape, so
//! that Chromium never shrinks the whole page to make it fit. The seal and the signatures at
//! the foot of a paper print side by side in one block that is kept with what comes before
//! it: a page never holds them alone.

use crate::cli::Lang;
use crate::document::{Block, Column, Layout, Paper, Table};
use anyhow::{Context as _, Result};
use std::fmt::Write as _;
use std::io::Write;

/// The paper's style: A4, the page number at the foot, tables that print well over many pages.
const STYLE: &str = r#"
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
html { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", "SimSun",
  "Songti SC", "Microsoft YaHei", serif; font-size: 10.5pt; line-height: 1.45; color: #000;
  background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
@media screen { body { max-width: 182mm; margin: 10mm auto; } }
h1 { font-size: 20pt; text-align: center; letter-spacing: 0.12em; margin: 2mm 0 5mm; }
h1:lang(en) { font-size: 17pt; letter-spacing: 0; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; padding-bottom: 1mm; border-bottom: 1.2pt solid #000;
  break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; white-space: pre-wrap; }
p.note { font-size: 9pt; color: #333; }
table { border-collapse: collapse; }
table.data { width: 100%; font-size: 9.5pt; margin: 2mm 0 4mm; }
table.data th, table.data td { border: 0.6pt solid #000; padding: 0.8mm 1.6mm; vertical-align: top; }
table.data th { background: #eee; font-weight: bold; text-align: center; }
thead { display: table-header-group; }
tfoot { display: table-footer-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.code, td.date, th.code, th.date, th.num { white-space: nowrap; }
table.sign td { height: 9mm; vertical-align: middle; white-space: nowrap; }
table.sign td:last-child { min-width: 26mm; }
table.fields { margin: 2mm 0 4mm; }
table.fields th { text-align: left; font-weight: normal; color: #333; padding: 0.6mm 4mm 0.6mm 0;
  white-space: nowrap; vertical-align: top; }
table.fields td { padding: 0.6mm 0; }
@page wide { size: A4 landscape; }
section.wide { page: wide; }
section + section { break-before: page; page-break-before: always; }
@media screen { section + section { border-top: 1px dashed #999; margin-top: 8mm; padding-top: 8mm; }
  section.wide { max-width: 269mm; } body:has(section.wide) { max-width: 269mm; } }
table.wide { font-size: 8pt; }
table.wide th, table.wide td { padding: 0.6mm 1mm; }
table.wide th, table.wide th.num, table.wide th.code, table.wide th.date,
table.wide th.nowrap { white-space: normal; word-break: break-word; }
table.wider { font-size: 7pt; }
.closing { display: flex; align-items: center; gap: 6mm; margin: 6mm 0 2mm;
  break-inside: avoid; page-break-inside: avoid; break-before: avoid; page-break-before: avoid; }
.closing .signatures { flex: 1 1 auto; margin: 0; }
.closing .seal { float: none; flex: 0 0 auto; width: 36mm; height: 36mm; margin: 0; padding: 1mm;
  box-sizing: border-box; font-size: 9pt; }
tbody.last { break-inside: avoid; page-break-inside: avoid; }
table.data tr.closing-row > td { border: none; padding: 0; white-space: normal; font-size: 10.5pt; }
table.wide tr.closing-row > td { font-size: 10.5pt; }
table.sign tr.closing-row > td { height: auto; vertical-align: top; }
.seal { float: right; width: 44mm; height: 44mm; margin: 4mm 0 4mm 6mm; border: 1pt dashed #a00;
  border-radius: 50%; color: #a00; display: flex; align-items: center; justify-content: center;
  text-align: center; font-size: 10pt; break-inside: avoid; page-break-inside: avoid; }
.signatures { display: flex; flex-wrap: wrap; gap: 4mm 10mm; margin: 8mm 0 4mm;
  break-inside: avoid; page-break-inside: avoid; }
.signature { flex: 1 1 80mm; white-space: nowrap; }
.signature .line { display: inline-block; width: 36mm; border-bottom: 0.8pt solid #000; }
.signature .date { display: inline-block; width: 14mm; border-bottom: 0.8pt solid #000; }
.signature .day { display: inline-block; width: 8mm; border-bottom: 0.8pt solid #000; }
.fill { margin: 3mm 0; }
.fill .line { display: inline-block; min-width: 80mm; border-bottom: 0.8pt solid #000; }
.qr { float: right; text-align: center; font-size: 8.5pt; margin: 0 0 3mm 6mm; }
.qr svg { width: 28mm; height: 28mm; display: block; margin: 0 auto 1mm; }
.qr .code { font-family: monospace; font-size: 7pt; white-space: nowrap; }
.clear { clear: both; }
.nowrap { white-space: nowrap; }
"#;

pub fn write(out: &mut impl Write, layout: &Layout, lang: Lang) -> Result<()> {
    let mut html = String::new();
    let language = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    // The title of a paper is its first title, or else its first line.
    let title = layout
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Paper(Paper::Title(text)) => Some(text.as_str()),
            _ => None,
        })
        .or_else(|| {
            layout.blocks.iter().find_map(|block| match block {
                Block::Line(text) => Some(text.as_str()),
                _ => None,
            })
        })
        .unwrap_or("gufen");
    let has_title = layout
        .blocks
        .iter()
        .any(|block| matches!(block, Block::Paper(Paper::Title(_))));
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{language}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"generator\" content=\"gufen\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n",
        escape(title)
    );
    let mut first_line = !has_title;
    // Each part between page breaks is a section: a printed page (or run of pages) of its own,
    // landscape when it holds a wide table.
    for section in layout
        .blocks
        .split(|block| matches!(block, Block::Paper(Paper::PageBreak)))
    {
        let wide = section.iter().any(|block| match block {
            Block::Table(table) | Block::Paper(Paper::SignTable(table)) => is_wide(table),
            _ => false,
        });
        html.push_str(if wide {
            "<section class=\"wide\">\n"
        } else {
            "<section>\n"
        });
        blocks_html(&mut html, section, lang, &mut first_line)?;
        html.push_str("<div class=\"clear\"></div>\n</section>\n");
    }
    html.push_str("</body>\n</html>\n");
    out.write_all(html.as_bytes())?;
    Ok(())
}

/// The blocks of one section. A table followed only by the paper's closing (notes, lines to
/// fill in, the seal, the signatures) takes that closing into its last rows' group, which
/// never breaks across pages: the closing prints under the table's last rows, never alone.
fn blocks_html(
    html: &mut String,
    blocks: &[Block],
    lang: Lang,
    first_line: &mut bool,
) -> Result<()> {
    let mut index = 0;
    while let Some(block) = blocks.get(index) {
        index += 1;
        match block {
            Block::Line(line) if *first_line => {
                *first_line = false;
                let _ = writeln!(html, "<h1>{}</h1>", escape(line));
            }
            Block::Line(line) => {
                let _ = writeln!(html, "<p>{}</p>", text(line));
            }
            Block::Fields(fields) => fields_html(html, fields),
            Block::Table(table) | Block::Paper(Paper::SignTable(table)) => {
                let class = match block {
                    Block::Table(_) => "data",
                    _ => "data sign",
                };
                let rest = &blocks[index..];
                if is_closing(rest) {
                    let mut closing = String::new();
                    blocks_html(&mut closing, rest, lang, first_line)?;
                    table_html(html, table, class, Some(&closing));
                    index = blocks.len();
                } else {
                    table_html(html, table, class, None);
                }
            }
            // The seal and the signatures under it: one closing block, side by side.
            Block::Paper(Paper::Seal(caption)) => {
                if let Some(Block::Paper(Paper::Signatures(labels))) = blocks.get(index) {
                    index += 1;
                    html.push_str("<div class=\"closing\">\n");
                    signatures_html(html, labels, lang);
                    seal_html(html, caption);
                    html.push_str("</div>\n");
                } else {
                    seal_html(html, caption);
                }
            }
            Block::Paper(part) => paper_html(html, part, lang)?,
        }
    }
    Ok(())
}

/// Whether `blocks` (what follows a table to the end of its section) are only the paper's
/// closing, with a seal or signatures in it.
fn is_closing(blocks: &[Block]) -> bool {
    let closing_part = |block: &Block| {
        matches!(
            block,
            Block::Line(_)
                | Block::Paper(
                    Paper::Note(_)
                        | Paper::FillIn(_)
                        | Paper::Heading(_)
                        | Paper::Seal(_)
                        | Paper::Signatures(_)
                )
        )
    };
    blocks.iter().all(closing_part)
        && blocks
            .iter()
            .any(|block| matches!(block, Block::Paper(Paper::Seal(_) | Paper::Signatures(_))))
}

/// Text made safe to place in an element or an attribute.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Text for an element's content: escaped, and a date, reference or code with hyphens
/// (`2026-01-21`, `GF1-…`) kept on one line, where a browser would break it after a hyphen.
pub fn text(text: &str) -> String {
    let joined = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '*' | '.' | '/' | ':');
    let mut html = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(joined) {
        let (before, from) = rest.split_at(start);
        html.push_str(&escape(before));
        let end = from.find(|c: char| !joined(c)).unwrap_or(from.len());
        let (run, after) = from.split_at(end);
        if run.contains('-') && run.chars().any(|c| c.is_ascii_digit()) {
            let _ = write!(html, "<span class=\"nowrap\">{}</span>", escape(run));
        } else {
            html.push_str(&escape(run));
        }
        rest = after;
    }
    html.push_str(&escape(rest));
    html
}

fn fields_html(html: &mut String, fields: &[(String, String)]) {
    html.push_str("<table class=\"fields\">\n");
    for (label, value) in fields {
        let _ = writeln!(
            html,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(label),
            text(value)
        );
    }
    html.push_str("</table>\n");
}

/// The most columns a table prints with on a portrait A4 page (the sample register's ten: four
/// leading, two share classes, total, weighted, percent, pledged); a table with more is wide.
const PORTRAIT_COLUMNS: usize = 10;
/// A table with more columns than this prints in a still smaller type.
const LANDSCAPE_COLUMNS: usize = 16;

/// Whether `table` is too wide for a portrait page.
fn is_wide(table: &Table) -> bool {
    table.headers.len() > PORTRAIT_COLUMNS
}

/// Cells of a column whose every text is at most this wide (in half-width characters: a
/// Chinese character counts two) never wrap: a short word (a kind of record, a name, a header)
/// stays whole and the long texts wrap instead.
const SHORT_CELL_WIDTH: usize = 24;

/// The width of `text` in half-width characters.
fn width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// How many of a table's last rows print on the page of the closing below them.
const ROWS_WITH_CLOSING: usize = 3;

/// A table; `closing`, when given, is HTML that prints under its last rows, kept on one page
/// with them.
fn table_html(html: &mut String, table: &Table, class: &str, closing: Option<&str>) {
    let short: Vec<bool> = (0..table.headers.len())
        .map(|column| {
            std::iter::once(&table.headers[column])
                .chain(table.rows.iter().filter_map(|row| row.get(column)))
                .all(|cell| width(cell) <= SHORT_CELL_WIDTH)
        })
        .collect();
    let cell_class = |column: usize| -> &'static str {
        if table.right_aligned.get(column).copied().unwrap_or(false) {
            " class=\"num\""
        } else if table.columns.get(column) == Some(&Column::Code) {
            " class=\"code\""
        } else if table.columns.get(column) == Some(&Column::Date) {
            " class=\"date\""
        } else if short[column] {
            " class=\"nowrap\""
        } else {
            ""
        }
    };
    let size = if table.headers.len() > LANDSCAPE_COLUMNS {
        " wide wider"
    } else if is_wide(table) {
        " wide"
    } else {
        ""
    };
    let _ = writeln!(html, "<table class=\"{class}{size}\">\n<thead><tr>");
    for (column, header) in table.headers.iter().enumerate() {
        let _ = write!(html, "<th{}>{}</th>", cell_class(column), escape(header));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let last_rows = match closing {
        Some(_) => table.rows.len().saturating_sub(ROWS_WITH_CLOSING),
        None => table.rows.len(),
    };
    for (number, row) in table.rows.iter().enumerate() {
        if number == last_rows {
            html.push_str("</tbody>\n<tbody class=\"last\">\n");
        }
        html.push_str("<tr>");
        for (column, cell) in row.iter().enumerate() {
            let _ = write!(html, "<td{}>{}</td>", cell_class(column), text(cell));
        }
        html.push_str("</tr>\n");
    }
    if let Some(closing) = closing {
        if last_rows == table.rows.len() {
            html.push_str("</tbody>\n<tbody class=\"last\">\n");
        }
        let _ = write!(
            html,
            "<tr class=\"closing-row\"><td colspan=\"{}\">\n{closing}</td></tr>\n",
            table.headers.len().max(1)
        );
    }
    html.push_str("</tbody>\n</table>\n");
}

fn paper_html(html: &mut String, part: &Paper, lang: Lang) -> Result<()> {
    match part {
        Paper::Title(text) => {
            let _ = writeln!(html, "<h1>{}</h1>", escape(text));
        }
        Paper::Heading(text) => {
            let _ = writeln!(html, "<h2>{}</h2>", escape(text));
        }
        // Sections stand for page breaks (`write`).
        Paper::PageBreak => {}
        Paper::Seal(caption) => seal_html(html, caption),
        Paper::Signatures(labels) => signatures_html(html, labels, lang),
        Paper::FillIn(label) => {
            let _ = writeln!(
                html,
                "<p class=\"fill\">{} <span class=\"line\"></span></p>",
                escape(label)
            );
        }
        Paper::Qr { text, caption } => {
            let _ = writeln!(
                html,
                "<div class=\"qr\">{}<div>{}</div><div class=\"code\">{}</div></div>",
                qr_svg(text)?,
                escape(caption),
                escape(text)
            );
        }
        Paper::Note(note) => {
            let _ = writeln!(html, "<p class=\"note\">{}</p>", text(note));
        }
        Paper::SignTable(table) => table_html(html, table, "data sign", None),
    }
    Ok(())
}

fn seal_html(html: &mut String, caption: &str) {
    let _ = writeln!(html, "<div class=\"seal\">{}</div>", escape(caption));
}

fn signatures_html(html: &mut String, labels: &[String], lang: Lang) {
    html.push_str("<div class=\"signatures\">\n");
    let date = match lang {
        Lang::Zh => "<span class=\"date\"></span>年<span class=\"day\"></span>月<span class=\"day\"></span>日",
        Lang::En => "date <span class=\"date\"></span>",
    };
    for label in labels {
        let _ = writeln!(
            html,
            "<div class=\"signature\">{}{} <span class=\"line\"></span> {date}</div>",
            escape(label),
            if lang == Lang::Zh { "：" } else { ":" }
        );
    }
    html.push_str("</div>\n");
}

/// `text` as a QR code in inline SVG (its XML declaration left out: it sits inside HTML).
pub fn qr_svg(text: &str) -> Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .context("the text does not fit in a QR code")?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup() {
        assert_eq!(
            escape("<b>\"张&李'</b>"),
            "&lt;b&gt;&quot;张&amp;李&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn dates_and_references_stay_on_one_line() {
        assert_eq!(
            text("至 2026-01-21 止 <a>"),
            "至 <span class=\"nowrap\">2026-01-21</span> 止 &lt;a&gt;"
        );
        assert_eq!(text("a-b 12"), "a-b 12");
    }

    #[test]
    fn qr_is_inline_svg() {
        let svg = qr_svg("GF1-N2410183MF0000001Y-12-0123456789ab").unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn a_table_repeats_its_header_and_aligns_numbers() {
        let mut layout = Layout::default();
        let mut table = Table::new(vec!["姓名", "股"], vec![false, true]);
        table.push(vec!["<张三>".into(), "1.5".into()]);
        layout.table(table);
        let mut bytes = Vec::new();
        write(&mut bytes, &layout, Lang::Zh).unwrap();
        let html = String::from_utf8(bytes).unwrap();
        assert!(html.contains("<html lang=\"zh-CN\">"));
        assert!(html.contains("thead { display: table-header-group; }"));
        assert!(html.contains("<td class=\"nowrap\">&lt;张三&gt;</td><td class=\"num\">1.5</td>"));
        // Nothing is fetched: no linked file, script or image.
        assert!(!html.contains(" src=") && !html.contains(" href=") && !html.contains("<script"));
    }
}
