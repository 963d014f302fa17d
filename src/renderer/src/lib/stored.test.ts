import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readStored, writeStored, type StorageArea } from './stored';

function memory(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  const area: StorageArea = () => ({
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
  });
  return { area, items };
}

const blocked: StorageArea = () => {
  throw new DOMException('The operation is insecure.', 'SecurityError');
};

const mode = z.enum(['inspect', 'identify']);
const options = z.object({ model: z.string().nullable().catch(null), faces: z.boolean().catch(true) });

describe('stored UI choices', () => {
  it('reads back what was written, as JSON', () => {
    const { area, items } = memory();
    writeStored(area, 'k', { model: 'm', faces: false });
    expect(items.get('k')).toBe('{"model":"m","faces":false}');
    expect(readStored(area, 'k', options, { model: null, faces: true })).toEqual({
      model: 'm',
      faces: false,
    });
  });

  it('reads a plain string stored by an earlier version as itself', () => {
    expect(readStored(memory({ k: 'identify' }).area, 'k', mode, 'inspect')).toBe('identify');
    expect(readStored(memory({ k: '"identify"' }).area, 'k', mode, 'inspect')).toBe('identify');
  });

  it('falls back when nothing, something else or something broken is stored', () => {
    expect(readStored(memory().area, 'k', mode, 'inspect')).toBe('inspect');
    expect(readStored(memory({ k: 'admin' }).area, 'k', mode, 'inspect')).toBe('inspect');
    expect(readStored(memory({ k: '{"model":' }).area, 'k', options, { model: null, faces: true })).toEqual({
      model: null,
      faces: true,
    });
    expect(readStored(memory({ k: 'null' }).area, 'k', options, { model: null, faces: true })).toEqual({
      model: null,
      faces: true,
    });
  });

  it('keeps the readable fields of an object when one field is not', () => {
    const { area } = memory({ k: '{"model":"coco","faces":"yes","extra":1}' });
    expect(readStored(area, 'k', options, { model: null, faces: true })).toEqual({
      model: 'coco',
      faces: true,
    });
  });

  it('works with storage blocked: reads the fallback, writes nothing, throws nothing', () => {
    expect(readStored(blocked, 'k', mode, 'inspect')).toBe('inspect');
    expect(() => writeStored(blocked, 'k', 'identify')).not.toThrow();
    const full: StorageArea = () => ({
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
    });
    expect(() => writeStored(full, 'k', 'identify')).not.toThrow();
  });
});
