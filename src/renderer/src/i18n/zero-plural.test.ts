import { describe, expect, it } from 'vitest';
import { translator } from './test-translator';
import { zeroAsPlural } from './zero-plural';

describe('zeroAsPlural', () => {
  it('gives every plural a zero form, at any depth, keeping one written by hand', () => {
    expect(
      zeroAsPlural({
        a: { n_one: '{{count}} rosto', n_other: '{{count}} rostos' },
        m_other: 'x',
        m_zero: 'nada',
      }),
    ).toEqual({
      a: { n_one: '{{count}} rosto', n_other: '{{count}} rostos', n_zero: '{{count}} rostos' },
      m_other: 'x',
      m_zero: 'nada',
    });
  });

  it('says "0 rostos" in Portuguese, where CLDR would pick the singular', async () => {
    const pt = await translator('pt-BR');
    expect(pt('history.summaries.inspect', { count: 0 })).toBe('0 rostos');
    expect(pt('history.summaries.inspect', { count: 1 })).toBe('1 rosto');
    expect(pt('history.summaries.inspect', { count: 2 })).toBe('2 rostos');
  });
});
