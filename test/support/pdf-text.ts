import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

// pdf.js reads the metrics of the standard fonts (Helvetica, ...) from its own package.
const standardFontDataUrl = `${join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts')}/`;

/** A PDF as a reader sees it: its pages' text, parsed by pdf.js (so a broken file fails here). */
export async function pdfText(pdf: Uint8Array): Promise<{ pages: number; text: string[]; title: string | undefined }> {
  const task = getDocument({ data: new Uint8Array(pdf), standardFontDataUrl });
  try {
    const document = await task.promise;
    const text: string[] = [];
    for (let n = 1; n <= document.numPages; n++) {
      const content = await (await document.getPage(n)).getTextContent();
      text.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
    }
    const { info } = (await document.getMetadata()) as { info: { Title?: string } };
    return { pages: document.numPages, text, title: info.Title };
  } finally {
    await task.destroy();
  }
}
