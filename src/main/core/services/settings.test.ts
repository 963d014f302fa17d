import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blurDefaultsFrom, DEFAULT_BLUR } from '../../../shared/blur-schemas';
import { createCore } from '../core';
import type { CallResult } from '../dispatch';
import { createTestCore, sampleImage, tempDir } from '../test-support';

type View = {
  detection: { minScore: number; minFace: number };
  blur: { style: string; shape: string; scale: number; format: string; quality: number };
  builtIn: { detection: { minScore: number; minFace: number }; blur: Record<string, unknown> };
  thresholds: { match: number; possible: number };
};

function ok(r: CallResult): View {
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as View;
}

/** Settings need no inference: no models, so no engine worker starts. */
const core = (dir: string) =>
  createCore({ dataDir: dir, mediaUrl: (k) => k, engine: { modelsDir: join(dir, '..', 'no-models') } });

describe('detection and blur settings', () => {
  it('start at DEFAULT_BLUR, change field by field, go back with null, and survive a restart', async () => {
    const dir = join(tempDir(), 'data');
    let c = await core(dir);
    try {
      const fresh = ok(await c.call('settings.get', {}));
      expect(fresh.detection).toEqual({ minScore: DEFAULT_BLUR.thresh, minFace: DEFAULT_BLUR.minFace });
      expect(fresh.blur).toEqual({
        style: DEFAULT_BLUR.style,
        shape: DEFAULT_BLUR.shape,
        scale: DEFAULT_BLUR.scale,
        format: DEFAULT_BLUR.format,
        quality: DEFAULT_BLUR.quality,
      });
      expect(fresh.builtIn).toEqual({ detection: fresh.detection, blur: fresh.blur });

      const a = ok(
        await c.call('settings.update', { detection: { minScore: 0.55 }, blur: { style: 'pixelate' } }),
      );
      expect(a.detection.minScore).toBe(0.55);
      expect(a.blur).toEqual({ ...fresh.blur, style: 'pixelate' });
      const b = ok(await c.call('settings.update', { blur: { format: 'png', scale: 2 } }));
      expect(b.blur).toEqual({ ...fresh.blur, style: 'pixelate', format: 'png', scale: 2 });
      // Other settings are left alone.
      expect(b.thresholds).toEqual(fresh.thresholds);
      expect(b.detection.minScore).toBe(0.55);
      const d = ok(await c.call('settings.update', { detection: { minFace: 16 } }));
      expect(d.detection).toEqual({ minScore: 0.55, minFace: 16 });
    } finally {
      await c.close();
    }
    c = await core(dir);
    try {
      const again = ok(await c.call('settings.get', {}));
      expect(again.detection).toEqual({ minScore: 0.55, minFace: 16 });
      expect(again.blur).toMatchObject({ style: 'pixelate', format: 'png', scale: 2 });
      const reset = ok(await c.call('settings.update', { blur: null, detection: null }));
      expect(reset.blur).toEqual(reset.builtIn.blur);
      expect(reset.detection).toEqual(reset.builtIn.detection);
      // Stored as "built-in", so a later change of DEFAULT_BLUR reaches this user.
      const doc = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')) as Record<string, unknown>;
      expect(doc.blur).toBeNull();
      expect(doc.detection).toBeNull();
    } finally {
      await c.close();
    }
  });

  it('refuses values out of range or unknown, changing nothing', async () => {
    const dir = join(tempDir(), 'data');
    const c = await core(dir);
    try {
      const before = ok(await c.call('settings.get', {}));
      const bad = [
        { detection: { minScore: 1.5 } },
        { detection: { minScore: -0.1 } },
        { detection: { minFace: 4 } },
        { detection: { minFace: 16.5 } },
        { blur: { scale: 0.4 } },
        // Below the face box itself: part of a detected face would stay visible.
        { blur: { scale: 0.5 } },
        { blur: { scale: 0.99 } },
        { blur: { scale: 4.5 } },
        { blur: { quality: 0 } },
        { blur: { quality: 50.5 } },
        { blur: { style: 'swirl' } },
        { blur: { shape: 'star' } },
        { blur: { format: 'gif' } },
        { blur: { colour: 'red' } },
        { blur: { style: 'solid', quality: 101 } },
      ];
      for (const input of bad) {
        const r = await c.call('settings.update', input);
        expect(r.ok, JSON.stringify(input)).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('BAD_INPUT');
      }
      expect(ok(await c.call('settings.get', {}))).toEqual(before);
    } finally {
      await c.close();
    }
  });
});

describe('a blur scale under 1 saved by an older Vigil', () => {
  it('opens, raised to the face box itself', async () => {
    const dir = join(tempDir(), 'data');
    mkdirSync(dir, { recursive: true });
    const blur = { style: 'blur', shape: 'ellipse', scale: 0.5, format: 'png', quality: 90 };
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ version: 1, thresholds: null, detection: null, blur }),
    );
    const c = await core(dir);
    try {
      expect(ok(await c.call('settings.get', {})).blur).toEqual({ ...blur, scale: 1 });
    } finally {
      await c.close();
    }
    expect(blurDefaultsFrom({ blur: { scale: 0.5 } }).scale).toBe(DEFAULT_BLUR.scale);
  });
});

describe('blurDefaultsFrom', () => {
  it('reads the smallest face from Settings, and the built-in value where it is missing or invalid', () => {
    expect(blurDefaultsFrom({ detection: { minScore: 0.3, minFace: 16 } })).toMatchObject({
      thresh: 0.3,
      minFace: 16,
    });
    // Settings saved before the field existed, and a value out of range.
    expect(blurDefaultsFrom({ detection: { minScore: 0.3 } }).minFace).toBe(DEFAULT_BLUR.minFace);
    expect(blurDefaultsFrom({ detection: { minScore: 0.3, minFace: 3 } })).toMatchObject({
      thresh: 0.3,
      minFace: DEFAULT_BLUR.minFace,
    });
  });
});

describe('blur follows the stored defaults', () => {
  it('uses Settings for every option a job leaves out (what `vigil blur` without flags does)', async () => {
    const root = tempDir();
    const c = await createTestCore(join(root, 'data'));
    try {
      const out = join(root, 'out');
      const plain = await c.call('blur.export', { source: { path: sampleImage(1) }, outDir: out });
      if (!plain.ok) throw new Error(JSON.stringify(plain.error));
      const first = plain.value as { output: string; counts: { blurred: number } };
      expect(first.output).toMatch(/\.jpg$/);
      expect(first.counts.blurred).toBeGreaterThan(0);

      ok(await c.call('settings.update', { blur: { format: 'png' }, detection: { minScore: 1 } }));
      const r = await c.call('blur.export', { source: { path: sampleImage(1) }, outDir: out });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      const v = r.value as { output: string; counts: { blurred: number } };
      expect(v.output).toMatch(/\.png$/);
      // No detector score reaches 1: the threshold from Settings leaves every face alone.
      expect(v.counts.blurred).toBe(0);
      // A job's own value still wins.
      const own = await c.call('blur.export', {
        source: { path: sampleImage(1) },
        outDir: out,
        format: 'webp',
      });
      expect(own.ok && (own.value as { output: string }).output).toMatch(/\.webp$/);
    } finally {
      await c.close();
    }
  });
});
