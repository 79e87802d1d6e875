import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { DeckhandError } from '../src/core/errors.ts';
import { reply } from '../src/core/message.ts';
import { closest } from '../src/core/suggest.ts';

export const help = defineCommand({
  name: 'help',
  aliases: ['?'],
  summary: 'List the commands, or explain one',
  usage: 'help [command]',
  examples: ['help', 'help lock'],
  grammar: { slots: [{ name: 'topic', kind: 'word' }] },
  args: z.object({ topic: z.string().optional() }),
  run(ctx, args) {
    const { commands } = ctx;
    if (args.topic === undefined) {
      return Promise.resolve(
        reply('info', 'Deckhand commands', {
          table: {
            columns: ['Command', 'What it does'],
            rows: commands.map((c) => [`/ops ${c.usage}`, c.summary]),
          },
          footer: 'Type /ops help <command> for examples.',
        }),
      );
    }
    const topic = args.topic.toLowerCase();
    const command = commands.find((c) => c.name === topic || c.aliases.includes(topic));
    if (command === undefined) {
      const near = closest(
        topic,
        commands.map((c) => c.name),
      );
      const hint = near.length > 0 ? ` Did you mean ${near.join(' or ')}?` : '';
      throw new DeckhandError(
        'unknown_command',
        `There is no command "${args.topic}".${hint} Type /ops help for the list.`,
      );
    }
    const lines = [
      `${command.summary}.`,
      `*Usage:* \`/ops ${command.usage}\``,
      '*Examples:*',
      ...command.examples.map((e) => `  \`/ops ${e}\``),
      ...(command.aliases.length > 0 ? [`*Also:* ${command.aliases.join(', ')}`] : []),
    ];
    return Promise.resolve(reply('info', `/ops ${command.name}`, { text: lines.join('\n') }));
  },
});
