import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitQuietlyOnClosedPipe } from './output';

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
