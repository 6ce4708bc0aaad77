import { findPlaygroundUser, playgroundConfigYaml } from '../../scripts/playground-users';
import { PlaygroundSession, startPlaygroundSession } from '../support/playground';

jest.setTimeout(180_000);

describe('acting as another demo user (npm start -- --as megan)', () => {
  let pg: PlaygroundSession;
  beforeAll(async () => {
    // The very file `npm start -- --as megan` writes for the playground.
    pg = await startPlaygroundSession({ configYaml: playgroundConfigYaml(findPlaygroundUser('megan')!) });
  });
  afterAll(() => pg?.stop());

  it('signs the playground in as Megan Bowen, whom the bot knows as a partner', async () => {
    await pg.waitForText('Megan Bowen');
    await pg.sendText('whoami');
    const card = await pg.waitForCardText('NHS South Warwickshire CCG');
    const text = await card.innerText();
    expect(text).toContain('Megan Bowen');
    expect(text).toMatch(/partner/i);
    await pg.screenshot('playground-as-megan');
  });
});

describe('findPlaygroundUser', () => {
  it('finds a demo user by first name, full name or object id, and nobody else', () => {
    expect(findPlaygroundUser('Megan')?.name).toBe('Megan Bowen');
    expect(findPlaygroundUser('isaiah langer')?.key).toBe('isaiah');
    expect(findPlaygroundUser('00000000-0000-0000-0000-0000000000025')?.name).toBe('Lynne Robbins');
    expect(findPlaygroundUser('mallory')).toBeUndefined();
  });

  it('writes every other demo user into the tenant, so one chat per user can reach a quorum', () => {
    const yaml = playgroundConfigYaml(findPlaygroundUser('patti')!);
    expect(yaml).toMatch(/currentUser:\n {2}id: user-id-4\n {2}name: Patti Fernandez/);
    for (const name of ['Alex Wilber', 'Megan Bowen', 'Adele Vance', 'Isaiah Langer', 'Lynne Robbins']) expect(yaml).toContain(`name: ${name}`);
    expect(yaml.match(/aadObjectId:/g)).toHaveLength(6);
  });
});
