// Summarises a V8 `.cpuprofile` (as written by `node --cpu-prof`): where the process spent its
// time, by function (self and inclusive) and by package, as text for bench/results/profile.md.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame lives: the npm package, the project file, or Node's internals. */
function where(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/((?:apps|libs)\/[^/]+)\//.exec(path);
  if (own) return own[1]!;
  // Node's own code, by subsystem: node:internal/crypto/keys → node:crypto, node:_http_server → node:http.
  const node = /^node:(?:internal\/)?_?([a-z0-9]+)/.exec(path);
  if (node) return `node:${node[1]}`;
  return path === '' ? '(vm)' : path;
}

function frameKey(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '');
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

const pct = (part: number, total: number) => `${((100 * part) / total).toFixed(1)}%`.padStart(6);

/** Top functions by self time, project functions by inclusive time, and time per package. */
export function summariseProfile(file: string, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    total += dt;
    const key = frameKey(node);
    self.set(key, (self.get(key) ?? 0) + dt);
    const pkg =
      where(node.callFrame.url) === '(vm)'
        ? node.callFrame.functionName
        : where(node.callFrame.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!;
      if (!/\/dist\/(apps|libs)\//.test(frame.callFrame.url)) continue;
      const k = frameKey(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const list = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${pct(v, total)}  ${(v / 1000).toFixed(0).padStart(6)} ms  ${k}`)
      .join('\n');
  return [
    `busy ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s (percentages are of busy time)`,
    'by package / project folder (self time):',
    list(packages, 12),
    'by function, self time:',
    list(self, top),
    'project functions, inclusive time:',
    list(inclusive, top),
  ].join('\n');
}
