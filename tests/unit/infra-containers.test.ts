import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../services/config';
import { CONTAINER_LIST, ContainerDefinition } from '../../services/store/containers';
import { withContainers } from '../../scripts/infra-containers';
import { bicepContainers, containerDifferences, literalProperty, parseBicepLiteral, resourceBlocks } from '../support/bicep';

const root = path.resolve(__dirname, '..', '..');
const bicep = fs.readFileSync(path.join(root, 'infra', 'azure.bicep'), 'utf8');

function block(type: string, symbol?: string) {
  const blocks = resourceBlocks(bicep, type).filter((b) => !symbol || b.symbol === symbol);
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

describe('infra/azure.bicep declares the containers the code uses (one source of truth)', () => {
  it('has exactly the containers of services/store/containers.ts, with the same keys, indexes, unique keys and TTL', () => {
    const declared = bicepContainers(bicep);
    expect(declared.map((c) => c.resource.id).sort()).toEqual(CONTAINER_LIST.map((c) => c.name).sort());
    expect(containerDifferences(CONTAINER_LIST, declared)).toEqual([]);
  });

  it('puts every container in the database resource, with hash partitioning version 2', () => {
    for (const c of resourceBlocks(bicep, 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers')) {
      expect(c.body).toMatch(/\n\s*parent:\s*cosmosDatabase\s*\n/);
      const resource = literalProperty(c.body.slice(c.body.indexOf('properties')), 'resource') as { partitionKey: { kind: string; version: number } };
      expect(resource.partitionKey).toMatchObject({ kind: 'Hash', version: 2 });
    }
  });

  describe('scripts/infra-containers.ts writes the section from the code', () => {
    const defs: ContainerDefinition[] = [
      { name: 'people', partitionKey: '/tenantId' },
      {
        name: 'timers',
        partitionKey: '/tenantId',
        orderedFields: ['dueAt'],
        compositeIndexes: [[{ path: '/status', order: 'ascending' }, { path: '/dueAt', order: 'descending' }]],
        uniqueKeys: [['/entityId', '/kind'], ['/slot']],
        defaultTtl: 86400,
      },
    ];

    it('generates resources that match their definitions, composite indexes, unique keys and TTL included', () => {
      const generated = withContainers(bicep, defs);
      expect(bicepContainers(generated).map((c) => c.symbol)).toEqual(['containerPeople', 'containerTimers']);
      expect(containerDifferences(defs, bicepContainers(generated))).toEqual([]);
      // Only the section between the markers changes.
      expect(generated.slice(0, generated.indexOf('// BEGIN CONTAINERS'))).toBe(bicep.slice(0, bicep.indexOf('// BEGIN CONTAINERS')));
      expect(generated.slice(generated.indexOf('// END CONTAINERS'))).toBe(bicep.slice(bicep.indexOf('// END CONTAINERS')));
    });

    it('leaves the committed template as it is (it was generated from containers.ts)', () => {
      expect(withContainers(bicep)).toBe(bicep);
    });
  });

  describe('the comparison names each difference', () => {
    const sample = `
resource a 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: db
  name: 'votes'
  properties: {
    resource: {
      id: 'votes'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/dueAt/?'
          }
        ]
        compositeIndexes: [
          [
            {
              path: '/recommendationId'
              order: 'ascending'
            }
            {
              path: '/castAt'
              order: 'descending'
            }
          ]
        ]
      }
      uniqueKeyPolicy: {
        uniqueKeys: [
          {
            paths: [ '/recommendationId', '/voterId' ]
          }
        ]
      }
      defaultTtl: -1
    }
  }
}
`;
    const matching: ContainerDefinition = {
      name: 'votes',
      partitionKey: '/tenantId',
      compositeIndexes: [[{ path: '/recommendationId', order: 'ascending' }, { path: '/castAt', order: 'descending' }]],
      uniqueKeys: [['/recommendationId', '/voterId']],
      defaultTtl: -1,
    };

    it('accepts a container whose composite indexes, unique keys and TTL match', () => {
      expect(containerDifferences([matching], bicepContainers(sample))).toEqual([]);
    });

    it('reports a missing container, an extra one, and each mismatched property', () => {
      const differences = containerDifferences(
        [
          { ...matching, partitionKey: '/id', compositeIndexes: [[{ path: '/castAt', order: 'ascending' }]], uniqueKeys: [['/voterId']], defaultTtl: 3600, orderedFields: ['dueAt'] },
          { name: 'timers', partitionKey: '/tenantId' },
        ],
        bicepContainers(sample.replace(/'votes'/g, "'votes'") + sample.replace(/'votes'/g, "'ballots'").replace('resource a ', 'resource b ')),
      );
      expect(differences).toEqual([
        expect.stringContaining("'votes': partition key is /id in code"),
        expect.stringContaining("'votes': composite indexes"),
        expect.stringContaining("'votes': unique keys"),
        expect.stringContaining("'votes': defaultTtl is 3600 in code but -1 in Bicep"),
        expect.stringContaining("'votes': 'dueAt' is filtered or sorted on in code but not range-indexed"),
        "container 'timers' is in containers.ts but not in infra/azure.bicep",
        "container 'ballots' is in infra/azure.bicep but not in containers.ts",
      ]);
    });

    it('refuses an expression where a literal is required', () => {
      expect(() => parseBicepLiteral("{\n  id: containerName\n}")).toThrow(/not a literal/);
      expect(() => parseBicepLiteral("{\n  id: 'c-${suffix}'\n}")).toThrow(/interpolation/);
    });
  });
});

describe('infra/azure.bicep runs the bot as the production checklist says', () => {
  it('runs the web app on Node 22 LTS, always on, HTTPS only, TLS 1.2, health-checked on /healthz, compiled code', () => {
    const web = block('Microsoft.Web/sites', 'webApp').body;
    expect(web).toMatch(/\n\s*linuxFxVersion:\s*'NODE\|22-lts'\s*\n/);
    expect(web).toMatch(/\n\s*alwaysOn:\s*true\s*\n/);
    expect(web).toMatch(/\n\s*healthCheckPath:\s*'\/healthz'\s*\n/);
    expect(web).toMatch(/\n\s*httpsOnly:\s*true\s*\n/);
    expect(web).toMatch(/\n\s*minTlsVersion:\s*'1\.2'\s*\n/);
    expect(web).toMatch(/\n\s*ftpsState:\s*'Disabled'\s*\n/);
    // The same command as npm run start:prod (the bench measures that one): DEP0111 silenced, the V8 heap bounded.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(web).toContain(`appCommandLine: '${pkg.scripts['start:prod']}'`);
    expect(pkg.scripts['start:prod']).toMatch(/^node --disable-warning=DEP0111 --max-semi-space-size=\d+ --max-old-space-size=\d+ dist\/bot\/main\.js$/);
    expect(web).toMatch(/\n\s*clientAffinityEnabled:\s*false\s*\n/);
  });

  it('matches package.json: Node 20 and 22 supported (restify 11 fails on 24), production start runs compiled code', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
    expect(pkg.engines.node).toBe('>=20 <23');
    expect(pkg.scripts['start:prod']).toMatch(/^node .*dist\/bot\/main\.js$/);
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    expect(fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8')).toMatch(/npx -y node@22 node_modules\/\.bin\/jest --runInBand/);
  });

  it('scales to instanceCount instances, two by default', () => {
    expect(bicep).toMatch(/\nparam instanceCount int = 2\n/);
    expect(block('Microsoft.Web/serverfarms').body).toMatch(/\n\s*capacity:\s*instanceCount\s*\n/);
  });

  describe('app settings', () => {
    const web = block('Microsoft.Web/sites', 'webApp').body;
    const start = web.indexOf('appSettings:');
    const open = web.indexOf('[', start);
    const settingsText = web.slice(open, web.indexOf('\n      ]', open) + 8);
    const settings = new Map<string, string>();
    for (const m of settingsText.matchAll(/name:\s*'([^']+)'\s*\n\s*value:\s*([^\n]+)\n/g)) settings.set(m[1], m[2].trim());

    it('reach Cosmos DB by managed identity and hold no key or secret', () => {
      expect(settings.size).toBeGreaterThan(10);
      expect(settings.get('COSMOS_AUTH')).toBe("'identity'");
      expect(settings.get('AZURE_CLIENT_ID')).toBe('identity.properties.clientId');
      expect([...settings.keys()]).not.toContain('COSMOS_KEY');
      expect(bicep).not.toMatch(/listKeys|listConnectionStrings|primaryMasterKey/);
      expect(settings.get('MicrosoftAppPassword')).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\.properties\.secretUri\}\)'$/);
      expect(settings.get('EXPORT_SIGNING_KEY')).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\.properties\.secretUri\}\)'$/);
      expect(settings.get('LOG_SEAL_KEY')).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{logSealKeySecret\.properties\.secretUri\}\)'$/);
      expect(web).toMatch(/\n\s*keyVaultReferenceIdentity:\s*identity\.id\s*\n/);
    });

    it('are accepted by the config parser as a Cosmos-by-identity, single-tenant deployment', () => {
      const resolved: Record<string, string> = {
        'identity.properties.clientId': '5b3f2c1e-0000-4000-8000-000000000001',
        botAadAppClientId: '5b3f2c1e-0000-4000-8000-000000000002',
        tenantId: '5b3f2c1e-0000-4000-8000-000000000003',
        'cosmosAccount.properties.documentEndpoint': 'https://wsb-cosmos.documents.azure.com:443/',
        cosmosDatabaseName: 'safeguarding',
        directorySeedFile: 'config/directory.json',
        'appInsights.properties.ConnectionString': 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
        // With the default instanceCount of 2, each instance gets half of Teams' 50/s per tenant.
        'string(max(1, 50 / instanceCount))': '25',
      };
      const env: Record<string, string> = {};
      for (const [name, raw] of settings) {
        if (raw.startsWith("'@Microsoft.KeyVault(")) env[name] = 'resolved-by-app-service-from-key-vault';
        else if (/^'[^$]*'$/.test(raw)) env[name] = raw.slice(1, -1);
        else if (raw.startsWith("'https://${webAppHostName}'")) env[name] = 'https://wsb-app.azurewebsites.net';
        else if (raw in resolved) env[name] = resolved[raw];
        else throw new Error(`no test value for app setting ${name} = ${raw}`);
      }
      const config = parseConfig(env);
      expect(config.store).toEqual({
        kind: 'cosmos',
        endpoint: 'https://wsb-cosmos.documents.azure.com:443/',
        database: 'safeguarding',
        auth: { kind: 'identity', clientId: '5b3f2c1e-0000-4000-8000-000000000001' },
        allowSelfSigned: false,
      });
      expect(config.credentials).toMatchObject({ appType: 'SingleTenant', appTenantId: '5b3f2c1e-0000-4000-8000-000000000003' });
      expect(config.tenantId).toBe('5b3f2c1e-0000-4000-8000-000000000003');
      expect(config.publicUrl).toBe('https://wsb-app.azurewebsites.net');
      expect(config.reminders.tenantRatePerSecond).toBe(25);
    });
  });

  it('grants the identity the Cosmos DB Built-in Data Contributor role and turns account keys off', () => {
    const assignment = block('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments', 'cosmosAppDataContributor').body;
    expect(assignment).toMatch(/principalId:\s*identity\.properties\.principalId/);
    expect(bicep).toMatch(/var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'/);
    const account = block('Microsoft.DocumentDB/databaseAccounts').body;
    expect(account).toMatch(/\n\s*disableLocalAuth:\s*cosmosDisableLocalAuth\s*\n/);
    expect(bicep).toMatch(/\nparam cosmosDisableLocalAuth bool = true\n/);
  });

  it('makes Cosmos DB serverless by default with an autoscale option and continuous backup', () => {
    expect(bicep).toMatch(/\nparam cosmosThroughputMode string = 'serverless'\n/);
    const account = block('Microsoft.DocumentDB/databaseAccounts').body;
    expect(account).toMatch(/cosmosThroughputMode == 'serverless' \? \[\s*\{\s*name: 'EnableServerless'/);
    expect(literalProperty(account, 'backupPolicy')).toEqual({ type: 'Continuous', continuousModeProperties: { tier: 'Continuous7Days' } });
    expect(block('Microsoft.DocumentDB/databaseAccounts/sqlDatabases').body).toMatch(/autoscaleSettings:\s*\{\s*maxThroughput:\s*cosmosAutoscaleMaxThroughput/);
  });

  it('registers a single-tenant Azure Bot on the Teams channel, pointing at /api/messages', () => {
    const bot = block('Microsoft.BotService/botServices').body;
    expect(bot).toMatch(/\n\s*msaAppType:\s*'SingleTenant'\s*\n/);
    expect(bot).toMatch(/\n\s*endpoint:\s*'https:\/\/\$\{webAppHostName\}\/api\/messages'\s*\n/);
    expect(block('Microsoft.BotService/botServices/channels').body).toMatch(/channelName:\s*'MsTeamsChannel'/);
  });

  it('has Application Insights on a Log Analytics workspace, with the console logs sent there', () => {
    expect(block('Microsoft.Insights/components').body).toMatch(/WorkspaceResourceId:\s*logAnalytics\.id/);
    expect(block('Microsoft.Insights/diagnosticSettings').body).toMatch(/category:\s*'AppServiceConsoleLogs'/);
  });

  it('has a parameters file whose names are the template\'s and that gives every required parameter', () => {
    const parameters = JSON.parse(fs.readFileSync(path.join(root, 'infra', 'azure.parameters.json'), 'utf8')) as { parameters: Record<string, unknown> };
    const declared = new Map<string, boolean>();
    for (const m of bicep.matchAll(/^param (\w+) \w+( = )?/gm)) declared.set(m[1], Boolean(m[2]));
    for (const name of Object.keys(parameters.parameters)) expect([name, declared.has(name)]).toEqual([name, true]);
    for (const [name, hasDefault] of declared) if (!hasDefault) expect([name, name in parameters.parameters]).toEqual([name, true]);
    // Secrets come from the toolkit's SECRET_ variables, never literal values.
    expect(JSON.stringify(parameters.parameters.botAadAppClientSecret)).toContain('${{SECRET_BOT_PASSWORD}}');
    expect(JSON.stringify(parameters.parameters.exportSigningKey)).toContain('${{SECRET_');
    expect(JSON.stringify(parameters.parameters.logSealKey)).toContain('${{SECRET_LOG_SEAL_KEY}}');
  });

  it('is what the toolkit project file provisions, and the deploy step builds before zipping', () => {
    const yml = fs.readFileSync(path.join(root, 'm365agents.yml'), 'utf8');
    expect(yml).toContain('path: ./infra/azure.bicep');
    expect(yml).toContain('parameters: ./infra/azure.parameters.json');
    expect(yml.indexOf('args: run build')).toBeGreaterThan(yml.indexOf('deploy:'));
    expect(yml.indexOf('uses: azureAppService/zipDeploy')).toBeGreaterThan(yml.indexOf('args: run build'));
    for (const output of yml.matchAll(/\$\{\{(BOT_AZURE_APP_SERVICE_RESOURCE_ID)\}\}/g)) expect(bicep).toContain(`output ${output[1]} string`);
    const env = fs.readFileSync(path.join(root, 'env', '.env.dev'), 'utf8');
    expect(env).not.toMatch(/^SECRET_\w+=\S/m);
  });
});

describe('.webappignore (what the toolkit zips to the web app)', () => {
  // `ignore` implements gitignore rules (it comes with eslint); the toolkit reads the file the same way.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ignore = require('ignore') as () => { add(rules: string): { ignores(p: string): boolean } };
  const rules = ignore().add(fs.readFileSync(path.join(root, '.webappignore'), 'utf8'));

  it('ships the compiled code, its cards, config and dependencies', () => {
    for (const kept of ['dist/bot/main.js', 'dist/services/store/cosmos-store.js', 'dist/cards/help.json', 'config/directory.example.json', 'node_modules/restify/package.json', 'package.json', '.npmrc'])
      expect([kept, rules.ignores(kept)]).toEqual([kept, false]);
  });

  it('leaves out sources, tests, infrastructure and environment files', () => {
    for (const dropped of ['bot/main.ts', 'services/config.ts', 'tests/unit/x.test.ts', 'infra/azure.bicep', 'env/.env.dev', 'env/.env.dev.user', '.env', 'docs/DEPLOY.md', '.git/HEAD'])
      expect([dropped, rules.ignores(dropped)]).toEqual([dropped, true]);
  });
});
