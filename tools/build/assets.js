#!/usr/bin/env node
// Part of `npm run build`: tsc emits only .js, so the files the apps read beside their compiled
// code at run time are copied into dist here (the admin console's CSS and JS). The target is
// replaced, not merged, so a file removed from the source does not linger in dist.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
/** Source dirs, relative to the repository root; each lands at the same path under dist/. */
const ASSET_DIRS = ['apps/ca/src/admin/console/assets'];

for (const dir of ASSET_DIRS) {
  const target = path.join(root, 'dist', dir);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(root, dir), target, { recursive: true });
}
