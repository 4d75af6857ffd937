import PDFDocument from 'pdfkit';

/**
 * The house style of every report: A4, Helvetica, a header with the school's name and
 * the report's title on each page, tables that continue on the next page with their
 * header row, and simple vector charts. Everything is drawn with pdfkit's own standard
 * fonts, so rendering needs no font files.
 */
export const page = { width: 595.28, height: 841.89, margin: 48 } as const;
const ink = '#1f2933';
const muted = '#616e7c';
const rule = '#cbd2d9';
const accent = '#2f6fbf';

export type Pdf = PDFKit.PDFDocument;

export interface ReportFrame {
  readonly school: string;
  readonly title: string;
  /** A line under the title: the term, the date, the student. */
  readonly subtitle?: string;
}

/** A new document with the school's header on every page. */
export function startDocument(frame: ReportFrame, author = 'Campus Cloud'): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    margin: page.margin,
    bufferPages: true,
    info: { Title: `${frame.title} — ${frame.school}`, Author: author, Creator: 'Campus Cloud' },
  });
  doc.on('pageAdded', () => header(doc, frame));
  header(doc, frame);
  return doc;
}

function header(doc: Pdf, frame: ReportFrame): void {
  doc.font('Helvetica').fontSize(9).fillColor(muted).text(frame.school, page.margin, 24, { lineBreak: false });
  doc.font('Helvetica-Bold').fontSize(16).fillColor(ink).text(frame.title, page.margin, page.margin);
  if (frame.subtitle) doc.font('Helvetica').fontSize(10).fillColor(muted).text(frame.subtitle);
  doc.moveDown(0.8).fillColor(ink);
}

/** Starts a new page with the header (for a report with one page per student). */
export function newPage(doc: Pdf): void {
  doc.addPage();
}

export function heading(doc: Pdf, text: string): void {
  ensureRoom(doc, 60);
  doc.moveDown(0.6).font('Helvetica-Bold').fontSize(12).fillColor(ink).text(text, page.margin);
  doc.moveDown(0.3).font('Helvetica').fontSize(10);
}

export function paragraph(doc: Pdf, text: string, options: { muted?: boolean } = {}): void {
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(options.muted ? muted : ink)
    .text(text, page.margin, doc.y, { width: page.width - 2 * page.margin });
  doc.fillColor(ink);
}

/** Key figures side by side: a big number over a small label. */
export function figures(doc: Pdf, items: readonly { label: string; value: string }[]): void {
  ensureRoom(doc, 50);
  const width = (page.width - 2 * page.margin) / items.length;
  const top = doc.y;
  items.forEach((item, i) => {
    const x = page.margin + i * width;
    doc
      .font('Helvetica-Bold')
      .fontSize(18)
      .fillColor(accent)
      .text(item.value, x, top, { width: width - 8 });
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(muted)
      .text(item.label, x, top + 22, { width: width - 8 });
  });
  doc.fillColor(ink).text('', page.margin, top + 44);
}

function ensureRoom(doc: Pdf, height: number): void {
  if (doc.y + height > page.height - page.margin) doc.addPage();
}

export interface Column {
  readonly label: string;
  /** Share of the table's width. */
  readonly width: number;
  readonly align?: 'left' | 'right';
}

/** A table whose rows continue on the next page, repeating the header row there. */
export function table(doc: Pdf, columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  const total = page.width - 2 * page.margin;
  const widths = columns.map((c) => (c.width / columns.reduce((sum, col) => sum + col.width, 0)) * total);
  const drawRow = (cells: readonly string[], bold: boolean) => {
    const heights = cells.map((cell, i) =>
      doc
        .font(bold ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(9)
        .heightOfString(cell, { width: widths[i]! - 6 }),
    );
    const height = Math.max(12, ...heights) + 6;
    if (doc.y + height > page.height - page.margin) {
      doc.addPage();
      if (!bold)
        drawRow(
          columns.map((c) => c.label),
          true,
        );
    }
    const top = doc.y;
    let x = page.margin;
    cells.forEach((cell, i) => {
      doc
        .font(bold ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(9)
        .fillColor(ink)
        .text(cell, x + 3, top + 3, { width: widths[i]! - 6, align: columns[i]!.align ?? 'left' });
      x += widths[i]!;
    });
    doc
      .moveTo(page.margin, top + height)
      .lineTo(page.margin + total, top + height)
      .lineWidth(bold ? 0.8 : 0.3)
      .strokeColor(rule)
      .stroke();
    doc.text('', page.margin, top + height);
  };
  drawRow(
    columns.map((c) => c.label),
    true,
  );
  for (const row of rows) drawRow(row, false);
  doc.moveDown(0.5);
}

const chartHeight = 150;

function chartFrame(doc: Pdf, title: string) {
  ensureRoom(doc, chartHeight + 50);
  doc.font('Helvetica-Bold').fontSize(10).fillColor(ink).text(title, page.margin);
  const top = doc.y + 6;
  const left = page.margin + 30;
  const width = page.width - 2 * page.margin - 40;
  return { top, left, width, bottom: top + chartHeight };
}

function valueAxis(doc: Pdf, frame: ReturnType<typeof chartFrame>, max: number, format: (v: number) => string) {
  for (let i = 0; i <= 4; i++) {
    const y = frame.bottom - (i / 4) * chartHeight;
    doc
      .moveTo(frame.left, y)
      .lineTo(frame.left + frame.width, y)
      .lineWidth(0.3)
      .strokeColor(rule)
      .stroke();
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor(muted)
      .text(format((max * i) / 4), page.margin - 4, y - 4, { width: 30, align: 'right' });
  }
}

/** Vertical bars with their labels under them and values over them. */
export function barChart(
  doc: Pdf,
  title: string,
  bars: readonly { label: string; value: number }[],
  format: (v: number) => string = (v) => String(Math.round(v)),
): void {
  const frame = chartFrame(doc, title);
  const max = Math.max(1, ...bars.map((b) => b.value));
  valueAxis(doc, frame, max, format);
  const slot = frame.width / Math.max(bars.length, 1);
  const barWidth = Math.min(slot * 0.7, 60);
  bars.forEach((bar, i) => {
    const height = (bar.value / max) * chartHeight;
    const x = frame.left + i * slot + (slot - barWidth) / 2;
    doc
      .rect(x, frame.bottom - height, barWidth, height)
      .fillColor(accent)
      .fill();
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor(ink)
      .text(format(bar.value), x - 10, frame.bottom - height - 10, { width: barWidth + 20, align: 'center' })
      .text(bar.label, frame.left + i * slot, frame.bottom + 4, { width: slot, align: 'center' });
  });
  doc.fillColor(ink).text('', page.margin, frame.bottom + 22);
}

/** A line through points in order, on a 0–max axis, with the first and last labels under it. */
export function lineChart(
  doc: Pdf,
  title: string,
  points: readonly { label: string; value: number }[],
  options: { max: number; format: (v: number) => string },
): void {
  const frame = chartFrame(doc, title);
  valueAxis(doc, frame, options.max, options.format);
  if (points.length > 0) {
    const step = frame.width / Math.max(points.length - 1, 1);
    const at = (i: number) => ({
      x: frame.left + i * step,
      y: frame.bottom - (Math.min(points[i]!.value, options.max) / options.max) * chartHeight,
    });
    doc.moveTo(at(0).x, at(0).y);
    for (let i = 1; i < points.length; i++) doc.lineTo(at(i).x, at(i).y);
    doc.lineWidth(1.5).strokeColor(accent).stroke();
    for (let i = 0; i < points.length; i++) doc.circle(at(i).x, at(i).y, 1.8).fillColor(accent).fill();
    doc.font('Helvetica').fontSize(7).fillColor(muted);
    doc.text(points[0]!.label, frame.left - 20, frame.bottom + 4, { width: 60 });
    if (points.length > 1) {
      doc.text(points.at(-1)!.label, frame.left + frame.width - 40, frame.bottom + 4, { width: 60, align: 'right' });
    }
  }
  doc.fillColor(ink).text('', page.margin, frame.bottom + 22);
}

/** Page numbers on every page, then the whole file. */
export async function finishDocument(doc: Pdf): Promise<{ pdf: Buffer; pages: number }> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Text in the bottom margin would otherwise start a new page.
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(muted)
      .text(`Page ${i + 1} of ${range.count}`, page.margin, page.height - 32, {
        width: page.width - 2 * page.margin,
        align: 'right',
        lineBreak: false,
      });
  }
  doc.end();
  await ended;
  return { pdf: Buffer.concat(chunks), pages: range.count };
}
