import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitQuietlyOnClosedPipe, printable } from './output';

const errno = (code: string) => Object.assign(new Error(`write ${code}`), { code });

describe('exitQuietlyOnClosedPipe', () => {
  it('exits 0 when the reader of stdout goes away, and ignores the same on stderr', () => {
    const stdout = new EventEmitter();
    const stderr = new EventEmitter();
    const exits: number[] = [];
    exitQuietlyOnClosedPipe(stdout, stderr, (code) => exits.push(code));
    // With no listener, emitting 'error' throws: that was the crash.
    expect(() => stderr.emit('error', errno('EPIPE'))).not.toThrow();
    expect(exits).toEqual([]);
    expect(() => stdout.emit('error', errno('EPIPE'))).not.toThrow();
    expect(exits).toEqual([0]);
  });

  it('leaves any other write error loud', () => {
    const stdout = new EventEmitter();
    const stderr = new EventEmitter();
    const exits: number[] = [];
    exitQuietlyOnClosedPipe(stdout, stderr, (code) => exits.push(code));
    expect(() => stdout.emit('error', errno('ENOSPC'))).toThrow('write ENOSPC');
    expect(() => stderr.emit('error', errno('EIO'))).toThrow('write EIO');
    expect(exits).toEqual([]);
  });
});

describe('printable', () => {
  it('shows control characters as escapes, keeping line breaks and tabs', () => {
    expect(printable('a\u001b]0;pwned\u0007\u001b[2Jb\n\tc\u009b')).toBe(
      'a\\x1b]0;pwned\\x07\\x1b[2Jb\n\tc\\x9b',
    );
  });
});
