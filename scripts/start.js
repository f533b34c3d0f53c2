#!/usr/bin/env node
// npm start: build the app, serve it on localhost and start the reference relay beside it in
// outbox mode, so the app sends out of the box with no setting typed. The relay's address and
// token are written to build/relay.json, which the served app reads to preconfigure itself.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const port = process.env.PORT ?? '4173';
const relayPort = process.env.RELAY_PORT ?? '8787';
const dataDir = resolve(process.env.RELAY_DATA_DIR ?? '.relay-data');
const outboxDir = resolve(process.env.RELAY_OUTBOX_DIR ?? 'outbox');

// A local token kept in the data folder: the app stores it once and it stays valid across starts.
function localToken() {
  if (process.env.RELAY_TOKEN) return process.env.RELAY_TOKEN;
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'local-token');
  if (!existsSync(file))
    writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
const token = localToken();
const relayUrl = `http://127.0.0.1:${relayPort}`;
writeFileSync('build/relay.json', JSON.stringify({ url: relayUrl, token }, null, 2) + '\n');

const appOrigins = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
const relayEnv = {
  ...process.env,
  RELAY_PORT: relayPort,
  RELAY_TOKEN: token,
  RELAY_DATA_DIR: dataDir,
  RELAY_OUTBOX_DIR: outboxDir,
  RELAY_ALLOWED_ORIGINS: process.env.RELAY_ALLOWED_ORIGINS ?? appOrigins.join(',')
};
const children = [
  spawn('node', ['scripts/serve.js', '--port', port], { stdio: 'inherit' }),
  spawn('node', ['--import', 'tsx', 'relay/main.ts'], { stdio: 'inherit', env: relayEnv })
];
console.log('');
console.log(`App:    http://localhost:${port}/`);
console.log(`Relay:  ${relayUrl} (${process.env.SMTP_URL ? 'SMTP mode' : 'outbox mode'})`);
console.log(`Outbox: ${outboxDir}`);
console.log('The app is preconfigured for this relay (build/relay.json).');
console.log('');
for (const c of children)
  c.on('exit', (code) => {
    if (code) {
      console.error(`A part of npm start stopped (exit ${code}); stopping the rest.`);
      stop(code);
    }
  });
function stop(code = 0) {
  for (const c of children) c.kill();
  process.exit(code);
}
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());
