import { resolve } from 'node:path';
import { nagAcknowledgementsIn } from '../lib/cloud-assembly';

/**
 * Lists every cdk-nag acknowledgement in a synthesized assembly, grouped by rule and
 * reason: `npm run nag:acks` (after `npm run synth`), or `-- DIR` for another assembly.
 */
const dir = resolve(process.argv[2] ?? 'cdk.out');
const acks = nagAcknowledgementsIn(dir);
const groups = new Map<string, { rule: string; reason: string; paths: string[] }>();
for (const ack of acks) {
  const rule = ack.rule.replace(/^Annotation::/, '');
  const key = `${rule}\u0000${ack.reason}`;
  const group = groups.get(key) ?? { rule, reason: ack.reason, paths: [] };
  group.paths.push(ack.path);
  groups.set(key, group);
}
console.log(`${acks.length} cdk-nag acknowledgements (${groups.size} distinct rule + reason) in ${dir}\n`);
for (const group of [...groups.values()].sort((a, b) => a.rule.localeCompare(b.rule))) {
  console.log(`${group.rule}  ×${group.paths.length}\n  ${group.reason}`);
}
