import { describe, expect, it } from 'vitest';
import { fileNameFromPattern, outputStem, PATTERN_MAX, reserveOutputNames } from './blur-schemas';

const nameOf = (pattern: string, name = 'photo') =>
  fileNameFromPattern(pattern, { name, date: '2026-01-02', style: 'blur' });

describe('fileNameFromPattern', () => {
  it('fills the tokens and refuses separators, unknown tokens and empty names', () => {
    expect(nameOf('{name}.blurred')).toBe('photo.blurred');
    expect(nameOf('{date}-{style}-{name}')).toBe('2026-01-02-blur-photo');
    for (const bad of ['a/b', '..\\x', '{nope}', '  ', '.', '..']) expect(nameOf(bad)).toBeNull();
    // Longer than blur.export takes: no name, so the page says so before an export is tried.
    expect(nameOf('x'.repeat(PATTERN_MAX))).toBe('x'.repeat(PATTERN_MAX));
    expect(nameOf('x'.repeat(PATTERN_MAX + 1))).toBeNull();
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

describe('reserveOutputNames', () => {
  it('numbers the photos that give the same name in input order, past the files already there', () => {
    // a/photo.jpg, b/photo.jpg, c/photo-1.jpg, d/Photo.jpg with --pattern {name}, into a folder
    // holding photo.jpg: whichever finishes first, each gets the name of its place in the list.
    expect(reserveOutputNames(['photo', 'photo', 'photo-1', 'Photo', 'other'], 'jpg', ['photo.jpg'])).toEqual(
      ['photo-1', 'photo-2', 'photo-1-1', 'Photo-3', 'other'],
    );
    // Another extension does not take the name; no usable name stays null, reserving nothing.
    expect(reserveOutputNames(['photo', null, 'photo'], 'png', ['photo.jpg'])).toEqual([
      'photo',
      null,
      'photo-1',
    ]);
  });

  it('gives the names an export would try, long ones cut to fit with their number', () => {
    const long = 'é'.repeat(200); // 400 bytes
    const [first, second] = reserveOutputNames([long, long], 'webp', []);
    expect(first).toBe(outputStem(long, 'webp', 0));
    expect(second).toBe(`${first}-1`);
    expect(new TextEncoder().encode(`${second}.webp`).length).toBeLessThanOrEqual(255);
  });
});
