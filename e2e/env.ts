export const E2E_PORT = Number(process.env.E2E_PORT) || 7461;
export const E2E_TOKEN = 'e2e-token-not-secret-0123456789';
export const SAMPLES = 'node_modules/@vladmandic/face-api/demo';
