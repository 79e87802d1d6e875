/**
 * Versions and refs must be safe to hand to a workflow (issue 9, case 10 and its siblings): nothing a
 * shell or an Actions expression reads specially reaches `${{ inputs.version }}`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.ts';
import { refProblem } from '../../src/core/safe-ref.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';
import { readFileSync } from 'node:fs';

const example = readFileSync(new URL('../../deckhand.yml', import.meta.url), 'utf8');

const REFUSED: [string, string][] = [
  ['$(whoami)', 'it contains "$"'],
  ['`whoami`', 'it contains "`"'],
  ['${{ github.token }}', 'it contains "$"'],
  ['{{ github.token }}', 'it contains a space'],
  ['${{github.token}}', 'it contains "$"'],
  ['v1.2;rm', 'it contains ";"'],
  ['v1.2,', 'it contains ","'],
  ['v1 2', 'it contains a space'],
  ['v1\t2', 'it contains a space'],
  ['v1\u00072', 'it contains a control character'],
  ['a|b', 'it contains "|"'],
  ['a&b', 'it contains "&"'],
  ['a>b', 'it contains ">"'],
  ['a<b', 'it contains "<"'],
  ["a'b", 'it contains "\'"'],
  ['a"b', 'it contains """'],
  ['a!b', 'it contains "!"'],
  ['a#b', 'it contains "#"'],
  ['a=b', 'it contains "="'],
  ['-rf', 'it starts with "-"'],
  ['--upload-pack=x', 'it starts with "-"'],
  ['a..b', 'it contains ".."'],
  ['../../etc', 'it contains ".."'],
  ['a//b', 'it starts or ends with "/", or has "//"'],
  ['/a', 'it starts or ends with "/", or has "//"'],
  ['a/', 'it starts or ends with "/", or has "//"'],
  ['a.lock', 'it ends with "." or ".lock"'],
  ['a.', 'it ends with "." or ".lock"'],
  ['.hidden', 'a part of it starts with "."'],
  ['a/.b', 'a part of it starts with "."'],
  ['@', 'it contains "@{" or is "@"'],
  ['a@{1}', 'it contains "@{" or is "@"'],
  ['a~1', 'it contains "~"'],
  ['a^', 'it contains "^"'],
  ['a:b', 'it contains ":"'],
  ['a?', 'it contains "?"'],
  ['a*', 'it contains "*"'],
  ['a[b', 'it contains "["'],
  ['a\\b', 'it contains "\\"'],
  ['', 'it is empty'],
  ['x'.repeat(201), 'it is longer than 200 characters'],
];

describe('safe refs', () => {
  it.each(REFUSED)('refuses %j: %s', (ref, problem) => {
    expect(refProblem(ref)).toBe(problem);
  });

  it.each([
    'v1.4.2',
    '1.0.0+build.5',
    'v1.2.3-rc.1',
    'feature/x',
    'release/2024_10',
    '3f2c1e9',
    'main',
    'x'.repeat(200),
  ])('accepts %j', (ref) => {
    expect(refProblem(ref)).toBeNull();
  });

  it('lets a service choose its pattern, but never past the rules that always hold', () => {
    const amp = { pattern: '[A-Za-z0-9._/+&-]+', source: 'services.api.refPattern' };
    expect(refProblem('fix/a&b', amp)).toBeNull();
    expect(refProblem('fix/a;b', amp)).toBe('it does not match services.api.refPattern ([A-Za-z0-9._/+&-]+)');
    const anything = { pattern: '.*', source: 'services.api.refPattern' };
    for (const [ref, problem] of REFUSED.filter(([r]) =>
      /[$`\s\p{Cc}]|^-|\.\.|^$|@\{|\/\/|^\/|\/$|\.lock$|[~^:?*[\\]/u.test(r),
    )) {
      expect(refProblem(ref, anything), ref).toBe(problem);
    }
    const tagsOnly = { pattern: 'v\\d+\\.\\d+\\.\\d+', source: 'services.api.refPattern' };
    expect(refProblem('v1.2.3', tagsOnly)).toBeNull();
    expect(refProblem('main', tagsOnly)).toBe(
      'it does not match services.api.refPattern (v\\d+\\.\\d+\\.\\d+)',
    );
  });
});

describe('unsafe versions are refused before anything runs', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.deckhand.stop();
    h = undefined;
  });

  it.each([
    ['deploy api $(whoami) to staging', '"$(whoami)"', 'it contains "$"'],
    ['deploy api v1.2, to staging', '"v1.2,"', 'it contains ","'],
    ['deploy api "v1.2 ; rm -rf /" to staging', '"v1.2 ; rm -rf /"', 'it contains a space'],
    ['deploy api `id` to staging', '"`id`"', 'it contains "`"'],
    ['deploy api ${{secrets.TOKEN}} to staging', '"${{secrets.TOKEN}}"', 'it contains "$"'],
    ['deploy api/$(whoami) to staging', '"$(whoami)"', 'it contains "$"'],
    ['deploy api@;id to staging', '";id"', 'it contains ";"'],
    ['deploy api -x to staging', '"-x"', 'it starts with "-"'],
    ['rollback api staging to $(whoami)', '"$(whoami)"', 'it contains "$"'],
    ['rollback api staging to "v1;id"', '"v1;id"', 'it contains ";"'],
  ])('%s', async (line, shown, problem) => {
    h = await startHarness();
    const outcome = await h.run(line);
    expect(outcome.decision).toBe('invalid');
    // The message model: how a renderer shows a backtick the person typed is the renderer's part.
    expect(outcome.reply.text).toContain(`Deckhand will not send ${shown} as a version: ${problem}.`);
    expect(renderText(outcome.reply)).toContain('Usage: /ops');
    expect(await h.deckhand.store.operations.history({ limit: 5 })).toEqual([]);
  });

  it('checks a version against the service’s own pattern', async () => {
    const config = parseConfigText(
      example.replace(
        '    description: The public REST API\n',
        "    description: The public REST API\n    refPattern: 'v\\d+\\.\\d+\\.\\d+'\n    requireVersion: true\n",
      ),
      'deckhand.yml',
    );
    h = await startHarness(config);
    const outcome = await h.run('deploy api main to staging');
    expect(renderText(outcome.reply)).toContain(
      'Deckhand will not send "main" as a version: it does not match services.api.refPattern (v\\d+\\.\\d+\\.\\d+). A version or git ref must match services.api.refPattern in deckhand.yml',
    );
    // Other services keep the default rule.
    expect((await h.run('deploy web main to staging')).decision).toBe('allowed');
  });
});
