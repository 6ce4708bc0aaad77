import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../services/config';
import { CONTAINER_LIST } from '../../services/store/containers';
import { declaredOutputs, declaredParams, literalProperty, moduleUses, parseBicepLiteral, resourceBlocks } from '../support/bicep';

const root = path.resolve(__dirname, '..', '..');
const infra = path.join(root, 'infra');
/** The main template: parameters, the identity, the modules and the outputs. */
const bicep = fs.readFileSync(path.join(infra, 'azure.bicep'), 'utf8');
const modules = new Map(
  fs
    .readdirSync(path.join(infra, 'modules'))
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => [`modules/${f}`, fs.readFileSync(path.join(infra, 'modules', f), 'utf8')]),
);
/** Every resource of the deployment, wherever it is declared. */
const all = [bicep, ...modules.values()].join('\n');

function block(type: string, symbol?: string) {
  const blocks = resourceBlocks(all, type).filter((b) => !symbol || b.symbol === symbol);
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

describe('infra/azure.bicep is wired from modules (what a Bicep compiler would check first)', () => {
  const uses = moduleUses(bicep);

  it('uses every module in infra/modules once, each file existing', () => {
    expect(uses.map((u) => u.path).sort()).toEqual([...modules.keys()].sort());
  });

  it.each(moduleUses(bicep).map((u) => [u.path, u] as const))('gives %s exactly the parameters it declares, every required one', (_path, use) => {
    const declared = declaredParams(modules.get(use.path)!);
    expect([...use.params].sort()).toEqual([...declared.keys()].filter((name) => use.params.includes(name) || !declared.get(name)).sort());
    for (const given of use.params) expect([given, declared.has(given)]).toEqual([given, true]);
  });

  it.each([...modules.entries()])('%s uses each of its parameters', (_path, text) => {
    for (const name of declaredParams(text).keys()) {
      const uses = text.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
      expect([name, uses > 1]).toEqual([name, true]);
    }
  });

  it('reads only outputs that the modules declare', () => {
    const bySymbol = new Map(uses.map((u) => [u.symbol, declaredOutputs(modules.get(u.path)!)]));
    const read = [...bicep.matchAll(/\b(\w+)\.outputs\.(\w+)/g)];
    expect(read.length).toBeGreaterThan(5);
    for (const [, symbol, output] of read) expect([symbol, output, bySymbol.get(symbol)?.includes(output)]).toEqual([symbol, output, true]);
  });
});

describe('the Cosmos DB containers are one loop over the list the code reads (one source of truth)', () => {
  const cosmos = modules.get('modules/cosmos.bicep')!;
  const loop = /^var (\w+) = loadJsonContent\('([^']+)'\)\n\nresource cosmosContainers '(Microsoft\.DocumentDB\/databaseAccounts\/sqlDatabases\/containers)@[^']+' = \[for (\w+) in (\w+): \{\n([\s\S]*?)\n\}\]$/m.exec(cosmos);

  it('loads services/store/container-list.json, the file services/store/containers.ts imports', () => {
    expect(loop).not.toBeNull();
    const [, variable, file, , , over] = loop!;
    expect(over).toBe(variable);
    expect(path.resolve(infra, 'modules', file)).toBe(path.join(root, 'services', 'store', 'container-list.json'));
    expect(fs.readFileSync(path.join(root, 'services', 'store', 'containers.ts'), 'utf8')).toMatch(/^import containerList from '\.\/container-list\.json';$/m);
    const listed = JSON.parse(fs.readFileSync(path.join(root, 'services', 'store', 'container-list.json'), 'utf8')) as unknown[];
    expect(CONTAINER_LIST).toEqual(listed);
    expect(CONTAINER_LIST.map((c) => c.name)).toEqual(expect.arrayContaining(['people', 'log', 'timers', 'votes']));
  });

  it('declares no other container resource anywhere', () => {
    expect(all.match(/'Microsoft\.DocumentDB\/databaseAccounts\/sqlDatabases\/containers@/g)).toHaveLength(1);
  });

  it('maps every field of a container entry, and the list holds no field the loop ignores', () => {
    const [, , , , item, , body] = loop!;
    const v = item;
    expect(body).toMatch(new RegExp(`^  parent: cosmosDatabase\\n  name: ${v}\\.name\\n`));
    expect(body).toMatch(new RegExp(`\\n\\s*id: ${v}\\.name\\n`));
    expect(body).toMatch(new RegExp(`partitionKey: \\{\\s*paths: \\[\\s*${v}\\.partitionKey\\s*\\]\\s*kind: 'Hash'\\s*version: 2\\s*\\}`));
    expect(body).toMatch(new RegExp(`\\n\\s*compositeIndexes: ${v}\\.\\?compositeIndexes \\?\\? \\[\\]\\n`));
    expect(body).toMatch(new RegExp(`contains\\(${v}, 'uniqueKeys'\\) \\? \\{\\s*uniqueKeyPolicy: \\{\\s*uniqueKeys: map\\(${v}\\.uniqueKeys, (\\w+) => \\{\\s*paths: \\1\\s*\\}\\)`));
    expect(body).toMatch(new RegExp(`contains\\(${v}, 'defaultTtl'\\) \\? \\{\\s*defaultTtl: ${v}\\.defaultTtl\\s*\\}`));
    // orderedFields need range indexes: every path is included and only the ETag left out.
    expect(body).toMatch(/includedPaths: \[\s*\{\s*path: '\/\*'\s*\}\s*\]\s*excludedPaths: \[\s*\{\s*path: '\/"_etag"\/\?'\s*\}\s*\]/);
    // embeddedBodiesOnDisk tells the embedded store where to keep a container's documents; Cosmos DB has no such choice.
    const handled = ['name', 'description', 'partitionKey', 'orderedFields', 'embeddedBodiesOnDisk', 'compositeIndexes', 'uniqueKeys', 'defaultTtl'];
    for (const def of CONTAINER_LIST) for (const field of Object.keys(def)) expect([def.name, field, handled.includes(field)]).toEqual([def.name, field, true]);
  });

  it('refuses an expression where a literal is required (the reader the other checks use)', () => {
    expect(() => parseBicepLiteral("{\n  id: containerName\n}")).toThrow(/not a literal/);
    expect(() => parseBicepLiteral("{\n  id: 'c-${suffix}'\n}")).toThrow(/interpolation/);
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
      expect(settings.get('AZURE_CLIENT_ID')).toBe('identityClientId');
      expect(bicep).toMatch(/\n\s*identityClientId: identity\.properties\.clientId\n/);
      expect([...settings.keys()]).not.toContain('COSMOS_KEY');
      expect(all).not.toMatch(/listKeys|listConnectionStrings|primaryMasterKey/);
      // Each secret is a Key Vault reference to the secret the key-vault module stores.
      const keyVault = modules.get('modules/key-vault.bicep')!;
      for (const [setting, uri, secret] of [
        ['MicrosoftAppPassword', 'botPasswordSecretUri', 'botPasswordSecret'],
        ['EXPORT_SIGNING_KEY', 'exportSigningKeySecretUri', 'exportSigningKeySecret'],
        ['LOG_SEAL_KEY', 'logSealKeySecretUri', 'logSealKeySecret'],
      ]) {
        expect(settings.get(setting)).toBe(`'@Microsoft.KeyVault(SecretUri=\${${uri}})'`);
        expect(bicep).toMatch(new RegExp(`\\n\\s*${uri}: keyVault\\.outputs\\.${uri}\\n`));
        expect(keyVault).toMatch(new RegExp(`\\noutput ${uri} string = ${secret}\\.properties\\.secretUri\\n`));
      }
      expect(web).toMatch(/\n\s*keyVaultReferenceIdentity:\s*identityId\s*\n/);
    });

    it('are accepted by the config parser as a Cosmos-by-identity, single-tenant deployment', () => {
      const resolved: Record<string, string> = {
        identityClientId: '5b3f2c1e-0000-4000-8000-000000000001',
        botAadAppClientId: '5b3f2c1e-0000-4000-8000-000000000002',
        tenantId: '5b3f2c1e-0000-4000-8000-000000000003',
        cosmosEndpoint: 'https://wsb-cosmos.documents.azure.com:443/',
        cosmosDatabaseName: 'safeguarding',
        directorySeedFile: 'config/directory.json',
        appInsightsConnectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
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
    expect(assignment).toMatch(/principalId:\s*identityPrincipalId/);
    expect(bicep).toMatch(/module cosmos 'modules\/cosmos\.bicep' = \{[\s\S]*?\n\s*identityPrincipalId: identity\.properties\.principalId\n/);
    expect(all).toMatch(/var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'/);
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
