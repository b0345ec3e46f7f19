/**
 * Preloaded into the subgraph processes by `npm run bench -- --profile-subgraphs` (node --require): SIGUSR2
 * starts V8's sampling profiler, the next SIGUSR2 stops it and writes the profile, so the profile covers the
 * measured load only (not start-up, seeding or the warm-up). Written to results/profile/subgraphs/<pid>.cpuprofile.
 */
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = join(__dirname, 'results', 'profile', 'subgraphs');
let session = null;

process.on('SIGUSR2', () => {
  if (!session) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 250 });
    session.post('Profiler.start');
    return;
  }
  const running = session;
  session = null;
  running.post('Profiler.stop', (err, result) => {
    if (!err) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    }
    running.disconnect();
  });
});
