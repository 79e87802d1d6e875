import type { Command } from './command.ts';
import { closest } from './suggest.ts';

/** The commands, looked up by name or alias; the source of help and "did you mean". */
export class Registry {
  private readonly byName = new Map<string, Command>();

  constructor(readonly commands: readonly Command[]) {
    for (const command of commands) {
      for (const n of [command.name, ...command.aliases]) {
        if (this.byName.has(n)) throw new Error(`Two commands answer to "${n}"`);
        this.byName.set(n, command);
      }
    }
  }

  find(word: string): Command | undefined {
    return this.byName.get(word.toLowerCase());
  }

  /** Command names close to a typo, by name (an alias suggests its command). */
  suggest(word: string): string[] {
    const names = closest(word, this.byName.keys()).map((n) => this.byName.get(n)?.name ?? n);
    return [...new Set(names)];
  }
}
