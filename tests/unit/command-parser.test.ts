import { editDistance, nearestCommand, parseCommand } from '../../bot/command-parser';
import type { Command } from '../../bot/feature';

const command = (name: string, usage?: string): Command => ({ name, description: name, ...(usage ? { usage } : {}), run: async () => undefined });
const COMMANDS = [command('help'), command('whoami'), command('log'), command('log verify'), command('log export'), command('channel set', 'channel set <purpose>'), command('grant', 'grant <role> <person>'), command('members')];

describe('parseCommand', () => {
  it('matches a command by its whole words, case-insensitively, and hands back the rest as typed', () => {
    expect(parseCommand('grant partner Megan Bowen as Warwickshire Police', COMMANDS)).toMatchObject({
      command: { name: 'grant' },
      args: 'partner Megan Bowen as Warwickshire Police',
    });
    expect(parseCommand('  WhoAmI  ', COMMANDS)).toMatchObject({ command: { name: 'whoami' }, args: '' });
  });

  it('prefers the longest matching name', () => {
    expect(parseCommand('log verify', COMMANDS)?.command.name).toBe('log verify');
    expect(parseCommand('log export now', COMMANDS)).toMatchObject({ command: { name: 'log export' }, args: 'now' });
    expect(parseCommand('log 20', COMMANDS)).toMatchObject({ command: { name: 'log' }, args: '20' });
    expect(parseCommand('channel   set executive-board', COMMANDS)).toMatchObject({ command: { name: 'channel set' }, args: 'executive-board' });
  });

  it('does not match part of a word or a name that is longer than the text', () => {
    expect(parseCommand('helpme', COMMANDS)).toBeUndefined();
    expect(parseCommand('logs', COMMANDS)).toBeUndefined();
    expect(parseCommand('channel', COMMANDS)).toBeUndefined();
    expect(parseCommand('', COMMANDS)).toBeUndefined();
    expect(parseCommand('please help', COMMANDS)).toBeUndefined();
  });
});

describe('nearestCommand', () => {
  it('suggests the command closest to a typo', () => {
    expect(nearestCommand('hlep', COMMANDS)?.name).toBe('help');
    expect(nearestCommand('whomai', COMMANDS)?.name).toBe('whoami');
    expect(nearestCommand('membres', COMMANDS)?.name).toBe('members');
    expect(nearestCommand('chanel set executive-board', COMMANDS)?.name).toBe('channel set');
    expect(nearestCommand('grnt partner Megan', COMMANDS)?.name).toBe('grant');
  });

  it('suggests nothing for text that is not close to any command', () => {
    expect(nearestCommand('what is the weather like', COMMANDS)).toBeUndefined();
    expect(nearestCommand('xyzzy', COMMANDS)).toBeUndefined();
  });
});

describe('the cost of a long message', () => {
  // Was 5 to 9 s of CPU for a 0.95 MB word (edit distance against every command); the bound is loose for a loaded machine.
  it('matches and suggests for a 0.95 MB one-word message in well under a second', () => {
    const huge = 'x'.repeat(950_000);
    const started = process.hrtime.bigint();
    expect(parseCommand(huge, COMMANDS)).toBeUndefined();
    expect(nearestCommand(huge, COMMANDS)).toBeUndefined();
    expect(nearestCommand(`hlep ${huge}`, COMMANDS)?.name).toBe('help');
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['help', 'hlep', 2],
    ['same', 'same', 0],
  ])('%j to %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});
