import type { Command } from '../../core/command.ts';

/** The /ops usage hint Slack shows while typing; manifest.yml carries it and a test keeps them equal. */
export function usageHint(commands: readonly Command[]): string {
  return `${commands
    .filter((c) => c.name !== 'help')
    .map((c) => c.name)
    .join(' | ')} | help`;
}
