/**
 * The chart as a PDF a person reads. pdfkit lays out flowing text (wrapping, page breaks) with the
 * standard PDF fonts, so nothing is loaded from disk or the network; pdf-lib draws only at coordinates
 * (docs/api-reads.md#audit-packet).
 */
import PDFDocument from 'pdfkit';
import type { Chart } from './chart';

export interface ChartPdfOptions {
  /** When the packet was made; printed on the first page and in the document's info. */
  readonly generatedAt: Date;
}

export const chartPdf = (chart: Chart, options: ChartPdfOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'LETTER',
      margin: 54,
      info: { Title: `Chart of episode ${chart.episodeId}`, Creator: 'Careflow', CreationDate: options.generatedAt },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    doc.font('Helvetica-Bold').fontSize(16).text('Clinical massage therapy: episode chart');
    doc.font('Helvetica').fontSize(9).text(`Episode ${chart.episodeId} · generated ${options.generatedAt.toISOString()}`);
    for (const section of chart.sections) {
      doc.moveDown(1).font('Helvetica-Bold').fontSize(13).text(section.title);
      if (section.entries.length === 0) doc.font('Helvetica-Oblique').fontSize(9).text('Nothing recorded.');
      for (const entry of section.entries) {
        doc.moveDown(0.4).font('Helvetica-Bold').fontSize(10).text(entry.heading);
        doc.font('Helvetica').fontSize(9);
        for (const line of entry.lines) doc.text(line, { indent: 12 });
      }
    }
    doc.end();
  });
