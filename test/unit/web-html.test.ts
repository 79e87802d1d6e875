import { describe, expect, it } from 'vitest';
import { html, safeHref } from '../../src/surfaces/web/html.ts';

describe('the web page’s HTML template', () => {
  it('escapes every interpolated value, in text and in attributes, and keeps fragments as built', () => {
    const reason = `<script>alert('x')</script> & "quoted"`;
    const cell = html`<td title="${reason}">${reason}</td>`;
    expect(cell.value).toBe(
      '<td title="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;">' +
        '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;</td>',
    );
    // prettier-ignore
    const row = html`<tr>${[cell, '<b>', null, undefined, false, 3]}</tr>`;
    expect(row.value).toBe(`<tr>${cell.value}&lt;b&gt;3</tr>`);
  });

  it('links only http(s) URLs', () => {
    expect(safeHref('https://github.com/acme/api/actions/runs/1')).toBe(
      'https://github.com/acme/api/actions/runs/1',
    );
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<script>')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
    expect(safeHref(null)).toBeNull();
  });
});
