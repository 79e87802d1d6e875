import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../../core/clock.ts';
import type { Dispatcher } from '../../core/dispatcher.ts';
import { terminalSafe } from '../../core/markup.ts';
import { renderText } from './render-text.ts';

export interface ShellOptions {
  dispatcher: Dispatcher;
  clock: Clock;
  newId: () => string;
  input: Readable;
  output: Writable;
  actor: string;
  channel: string;
  /** A terminal: prompt and history. Otherwise one command per line, and the exit code says if all were accepted. */
  interactive: boolean;
  history?: string[];
  onHistory?: (lines: string[]) => void;
  /** Subscribes a writer to operation progress; returns the unsubscribe. */
  progress?: (write: (line: string) => void) => () => Promise<void> | void;
  /** Piped input: waits for the operations the lines started before exiting. */
  settle?: () => Promise<void>;
  /**
   * Piped input, after `settle`: how many of these operations (the ones the lines started) ended in
   * anything but success; each makes the exit code 1, as a refused line does.
   */
  unsuccessful?: (operationIds: string[]) => Promise<number>;
}

/**
 * The shell surface: the same dispatcher as Slack, driven from a terminal or a pipe.
 * Resolves with the exit code: 0 when every line was accepted.
 */
export async function runShell(options: ShellOptions): Promise<number> {
  const { input, output, interactive } = options;
  const session = options.newId();
  const rl = createInterface({
    input,
    output: interactive ? output : undefined,
    terminal: interactive,
    history: options.history ?? [],
    historySize: 500,
    removeHistoryDuplicates: true,
    prompt: 'ops> ',
  });
  let lineNo = 0;
  let failures = 0;
  const operations = new Set<string>();
  const stopProgress = options.progress?.((line) => {
    if (interactive) {
      // Print above the prompt and redraw what the user was typing.
      output.write(`\r\x1b[K${line}\n`);
      rl.prompt(true);
    } else {
      output.write(`${line}\n`);
    }
  });
  if (interactive) rl.prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === 'exit' || line === 'quit') break;
    if (line === '' || line.startsWith('#')) {
      if (interactive) rl.prompt();
      continue;
    }
    lineNo++;
    const outcome = await options.dispatcher.dispatch({
      id: options.newId(),
      actor: options.actor,
      channel: options.channel,
      text: line,
      surface: 'shell',
      idempotencyKey: `shell:${session}:${lineNo}`,
      receivedAt: options.clock.now(),
    });
    if (outcome.decision !== 'allowed') failures++;
    const started = outcome.reply.operation?.id;
    if (outcome.fresh && started !== undefined) operations.add(started);
    output.write(`${interactive ? '' : `ops> ${terminalSafe(line)}\n`}${renderText(outcome.reply)}\n\n`);
    if (interactive) rl.prompt();
  }
  if (interactive) options.onHistory?.((rl as unknown as { history: string[] }).history);
  rl.close();
  if (!interactive && lineNo === 0) {
    // `npm start < /dev/null`, or a pipe that sent nothing: say so rather than end in silence.
    output.write(
      'No commands came in on standard input. Run it in a terminal to type commands, or pipe them in: echo "help" | npm start\n',
    );
  }
  if (!interactive) {
    await options.settle?.();
    // A deploy accepted and then failed is a failure too: scripts and CI read the exit code.
    failures += (await options.unsuccessful?.([...operations])) ?? 0;
  }
  await stopProgress?.();
  return failures === 0 ? 0 : 1;
}
