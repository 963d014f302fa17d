import { describe, expect, it } from 'vitest';
import { fileNameFromPattern } from './blur-schemas';

const nameOf = (pattern: string, name = 'photo') =>
  fileNameFromPattern(pattern, { name, date: '2026-01-02', style: 'blur' });

describe('fileNameFromPattern', () => {
  it('fills the tokens and refuses separators, unknown tokens and empty names', () => {
    expect(nameOf('{name}.blurred')).toBe('photo.blurred');
    expect(nameOf('{date}-{style}-{name}')).toBe('2026-01-02-blur-photo');
    for (const bad of ['a/b', '..\\x', '{nope}', '  ', '.', '..']) expect(nameOf(bad)).toBeNull();
  });

  it('never names a hidden file', () => {
    expect(nameOf('.{name}')).toBe('photo');
    expect(nameOf('{name}.blurred', '.jpg')).toBe('jpg.blurred');
    expect(nameOf('..{name}', ' . x')).toBe('x');
    expect(nameOf('...')).toBeNull();
  });

  it('drops bidi controls and replaces other control characters', () => {
    expect(nameOf('{name}.blurred', '\u202Egpj.exe')).toBe('gpj.exe.blurred');
    expect(nameOf('{name}', 'a\u2066b\u2069c\u200e\u200fd\u202a\u202ce\u061c')).toBe('abcde');
    expect(nameOf('{name}', 'a\u0007b\u007fc\u009bd')).toBe('a_b_c_d');
  });

  it('suffixes the stems Windows reserves, in any case, before the first dot', () => {
    expect(nameOf('{name}.blurred', 'CON')).toBe('CON_.blurred');
    expect(nameOf('{name}', 'nul')).toBe('nul_');
    expect(nameOf('{name}.x', 'Com7')).toBe('Com7_.x');
    expect(nameOf('{name}', 'lpt9.tar')).toBe('lpt9_.tar');
    expect(nameOf('{name}', 'aux')).toBe('aux_');
    expect(nameOf('{name}', 'prn')).toBe('prn_');
    // Only the whole stem: these are ordinary names.
    for (const fine of ['console', 'com10', 'lpt0', 'nulls', 'my-con'])
      expect(nameOf('{name}', fine)).toBe(fine);
  });
});
