import { TeamsAdapter } from '@microsoft/teams-ai';
import {
  AuthenticateRequestResult,
  AuthenticationConstants,
  BotFrameworkAuthentication,
  BotFrameworkClient,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  UserTokenClient,
} from 'botframework-connector';
import type { Activity } from 'botbuilder';

/** How many clients of each kind are kept (one per app id, service URL and audience named: a handful in practice). */
const KEPT = 64;

/**
 * The adapter's authentication with its clients kept between turns. Botbuilder's CloudAdapter asks
 * for a new connector client and a new user token client on every turn and every proactive send,
 * and each builds its own HTTP pipeline: about a ninth of what a vote click allocated. A client
 * depends only on the bot's app id, the service URL and the audience (and its credentials fetch
 * and renew their own tokens), so one kept per key serves every turn, as botbuilder's older
 * BotFrameworkAdapter did. Authentication itself (validating each request's token) is untouched.
 */
export class CachedConnectors extends BotFrameworkAuthentication {
  private readonly connectors = new Map<string, Promise<ConnectorClient>>();
  private readonly userTokenClients = new Map<string, Promise<UserTokenClient>>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.kept(result.claimsIdentity, result.connectorFactory) } : result;
  }

  authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.kept(claimsIdentity, this.inner.createConnectorFactory(claimsIdentity));
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return keep(this.userTokenClients, appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  /** How many connector clients are kept (for tests). */
  get keptConnectors(): number {
    return this.connectors.size;
  }

  private kept(claimsIdentity: ClaimsIdentity, factory: ConnectorFactory): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    // Proactive sends name no audience (the factory then uses the bot's own): they share a client of
    // their own, apart from the turns' clients. TeamsMessenger removes the built-in retry policy from
    // that client (its rate limiter decides about retries); replies within a turn keep theirs.
    return { create: (serviceUrl, audience) => keep(this.connectors, [appId, serviceUrl, audience ?? ''].join('\n'), () => factory.create(serviceUrl, audience)) };
  }
}

/** The bot's app id a request or send is for, as botbuilder reads it: the token's audience, else its appid claim. */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** The client kept under `key`, made on first use; one that failed to be made is not kept, and the oldest goes when too many are. */
function keep<T>(clients: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const known = clients.get(key);
  if (known) return known;
  const made = make();
  clients.set(key, made);
  made.catch(() => {
    if (clients.get(key) === made) clients.delete(key);
  });
  if (clients.size > KEPT) clients.delete(clients.keys().next().value as string);
  return made;
}

/** Teams AI's adapter, its clients kept between turns (CachedConnectors). */
export class BotAdapter extends TeamsAdapter {
  /** The authentication the adapter uses, its clients kept. */
  readonly authentication: CachedConnectors;

  constructor(...args: ConstructorParameters<typeof TeamsAdapter>) {
    super(...args);
    // CloudAdapterBase reads its authentication from this field on every turn and send; the
    // TeamsAdapter builds it in its constructor, so it is wrapped here, once.
    const self = this as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication };
    this.authentication = self.botFrameworkAuthentication = new CachedConnectors(self.botFrameworkAuthentication);
  }
}
