import { rmSync } from 'node:fs';
import { assertDataDirFree } from './data-dir-lock.ts';
import { localSettings } from './local-settings.ts';

/** `npm run reset`: forget everything `npm start` kept (state, history, alerts, queued events). */
assertDataDirFree(localSettings.dataDir);
rmSync(localSettings.dataDir, { recursive: true, force: true });
console.log(`Removed ${localSettings.dataDir}: the next npm start begins empty.`);
