// Injected by the build (vite define) and read from package.json under tsx/vitest.
import pkg from '../../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;
