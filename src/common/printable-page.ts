import escapeHtml from 'escape-html';

/** Any value as HTML text: client text is data, never markup. */
export const text = (value: unknown): string => escapeHtml(value === null || value === undefined ? '—' : String(value));

/** A table of `rows` (each cell escaped), or `none` when there are none. */
export function table<T>(none: string, columns: [string, (row: T) => unknown][], rows: T[], rowClass?: (row: T) => string): string {
  if (rows.length === 0) return `<p class="none">${text(none)}</p>`;
  const head = columns.map(([name]) => `<th>${text(name)}</th>`).join('');
  const body = rows
    .map((row) => `<tr${rowClass?.(row) ? ` class="${rowClass(row)}"` : ''}>${columns.map(([, value]) => `<td>${text(value(row))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A page to print on A4, titled `title`, around `body` (already HTML). */
export function printablePage(lang: 'zh' | 'en', title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<title>${text(title)}</title>
<style>
  @page { size: A4; margin: 1.5cm; }
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em auto; max-width: 60em; color: #111; line-height: 1.5; }
  h1 { font-size: 1.5em; text-align: center; } h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid #999; } h3 { font-size: 1em; }
  table { border-collapse: collapse; width: 100%; font-size: .85em; margin: .5em 0 1em; page-break-inside: auto; }
  th, td { border: 1px solid #999; padding: .25em .5em; text-align: left; vertical-align: top; } th { background: #eef2f8; }
  tr { page-break-inside: avoid; } .alert td { background: #fde2e2; } .meta { color: #555; font-size: .85em; text-align: center; }
  .summary { font-size: 1.05em; } figure { margin: .5em 0; } .none { color: #555; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
