import { render } from '@testing-library/react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from './ansi';
import { AnsiText } from './AnsiText';

const ESC = '\x1b';

describe('parseAnsi', () => {
  it('maps SGR colours and attributes to classes and resets them', () => {
    expect(parseAnsi(`${ESC}[31merror${ESC}[0m done`)).toEqual([
      { text: 'error', className: 'ansi-fg-red' },
      { text: ' done', className: '' },
    ]);
    expect(parseAnsi(`${ESC}[1;32mok${ESC}[22m plain-green${ESC}[39m`)).toEqual([
      { text: 'ok', className: 'ansi-fg-green ansi-bold' },
      { text: ' plain-green', className: 'ansi-fg-green' },
    ]);
    expect(parseAnsi(`${ESC}[93;44mx`)).toEqual([{ text: 'x', className: 'ansi-fg-bright-yellow ansi-bg-blue' }]);
    // An empty SGR is a reset too.
    expect(parseAnsi(`${ESC}[4mu${ESC}[mv`)).toEqual([
      { text: 'u', className: 'ansi-underline' },
      { text: 'v', className: '' },
    ]);
  });

  it('maps 256-colour and truecolor codes onto the nearest of the 16 classes', () => {
    expect(parseAnsi(`${ESC}[38;5;196mred`)).toEqual([{ text: 'red', className: 'ansi-fg-bright-red' }]);
    expect(parseAnsi(`${ESC}[38;5;2mgreen`)).toEqual([{ text: 'green', className: 'ansi-fg-green' }]);
    expect(parseAnsi(`${ESC}[38;2;0;0;240mblue`)).toEqual([{ text: 'blue', className: 'ansi-fg-blue' }]);
    expect(parseAnsi(`${ESC}[48;5;232mdark`)).toEqual([{ text: 'dark', className: 'ansi-bg-black' }]);
    // Parameters after an extended colour still apply.
    expect(parseAnsi(`${ESC}[38;5;1;1mx`)).toEqual([{ text: 'x', className: 'ansi-fg-red ansi-bold' }]);
  });

  it('drops cursor movement, erase and other non-SGR sequences and control characters', () => {
    expect(stripAnsi(`${ESC}[2K${ESC}[1Gnpm${ESC}[?25l ok${ESC}(B\x07\x00`)).toBe('npm ok');
    expect(stripAnsi(`tab\tkept`)).toBe('tab\tkept');
  });

  it('keeps the text after a carriage return (progress bars)', () => {
    expect(stripAnsi('10%\r50%\r100%')).toBe('100%');
    expect(stripAnsi('done\r')).toBe('done');
  });

  it('stripAnsi agrees with the segments parseAnsi produces', () => {
    const samples = [
      `${ESC}[1;31mERR!${ESC}[0m code ${ESC}[38;5;12mE404${ESC}[m`,
      `${ESC}]8;;https://x.test${ESC}\\link${ESC}]8;;${ESC}\\ tail`,
      `a${ESC}[2Kb${ESC}(Bc\x00d${ESC}`,
      `50%\r100%`,
      'plain text',
    ];
    for (const s of samples)
      expect(stripAnsi(s)).toBe(
        parseAnsi(s)
          .map((x) => x.text)
          .join(''),
      );
  });

  it('drops OSC 8 hyperlink wrappers but keeps their visible text', () => {
    const osc8 = `${ESC}]8;;https://evil.example/${ESC}\\click me${ESC}]8;;${ESC}\\`;
    expect(parseAnsi(osc8)).toEqual([{ text: 'click me', className: '' }]);
    expect(stripAnsi(`${ESC}]0;window title\x07after`)).toBe('after');
  });
});

describe('<AnsiText>', () => {
  it('renders markup in a log line as text, never as elements', () => {
    const text = `${ESC}[31m<script>alert(1)</script>${ESC}[0m <img src=x onerror=alert(2)> & "q"`;
    const html = renderToStaticMarkup(<AnsiText text={text} />);
    expect(html).toBe(
      '<span class="ansi-fg-red">&lt;script&gt;alert(1)&lt;/script&gt;</span> &lt;img src=x onerror=alert(2)&gt; &amp; &quot;q&quot;',
    );
    const { container } = render(
      <div>
        <AnsiText text={text} />
      </div>,
    );
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('<script>alert(1)</script> <img src=x onerror=alert(2)> & "q"');
  });

  it('leaves URLs inert: no links, even from OSC 8 hyperlinks', () => {
    const text = `see https://example.com/path?a=1 and ${ESC}]8;;javascript:alert(1)${ESC}\\here${ESC}]8;;${ESC}\\`;
    const { container } = render(
      <div>
        <AnsiText text={text} />
      </div>,
    );
    expect(container.querySelector('a')).toBeNull();
    expect(container.innerHTML).not.toContain('href');
    expect(container.innerHTML).not.toContain('javascript:');
    expect(container.textContent).toBe('see https://example.com/path?a=1 and here');
  });

  it('only ever emits span and mark elements with ansi-* classes', () => {
    const html = renderToStaticMarkup(<AnsiText text={`${ESC}[1;31;42mA${ESC}[0mB`} query="ab" />);
    expect(html).toBe('<mark class="ansi-fg-red ansi-bg-green ansi-bold">A</mark><mark>B</mark>');
    for (const m of html.matchAll(/<(\w+)([^>]*)>/g)) {
      expect(['span', 'mark']).toContain(m[1]);
      expect(m[2]).toMatch(/^( class="[a-z -]+")?$/);
    }
  });
});
