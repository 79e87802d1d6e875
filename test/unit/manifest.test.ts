import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { usageHint } from '../../src/surfaces/slack/usage-hint.ts';

interface Manifest {
  features: { slash_commands: { command: string; usage_hint: string; should_escape: boolean }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean } };
}

const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('declares /ops with the usage hint generated from the commands', () => {
    const ops = manifest.features.slash_commands.find((c) => c.command === '/ops');
    expect(ops?.usage_hint).toBe(usageHint(commands));
    expect(ops?.should_escape).toBe(true);
  });

  it('asks for exactly the scopes the code uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'chat:write',
      'commands',
      'usergroups:read',
    ]);
  });

  it('enables Socket Mode and interactivity', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
