import { describe, expect, it } from 'vitest';
import { runbook } from '../../commands/runbook.ts';
import { Catalog } from '../../src/config/catalog.ts';
import { parseArgs } from '../../src/core/grammar.ts';
import { tokenize } from '../../src/core/tokenizer.ts';
import type { RunbookFile } from '../../src/runbooks/runbook-schema.ts';
import { checkSubmission, commandLine } from '../../src/surfaces/slack/runbook-modal-handlers.ts';
import { runbookModal, submittedValues } from '../../src/surfaces/slack/runbook-modal.ts';
import { exampleConfig } from '../support/example-config.ts';

const catalog = new Catalog(exampleConfig());

const NOTE: RunbookFile = {
  id: 'note',
  title: 'Say something',
  owner: 'S000SRE',
  params: {
    env: { type: 'environment', description: 'Where', required: true },
    text: { type: 'string', description: 'What to say', required: true },
    many: { type: 'integer', description: 'How many', min: 1, max: 3, default: 1 },
  },
  steps: [{ type: 'message', text: '{{ params.text }}' }],
} as unknown as RunbookFile;

/** The parameters the runbook command reads from a command line, as the dispatcher would. */
const paramsOf = (line: string) =>
  parseArgs(runbook.name, runbook.grammar, tokenize(line).slice(1), catalog).params as Record<string, string>;

describe('the runbook parameter modal’s submission', () => {
  it('becomes a command line that reads back as the values submitted, whatever their spaces and quotes', () => {
    const context = { runbook: 'note', channel: 'C0DEPLOYS', dryRun: true };
    for (const text of ['plain', 'two words', 'say "hi" now', "it's done", '«guillemets» too']) {
      const line = commandLine(context, { env: 'staging', text });
      expect(line.endsWith(' --dry-run')).toBe(true);
      expect(paramsOf(line)).toEqual({ env: 'staging', text });
    }
  });

  it('is checked by the command line’s rules, each problem under its field', () => {
    expect(checkSubmission(NOTE, { env: 'stg', text: 'hello' }, catalog)).toBeNull();
    expect(checkSubmission(NOTE, { env: 'moon', many: '9' }, catalog)).toEqual({
      'param:env': expect.stringContaining('"moon" is not an environment in deckhand.yml') as string,
      'param:text': expect.stringContaining('text is missing; it takes text') as string,
      'param:many': expect.stringContaining('9 is more than 3') as string,
    });
    expect(checkSubmission(NOTE, { env: 'staging', text: `both " and '` }, catalog)).toEqual({
      'param:text': 'Use either double or single quotes in this value, not both.',
    });
  });

  it('reads each field’s value back by its block, leaving empty ones to their defaults', () => {
    const values = submittedValues(NOTE, {
      'param:env': { value: { type: 'static_select', selected_option: { value: 'production' } } },
      'param:text': { value: { type: 'plain_text_input', value: 'hello' } },
      'param:many': { value: { type: 'number_input', value: null } },
      'param:other': { value: { type: 'plain_text_input', value: 'ignored' } },
    });
    expect(values).toEqual({ env: 'production', text: 'hello' });
  });

  it('keeps Slack’s modal limits: the title is cut to 24 characters', () => {
    const long = { ...NOTE, id: 'a-runbook-with-a-very-long-id' };
    const view = runbookModal(long, catalog, {}, { runbook: long.id, channel: 'C1', dryRun: false }) as {
      title: { text: string };
    };
    expect(view.title.text).toHaveLength(24);
    expect(view.title.text.endsWith('…')).toBe(true);
  });
});
