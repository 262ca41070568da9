//! A small page builder: a cursor running down A4 pages, text, rules, images and a table
//! writer that breaks pages between rows and repeats the header on every page it
//! continues on. Footers are stamped once all pages exist, so they can say "of Y".

use printpdf::{
    Color, Greyscale, Line, LinePoint, Mm, Op, PaintMode, PdfPage, Point, Pt, Rect, TextItem,
    XObjectId, XObjectTransform,
};

use crate::fonts::{Face, Fonts, clean};

pub(crate) const PAGE_WIDTH: f32 = 595.2756;
pub(crate) const PAGE_HEIGHT: f32 = 841.8898;

/// Baseline below the top of a line, and line pitch, as fractions of the font size
/// (Noto Sans: ascender 1.069 em, descender 0.293 em).
const ASCENT: f32 = 1.0;
const LEADING: f32 = 1.3;

const CELL_PAD_X: f32 = 2.5;
const CELL_PAD_Y: f32 = 2.2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

pub(crate) struct Column {
    pub title: String,
    pub width: f32,
    pub align: Align,
    /// Figures are never split over lines; a figure too wide is set smaller instead.
    pub figure: bool,
}

impl Column {
    pub(crate) fn text(title: &str, width: f32) -> Column {
        Column {
            title: title.to_string(),
            width,
            align: Align::Left,
            figure: false,
        }
    }

    pub(crate) fn figure(title: &str, width: f32) -> Column {
        Column {
            title: title.to_string(),
            width,
            align: Align::Right,
            figure: true,
        }
    }
}

pub(crate) struct Table {
    pub columns: Vec<Column>,
    pub size: f32,
    /// Printed above the repeated header on continuation pages, e.g. "Class A (continued)".
    pub continued: Option<String>,
}

/// One laid-out cell: its lines and the size they are set at.
struct CellLines {
    lines: Vec<String>,
    size: f32,
}

pub(crate) struct Pages<'f> {
    fonts: &'f Fonts,
    done: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Distance from the top edge of the page to the top of the next content, in pt.
    y: f32,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
    table: Option<Table>,
}

impl<'f> Pages<'f> {
    /// `bottom` is where content must end, leaving room for the footer below it.
    pub(crate) fn new(fonts: &'f Fonts, left: f32, right: f32, top: f32, bottom: f32) -> Self {
        Pages {
            fonts,
            done: Vec::new(),
            ops: Vec::new(),
            y: top,
            left,
            right,
            top,
            bottom,
            table: None,
        }
    }

    pub(crate) fn fonts(&self) -> &'f Fonts {
        self.fonts
    }

    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    pub(crate) fn set_y(&mut self, y: f32) {
        self.y = y;
    }

    pub(crate) fn gap(&mut self, dy: f32) {
        self.y += dy;
    }

    pub(crate) fn left(&self) -> f32 {
        self.left
    }

    pub(crate) fn width(&self) -> f32 {
        self.right - self.left
    }

    pub(crate) fn line_height(size: f32) -> f32 {
        size * LEADING
    }

    /// Starts a new page unless `height` still fits on this one.
    pub(crate) fn ensure(&mut self, height: f32) {
        if self.y + height > self.bottom && self.y > self.top {
            self.new_page();
        }
    }

    pub(crate) fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.ops));
        self.y = self.top;
        if let Some(table) = self.table.take() {
            if let Some(caption) = &table.continued {
                let size = table.size + 1.0;
                self.text(self.left, self.y, Face::Bold, size, caption);
                self.y += Self::line_height(size) + 2.0;
            }
            self.header(&table);
            self.table = Some(table);
        }
    }

    /// Text with its top at `top` (from the page's top edge); no wrapping.
    pub(crate) fn text(&mut self, x: f32, top: f32, face: Face, size: f32, text: &str) {
        let text = clean(text);
        if text.trim().is_empty() {
            return;
        }
        self.ops.push(Op::StartTextSection);
        self.ops.push(Op::SetFont {
            font: face.handle(),
            size: Pt(size),
        });
        self.ops.push(Op::SetTextCursor {
            pos: Point {
                x: Pt(x),
                y: Pt(PAGE_HEIGHT - top - size * ASCENT),
            },
        });
        self.ops.push(Op::ShowText {
            items: vec![TextItem::Text(text)],
        });
        self.ops.push(Op::EndTextSection);
    }

    /// Text aligned within the span (x, width).
    pub(crate) fn text_aligned(
        &mut self,
        (x, width): (f32, f32),
        top: f32,
        face: Face,
        size: f32,
        text: &str,
        align: Align,
    ) {
        let w = self.fonts.width(face, size, text);
        let x = match align {
            Align::Left => x,
            Align::Right => x + width - w,
            Align::Center => x + (width - w) / 2.0,
        };
        self.text(x, top, face, size, text);
    }

    /// Wrapped text at the cursor across the full width, breaking pages between lines.
    pub(crate) fn paragraph(&mut self, face: Face, size: f32, text: &str) {
        let (x, w) = (self.left, self.width());
        self.paragraph_in(x, w, face, size, text, Align::Left);
    }

    pub(crate) fn paragraph_in(
        &mut self,
        x: f32,
        width: f32,
        face: Face,
        size: f32,
        text: &str,
        align: Align,
    ) {
        let lh = Self::line_height(size);
        for line in self.fonts.wrap(face, size, &clean(text), width) {
            self.ensure(lh);
            self.text_aligned((x, width), self.y, face, size, &line, align);
            self.y += lh;
        }
    }

    pub(crate) fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, grey: f32) {
        self.ops.push(Op::SetOutlineColor {
            col: grey_color(grey),
        });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: Pt(x1),
                            y: Pt(PAGE_HEIGHT - y),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: Pt(x2),
                            y: Pt(PAGE_HEIGHT - y),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A filled rectangle given by its top-left corner; `grey` 0 is black, 1 white.
    pub(crate) fn fill(&mut self, x: f32, top: f32, width: f32, height: f32, grey: f32) {
        self.ops.push(Op::SetFillColor {
            col: grey_color(grey),
        });
        self.fill_rects(&[(x, top, width, height)]);
        self.ops.push(Op::SetFillColor {
            col: grey_color(0.0),
        });
    }

    /// Rectangles in the current fill colour, each as (x, top, width, height).
    pub(crate) fn fill_rects(&mut self, rects: &[(f32, f32, f32, f32)]) {
        for &(x, top, width, height) in rects {
            let mut rect =
                Rect::from_xywh(Pt(x), Pt(PAGE_HEIGHT - top - height), Pt(width), Pt(height));
            rect.mode = Some(PaintMode::Fill);
            self.ops.push(Op::DrawRectangle { rectangle: rect });
        }
    }

    /// Places an image XObject so that it fills the box exactly; callers keep the aspect.
    pub(crate) fn image(&mut self, id: XObjectId, x: f32, top: f32, width: f32, height: f32) {
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(PAGE_HEIGHT - top - height)),
                scale_x: Some(width),
                scale_y: Some(height),
                ..Default::default()
            },
        });
    }

    /// Places a Form XObject drawn in its own units, scaled by `scale`, with its
    /// bottom-left corner `height` points below `top`.
    pub(crate) fn form(&mut self, id: XObjectId, x: f32, top: f32, height: f32, scale: f32) {
        self.ops.push(Op::UseXobject {
            id,
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(PAGE_HEIGHT - top - height)),
                scale_x: Some(scale),
                scale_y: Some(scale),
                ..Default::default()
            },
        });
    }

    /// Starts a table at the cursor: its header now and on every page it continues on.
    /// Moves to a new page first if not even the header and one line fit.
    pub(crate) fn begin_table(&mut self, table: Table) {
        let need = self.header_height(&table) + Self::line_height(table.size) + 2.0 * CELL_PAD_Y;
        self.ensure(need);
        self.header(&table);
        self.table = Some(table);
    }

    pub(crate) fn end_table(&mut self) {
        self.table = None;
        self.y += 2.0;
    }

    fn header_height(&self, table: &Table) -> f32 {
        let cells = self.layout_cells(table, Face::Bold, &titles(table), true);
        row_height(table, &cells)
    }

    fn header(&mut self, table: &Table) {
        let cells = self.layout_cells(table, Face::Bold, &titles(table), true);
        let height = row_height(table, &cells);
        let width: f32 = table.columns.iter().map(|c| c.width).sum();
        self.fill(self.left, self.y, width, height, 0.88);
        self.draw_cells(table, Face::Bold, &cells, true);
        self.y += height;
        self.rule(self.left, self.left + width, self.y, 0.6, 0.3);
    }

    /// One row; `face` Bold makes a totals row with a rule above it.
    pub(crate) fn row(&mut self, cells: &[String], face: Face) {
        let Some(table) = self.table.take() else {
            return;
        };
        let mut laid = self.layout_cells(&table, face, cells, false);
        let mut height = row_height(&table, &laid);
        if self.y + height > self.bottom {
            self.table = Some(table);
            self.new_page();
            let Some(t) = self.table.take() else {
                return;
            };
            return self.row_on_fresh_page(t, cells, face);
        }
        // A row taller than a whole page cannot be kept together; cut it to what fits
        // rather than loop on page breaks.
        let room = self.bottom - self.y;
        if height > room {
            clip_cells(&table, &mut laid, room);
            height = row_height(&table, &laid);
        }
        self.draw_row(&table, face, &laid, height);
        self.table = Some(table);
    }

    fn row_on_fresh_page(&mut self, table: Table, cells: &[String], face: Face) {
        let mut laid = self.layout_cells(&table, face, cells, false);
        let room = self.bottom - self.y;
        if row_height(&table, &laid) > room {
            clip_cells(&table, &mut laid, room);
        }
        let height = row_height(&table, &laid);
        self.draw_row(&table, face, &laid, height);
        self.table = Some(table);
    }

    fn draw_row(&mut self, table: &Table, face: Face, laid: &[CellLines], height: f32) {
        let width: f32 = table.columns.iter().map(|c| c.width).sum();
        if face == Face::Bold {
            self.rule(self.left, self.left + width, self.y, 0.6, 0.3);
        }
        self.draw_cells(table, face, laid, false);
        self.y += height;
        self.rule(self.left, self.left + width, self.y, 0.3, 0.75);
    }

    fn layout_cells(
        &self,
        table: &Table,
        face: Face,
        cells: &[String],
        header: bool,
    ) -> Vec<CellLines> {
        table
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let text = clean(cells.get(i).map(String::as_str).unwrap_or(""));
                let inner = (col.width - 2.0 * CELL_PAD_X).max(1.0);
                if col.figure && !header {
                    let size = self.fonts.fit_size(face, table.size, &text, inner);
                    if self.fonts.width(face, size, &text) <= inner {
                        return CellLines {
                            lines: vec![text],
                            size,
                        };
                    }
                }
                CellLines {
                    lines: self.fonts.wrap(face, table.size, &text, inner),
                    size: table.size,
                }
            })
            .collect()
    }

    fn draw_cells(&mut self, table: &Table, face: Face, laid: &[CellLines], header: bool) {
        let mut x = self.left;
        let lh = Self::line_height(table.size);
        for (col, cell) in table.columns.iter().zip(laid) {
            let inner = col.width - 2.0 * CELL_PAD_X;
            let align = if header && col.align == Align::Right {
                Align::Right
            } else {
                col.align
            };
            // A shrunk figure sits on the baseline of its neighbours.
            let shift = (table.size - cell.size) * ASCENT;
            for (i, line) in cell.lines.iter().enumerate() {
                let top = self.y + CELL_PAD_Y + i as f32 * lh + shift;
                self.text_aligned((x + CELL_PAD_X, inner), top, face, cell.size, line, align);
            }
            x += col.width;
        }
    }

    /// Closes the last page and stamps every page's footer: `footer(page, pages)` gives
    /// the left and right texts.
    pub(crate) fn finish(
        mut self,
        footer: impl Fn(usize, usize) -> (String, String),
        size: f32,
    ) -> Vec<PdfPage> {
        self.done.push(std::mem::take(&mut self.ops));
        let total = self.done.len();
        let mut pages = Vec::with_capacity(total);
        let done = std::mem::take(&mut self.done);
        let top = self.bottom + 12.0;
        let width = self.width();
        for (i, ops) in done.into_iter().enumerate() {
            self.ops = ops;
            let (left, right) = footer(i + 1, total);
            self.rule(self.left, self.right, top - 3.0, 0.3, 0.6);
            let right_width = self.fonts.width(Face::Regular, size, &right);
            let left_room = (width - right_width - 12.0).max(0.0);
            let left = self.ellipsize(&left, size, left_room);
            self.text(self.left, top, Face::Regular, size, &left);
            self.text_aligned(
                (self.left, width),
                top,
                Face::Regular,
                size,
                &right,
                Align::Right,
            );
            pages.push(PdfPage::new(
                Mm(210.0),
                Mm(297.0),
                std::mem::take(&mut self.ops),
            ));
        }
        pages
    }

    fn ellipsize(&self, text: &str, size: f32, max: f32) -> String {
        if self.fonts.width(Face::Regular, size, text) <= max {
            return text.to_string();
        }
        let mut out = String::new();
        for ch in text.chars() {
            out.push(ch);
            if self.fonts.width(Face::Regular, size, &out) + size > max {
                out.pop();
                break;
            }
        }
        out.push('…');
        out
    }
}

fn titles(table: &Table) -> Vec<String> {
    table.columns.iter().map(|c| c.title.clone()).collect()
}

fn row_height(table: &Table, cells: &[CellLines]) -> f32 {
    let lines = cells
        .iter()
        .map(|c| c.lines.len())
        .max()
        .unwrap_or(1)
        .max(1);
    lines as f32 * Pages::line_height(table.size) + 2.0 * CELL_PAD_Y
}

/// Cuts every cell to the lines that fit in `room`, marking the cut with "…".
fn clip_cells(table: &Table, cells: &mut [CellLines], room: f32) {
    let lh = Pages::line_height(table.size);
    let max_lines = (((room - 2.0 * CELL_PAD_Y) / lh).floor() as usize).max(1);
    for cell in cells {
        if cell.lines.len() > max_lines {
            cell.lines.truncate(max_lines);
            if let Some(last) = cell.lines.last_mut() {
                last.pop();
                last.push('…');
            }
        }
    }
}

fn grey_color(level: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: level,
        icc_profile: None,
    })
}
