import { describe, expect, it } from 'vitest';
import { differsFrom, stillScanning, targetForNew } from './scan-target';

describe('differsFrom', () => {
  it('tells a photo scanned in another mode', () => {
    expect(differsFrom({ mode: 'inspect', subjectId: null }, { mode: 'identify', subjectId: null })).toBe(
      'mode',
    );
    expect(differsFrom({ mode: 'identify', subjectId: null }, { mode: 'verify', subjectId: 'a' })).toBe(
      'mode',
    );
    expect(differsFrom({ mode: 'verify', subjectId: 'a' }, { mode: 'inspect', subjectId: null })).toBe(
      'mode',
    );
  });

  it('tells a photo checked against another subject, in verify mode only', () => {
    expect(differsFrom({ mode: 'verify', subjectId: 'a' }, { mode: 'verify', subjectId: 'b' })).toBe(
      'subject',
    );
    expect(differsFrom({ mode: 'verify', subjectId: 'a' }, { mode: 'verify', subjectId: 'a' })).toBeNull();
    expect(
      differsFrom({ mode: 'identify', subjectId: null }, { mode: 'identify', subjectId: null }),
    ).toBeNull();
  });

  it('offers nothing to check again while no subject is picked', () => {
    expect(differsFrom({ mode: 'verify', subjectId: 'a' }, { mode: 'verify', subjectId: null })).toBeNull();
  });
});

describe('targetForNew', () => {
  it('asks new photos the current question; verify needs a subject', () => {
    expect(targetForNew('inspect', 'a')).toEqual({ mode: 'inspect', subjectId: null });
    expect(targetForNew('identify', null)).toEqual({ mode: 'identify', subjectId: null });
    expect(targetForNew('verify', 'a')).toEqual({ mode: 'verify', subjectId: 'a' });
    expect(targetForNew('verify', null)).toBeNull();
  });
});

describe('stillScanning', () => {
  it('is true while a photo waits or is in flight, not once every photo is answered', () => {
    expect(stillScanning([{ status: 'done' }, { status: 'queued' }])).toBe(true);
    expect(stillScanning([{ status: 'error' }, { status: 'inspecting' }])).toBe(true);
    expect(stillScanning([{ status: 'done' }, { status: 'error' }])).toBe(false);
    expect(stillScanning([])).toBe(false);
  });
});
