#!/usr/bin/env node
// npm start: build the app and serve it on localhost, printing the URL.
import { spawnSync, spawn } from 'node:child_process';

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const port = process.env.PORT ?? '4173';
const children = [spawn('node', ['scripts/serve.js', '--port', port], { stdio: 'inherit' })];
const stop = () => {
  for (const c of children) c.kill();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
