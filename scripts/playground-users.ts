/**
 * The Agents Playground's demo users (the same people as config/directory.playground.json), and
 * the `.m365agentsplayground.yml` that makes one of them the signed-in user. The playground reads
 * its current user from that file when it starts, so `npm start -- --as megan` writes it into a
 * folder of that user's own and starts the playground there.
 */
export interface PlaygroundUser {
  key: string;
  id: string;
  name: string;
  aadObjectId: string;
  email: string;
}

export const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';

export const PLAYGROUND_USERS: PlaygroundUser[] = [
  { key: 'alex', id: 'user-id-0', name: 'Alex Wilber', aadObjectId: '00000000-0000-0000-0000-0000000000020', email: 'alexw@example.com' },
  { key: 'megan', id: 'user-id-1', name: 'Megan Bowen', aadObjectId: '00000000-0000-0000-0000-0000000000021', email: 'meganb@example.com' },
  { key: 'adele', id: 'user-id-2', name: 'Adele Vance', aadObjectId: '00000000-0000-0000-0000-0000000000022', email: 'adelev@example.com' },
  { key: 'isaiah', id: 'user-id-3', name: 'Isaiah Langer', aadObjectId: '00000000-0000-0000-0000-0000000000023', email: 'isaiahl@example.com' },
  { key: 'patti', id: 'user-id-4', name: 'Patti Fernandez', aadObjectId: '00000000-0000-0000-0000-0000000000024', email: 'pattif@example.com' },
  { key: 'lynne', id: 'user-id-5', name: 'Lynne Robbins', aadObjectId: '00000000-0000-0000-0000-0000000000025', email: 'lynner@example.com' },
];

/** The demo user named by `who`: a first name, a full name or an object id, any case. */
export function findPlaygroundUser(who: string): PlaygroundUser | undefined {
  const w = who.trim().toLowerCase();
  return PLAYGROUND_USERS.find((u) => u.key === w || u.name.toLowerCase() === w || u.aadObjectId === w);
}

function userYaml(u: PlaygroundUser, indent: string, first: string): string {
  const [given, ...rest] = u.name.split(' ');
  return [
    `${first}id: ${u.id}`,
    `${indent}name: ${u.name}`,
    `${indent}userPrincipleName: ${u.email}`,
    `${indent}aadObjectId: ${u.aadObjectId}`,
    `${indent}givenName: ${given}`,
    `${indent}surname: ${rest.join(' ')}`,
    `${indent}email: ${u.email}`,
  ].join('\n');
}

/** The playground's configuration with `current` signed in and the other five as the rest of the tenant. */
export function playgroundConfigYaml(current: PlaygroundUser): string {
  const others = PLAYGROUND_USERS.filter((u) => u.key !== current.key);
  return [
    '# Written by `npm start -- --as <user>`: the playground signs in as currentUser.',
    'version: "0.1.1"',
    `tenantId: ${PLAYGROUND_TENANT}`,
    'bot:',
    '  id: 00000000-0000-0000-0000-00000000000011',
    '  name: Test Bot',
    'currentUser:',
    userYaml(current, '  ', '  '),
    'users:',
    ...others.map((u) => userYaml(u, '    ', '  - ')),
    'personalChat:',
    '  id: __PERSONAL_CHAT_ID__',
    'groupChat:',
    '  id: __GROUP_CHAT_ID__',
    '  name: Group Chat',
    'team:',
    '  id: team-id',
    '  name: My Team',
    '  aadGroupId: 00000000-0000-0000-0000-000000000031',
    '  channels:',
    '    - id: channel-announcements-id',
    '      name: Announcements',
    '',
  ].join('\n');
}
