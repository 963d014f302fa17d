import { EngineRuntime } from './src/main/core/engine/runtime';
const dir = process.argv[2]!;
const rt = await EngineRuntime.create(dir, 'wasm');
const h = (rt as any).human;
console.log('STATS', JSON.stringify(h.models.stats().modelStats.map((s: any) => [s.name, s.loaded])));
