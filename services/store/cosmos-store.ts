import * as https from 'node:https';
import { Container, CosmosClient, CosmosClientOptions, ErrorResponse, SqlParameter } from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';
import { CONTAINER_LIST, ContainerDefinition } from './containers';
import { Doc, Query, Store, StoreConflict, Stored, checkFieldPath, fieldValue } from './port';

export interface CosmosStoreOptions {
  endpoint: string;
  database: string;
  auth: { kind: 'key'; key: string } | { kind: 'credential'; credential: TokenCredential };
  /** Accept a self-signed certificate: the local Cosmos server and the emulator only. */
  allowSelfSigned?: boolean;
  containers?: ContainerDefinition[];
}

const SYSTEM_FIELDS = ['_rid', '_self', '_attachments', '_ts'];

/**
 * Azure Cosmos DB (SQL API) through the official SDK: containers created if missing, point
 * reads, parameterised queries, replace with IfMatch; 409 and 412 become `StoreConflict`.
 */
export class CosmosStore implements Store {
  readonly kind = 'cosmos' as const;
  readonly stats = { documentsRead: 0 };
  private readonly client: CosmosClient;
  private readonly handles = new Map<string, Container>();
  private readonly definitions: ContainerDefinition[];

  constructor(private readonly options: CosmosStoreOptions) {
    const clientOptions: CosmosClientOptions = { endpoint: options.endpoint };
    if (options.auth.kind === 'key') clientOptions.key = options.auth.key;
    else clientOptions.aadCredentials = options.auth.credential;
    // Connections kept alive as the SDK's own default agent does: without keepAlive every request
    // paid a TLS handshake, which cost the bot a third of its CPU in the vote storm on the local server.
    if (options.allowSelfSigned) clientOptions.agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true, minVersion: 'TLSv1.2' });
    clientOptions.connectionPolicy = { enableEndpointDiscovery: !options.allowSelfSigned };
    this.client = new CosmosClient(clientOptions);
    this.definitions = options.containers ?? CONTAINER_LIST;
  }

  async init(): Promise<void> {
    try {
      await this.openContainers();
    } catch (err) {
      const status = statusOf(err);
      if ((status === 401 || status === 403) && this.options.auth.kind === 'credential')
        throw new Error(
          `Cosmos DB refused this identity (${status}) while opening database "${this.options.database}". With COSMOS_AUTH=identity the ` +
            'database and every container must already exist (infra/azure.bicep creates them) and the identity needs the ' +
            '"Cosmos DB Built-in Data Contributor" role on the account; check AZURE_CLIENT_ID and the role assignment.',
        );
      throw err;
    }
  }

  /** Reads each container, creating it when missing (possible with a key only; Entra identities have data-plane rights). */
  private async openContainers(): Promise<void> {
    const { database } = await existsOnConflict(() => this.client.databases.createIfNotExists({ id: this.options.database }));
    for (const def of this.definitions) {
      const { container } = await existsOnConflict(() => database.containers.createIfNotExists({
        id: def.name,
        partitionKey: { paths: [def.partitionKey] },
        ...(def.uniqueKeys ? { uniqueKeyPolicy: { uniqueKeys: def.uniqueKeys.map((paths) => ({ paths })) } } : {}),
        ...(def.defaultTtl !== undefined ? { defaultTtl: def.defaultTtl } : {}),
        ...(def.compositeIndexes
          ? { indexingPolicy: { automatic: true, indexingMode: 'consistent', compositeIndexes: def.compositeIndexes } }
          : {}),
      }));
      this.handles.set(def.name, container);
    }
  }

  private container(name: string): Container {
    const handle = this.handles.get(name);
    if (!handle) throw new Error(`Container "${name}" is not known or the store is not initialised`);
    return handle;
  }

  async read<T extends Doc>(container: string, partitionKey: string, id: string): Promise<Stored<T> | undefined> {
    try {
      const { resource } = await this.container(container).item(id, partitionKey).read<T>();
      if (!resource) return undefined;
      this.stats.documentsRead += 1;
      return clean(resource);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  }

  async create<T extends Doc>(container: string, doc: T): Promise<Stored<T>> {
    this.partitionKeyOf(container, doc);
    try {
      const { resource } = await this.container(container).items.create<T>(doc);
      return clean(resource!);
    } catch (err) {
      throw translate(err, container, doc.id);
    }
  }

  async replace<T extends Doc>(container: string, doc: T, etag: string): Promise<Stored<T>> {
    const pk = this.partitionKeyOf(container, doc);
    const body = { ...doc } as Record<string, unknown>;
    delete body._etag;
    try {
      const { resource } = await this.container(container)
        .item(doc.id, pk)
        .replace<T>(body as T, { accessCondition: { type: 'IfMatch', condition: etag } });
      return clean(resource!);
    } catch (err) {
      throw translate(err, container, doc.id);
    }
  }

  async upsert<T extends Doc>(container: string, doc: T): Promise<Stored<T>> {
    this.partitionKeyOf(container, doc);
    const body = { ...doc } as Record<string, unknown>;
    delete body._etag;
    const { resource } = await this.container(container).items.upsert<T>(body as T);
    return clean(resource!);
  }

  async delete(container: string, partitionKey: string, id: string, etag?: string): Promise<boolean> {
    try {
      await this.container(container)
        .item(id, partitionKey)
        .delete(etag ? { accessCondition: { type: 'IfMatch', condition: etag } } : undefined);
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw translate(err, container, id);
    }
  }

  async query<T extends Doc>(container: string, query: Query): Promise<Stored<T>[]> {
    const parameters: SqlParameter[] = [];
    const clauses = (query.where ?? []).map((cond, i) => {
      const field = ref(cond.field);
      const name = `@p${i}`;
      parameters.push({ name, value: cond.value as SqlParameter['value'] });
      return cond.op === 'in' ? `ARRAY_CONTAINS(${name}, ${field})` : `${field} ${cond.op} ${name}`;
    });
    // Also filter on the partition key in SQL: the option alone scopes the request, but not every
    // Cosmos-protocol server (the local one) honours it, and the result must not depend on that.
    if (query.partitionKey !== undefined) {
      parameters.push({ name: '@pk', value: query.partitionKey });
      clauses.unshift(`${ref(this.definition(container).partitionKey.slice(1))} = @pk`);
    }
    for (const o of query.orderBy ?? []) clauses.push(`IS_DEFINED(${ref(o.field)})`);
    const top = query.limit !== undefined ? `TOP ${Math.max(0, Math.floor(query.limit))} ` : '';
    let sql = `SELECT ${top}* FROM c`;
    if (clauses.length) sql += ` WHERE ${clauses.join(' AND ')}`;
    if (query.orderBy?.length)
      sql += ` ORDER BY ${query.orderBy.map((o) => `${ref(o.field)} ${o.direction === 'desc' ? 'DESC' : 'ASC'}`).join(', ')}`;
    const iterator = this.container(container).items.query<T>(
      { query: sql, parameters },
      query.partitionKey !== undefined ? { partitionKey: query.partitionKey } : {},
    );
    const { resources } = await iterator.fetchAll();
    this.stats.documentsRead += resources.length;
    return resources.map((r) => clean(r) as Stored<T>);
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.database(this.options.database).read();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.client.dispose();
  }

  private definition(container: string): ContainerDefinition {
    const def = this.definitions.find((d) => d.name === container);
    if (!def) throw new Error(`Container "${container}" is not known`);
    return def;
  }

  /** Like the embedded store: a document without its partition key is a bug, never stored in a "none" partition. */
  private partitionKeyOf(container: string, doc: Doc): string {
    const def = this.definition(container);
    const value = fieldValue(doc, def.partitionKey.slice(1));
    if (typeof value !== 'string' || value === '') throw new Error(`${container}/${doc.id}: partition key ${def.partitionKey} is missing`);
    return value;
  }
}

function ref(field: string): string {
  return `c.${checkFieldPath(field)}`;
}

function clean<T extends object>(resource: T): T {
  const copy = { ...resource } as Record<string, unknown>;
  for (const f of SYSTEM_FIELDS) delete copy[f];
  return copy as T;
}

/**
 * `createIfNotExists` reads, then creates: when several instances start together on an empty
 * account, all read 404 and all but one get 409 from the create. That 409 means another
 * instance made it, so ask again: the read now finds it.
 */
async function existsOnConflict<T>(createIfNotExists: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createIfNotExists();
    } catch (err) {
      if (statusOf(err) !== 409 || attempt >= 5) throw err;
    }
  }
}

function statusOf(err: unknown): number | undefined {
  return (err as ErrorResponse)?.code as number | undefined;
}

function translate(err: unknown, container: string, id: string): unknown {
  const status = statusOf(err);
  if (status === 409) return new StoreConflict('exists', container, id);
  if (status === 412) return new StoreConflict('stale', container, id);
  if (status === 404) return new StoreConflict('gone', container, id);
  return err;
}
