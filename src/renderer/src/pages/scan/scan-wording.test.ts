import { describe, expect, it } from 'vitest';
import { translator } from '../../i18n/test-translator';
import { scanWording } from './scan-wording';

describe('scanWording', () => {
  it('names the subject looked for in the progress label, in English and Portuguese', async () => {
    const en = await translator('en');
    const pt = await translator('pt-BR');
    const obama = { name: 'Barack Obama' };
    expect(scanWording(en, 'verify', obama, 'Ctrl+O').progress).toBe('Looking for Barack Obama in photos');
    expect(scanWording(pt, 'verify', obama, 'Ctrl+O').progress).toBe('Procurando Barack Obama nas fotos');
    // A name is shown as typed, never HTML-escaped.
    expect(scanWording(en, 'verify', { name: 'Ana & "Bia"' }, 'Ctrl+O').progress).toBe(
      'Looking for Ana & "Bia" in photos',
    );
    // No subject picked (or one deleted meanwhile): the page's general words, not an empty name.
    expect(scanWording(en, 'verify', null, 'Ctrl+O').progress).toBe('Inspecting photos');
    expect(scanWording(pt, 'verify', null, 'Ctrl+O').progress).toBe('Analisando fotos');
  });

  it('words each mode in its own terms, and the empty page with the shortcut', async () => {
    const en = await translator('en');
    const pt = await translator('pt-BR');
    expect(scanWording(en, 'identify', null, 'Ctrl+O').progress).toBe('Identifying faces in photos');
    expect(scanWording(pt, 'identify', null, 'Ctrl+O').progress).toBe('Identificando rostos nas fotos');
    expect(scanWording(en, 'inspect', { name: 'Barack Obama' }, 'Ctrl+O').progress).toBe('Inspecting photos');
    const verify = scanWording(pt, 'verify', { name: 'Barack Obama' }, '⌘O');
    expect(verify.description).toMatch(/^Procure uma pessoa nas suas fotos\./);
    expect(verify.emptyBody).toContain('pressione ⌘O para escolher arquivos');
    expect(scanWording(en, 'inspect', null, 'Ctrl+O').emptyBody).toContain('or press Ctrl+O to choose files');
  });
});
