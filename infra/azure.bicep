// Warwickshire Safeguarding bot: everything it needs in one resource group.
//
// Written without a Bicep compiler (none can be installed on the machines this was built on) and
// checked only by tests/unit/infra-containers.test.ts. Run `az bicep build --file infra/azure.bicep`
// before the first deployment; see docs/DEPLOY.md.
//
// What it creates:
//   - a user-assigned managed identity: the web app reaches Cosmos DB and Key Vault with it (no keys)
//   - Cosmos DB (NoSQL): serverless by default or autoscale, continuous backup, local (key) auth off,
//     the database and every container exactly as services/store/containers.ts defines them
//   - Key Vault holding the bot's client secret and the export signing key (app settings only reference them)
//   - a Linux App Service plan and web app on Node 22 LTS, always on, health check /healthz, HTTPS only
//   - an Azure Bot (single tenant) with the Microsoft Teams channel, pointing at /api/messages
//   - Log Analytics + Application Insights, with the web app's console (JSON) logs sent to the workspace

@description('Prefix of every resource name: lowercase letters and digits, 3 to 20 characters.')
@minLength(3)
@maxLength(20)
param resourceBaseName string

@description('Region of every regional resource.')
param location string = resourceGroup().location

@description('Client (application) id of the bot\'s Entra app registration (single tenant).')
param botAadAppClientId string

@description('A client secret of that app registration. Stored in Key Vault, never in app settings.')
@secure()
param botAadAppClientSecret string

@description('The Entra tenant the bot serves (its app registration\'s tenant).')
param tenantId string = subscription().tenantId

@description('Name people see for the bot in Azure.')
param botDisplayName string = 'Warwickshire Safeguarding'

@description('Azure Bot pricing tier. Teams is a standard channel, free on F0.')
@allowed([
  'F0'
  'S1'
])
param botServiceSku string = 'F0'

@description('Signs the log download links; all instances share it. At least 16 characters (e.g. `openssl rand -hex 32`).')
@secure()
@minLength(16)
param exportSigningKey string

@description('Keys the audit log\'s hash chain (HMAC-SHA256). Kept in Key Vault, never in Cosmos DB: database access alone cannot rewrite the log. At least 32 characters (e.g. `openssl rand -hex 32`); never change it after the first start, or older entries no longer verify.')
@secure()
@minLength(32)
param logSealKey string

@description('App Service plan tier (Basic or higher: Always On and more than one instance).')
@allowed([
  'B1'
  'B2'
  'S1'
  'P0v3'
  'P1v3'
  'P2v3'
])
param webAppSku string = 'P0v3'

@description('How many instances run the bot. Two or more: the reminders scheduler takes leases, so instances never send the same reminder twice.')
@minValue(1)
@maxValue(10)
param instanceCount int = 2

@description('Cosmos DB capacity: serverless (pay per request, single region) or autoscale (provisioned, shared by all containers).')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosThroughputMode string = 'serverless'

@description('Autoscale ceiling in RU/s for the database when cosmosThroughputMode is autoscale (1000 or more, in steps of 1000).')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Cosmos DB database name (COSMOS_DATABASE).')
param cosmosDatabaseName string = 'safeguarding'

@description('Turn off account keys: data is reached only with Entra identities (the web app\'s managed identity).')
param cosmosDisableLocalAuth bool = true

@description('Object id of a person or group who may read and write Cosmos DB data directly (backups, support). Empty: nobody but the bot.')
param operatorPrincipalId string = ''

@description('The directory seed file inside the deployed package, read once when the directory is empty.')
param directorySeedFile string = 'config/directory.json'

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 90

var webAppName = '${resourceBaseName}-app'
var webAppHostName = '${webAppName}.azurewebsites.net'
var cosmosAccountName = '${resourceBaseName}-cosmos'
var keyVaultName = take('kv${uniqueString(resourceGroup().id, resourceBaseName)}', 24)
// Built-in Cosmos DB data-plane role "Cosmos DB Built-in Data Contributor".
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'
// Built-in Azure role "Key Vault Secrets User".
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

// ---------------------------------------------------------------------------------------------
// Identity

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-identity'
  location: location
}

// ---------------------------------------------------------------------------------------------
// Logs

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
  }
}

// ---------------------------------------------------------------------------------------------
// Cosmos DB

resource cosmosAccount 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: cosmosAccountName
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: cosmosThroughputMode == 'serverless' ? [
      {
        name: 'EnableServerless'
      }
    ] : []
    disableLocalAuth: cosmosDisableLocalAuth
    // Containers are created here, not by the app: its identity has data-plane rights only.
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource cosmosDatabase 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmosAccount
  name: cosmosDatabaseName
  properties: {
    resource: {
      id: cosmosDatabaseName
    }
    options: cosmosThroughputMode == 'autoscale' ? {
      autoscaleSettings: {
        maxThroughput: cosmosAutoscaleMaxThroughput
      }
    } : {}
  }
}

// BEGIN CONTAINERS
// One resource per entry of CONTAINERS in services/store/containers.ts, with the same partition
// key, composite indexes, unique keys and default TTL. Generated: after changing containers.ts run
// `npm run build && node dist/scripts/infra-containers.js`. tests/unit/infra-containers.test.ts
// fails when the two differ. Everything inside `resource: { ... }` stays literal.

resource containerPeople 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'people'
  properties: {
    resource: {
      id: 'people'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerConversations 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'conversations'
  properties: {
    resource: {
      id: 'conversations'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerLog 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'log'
  properties: {
    resource: {
      id: 'log'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerCardPosts 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'cardPosts'
  properties: {
    resource: {
      id: 'cardPosts'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerCounters 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'counters'
  properties: {
    resource: {
      id: 'counters'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerTimers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'timers'
  properties: {
    resource: {
      id: 'timers'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerDisputes 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'disputes'
  properties: {
    resource: {
      id: 'disputes'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerReviews 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'reviews'
  properties: {
    resource: {
      id: 'reviews'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerRecommendations 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'recommendations'
  properties: {
    resource: {
      id: 'recommendations'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerVotes 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'votes'
  properties: {
    resource: {
      id: 'votes'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerActions 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'actions'
  properties: {
    resource: {
      id: 'actions'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

resource containerCaseReviews 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: cosmosDatabase
  name: 'caseReviews'
  properties: {
    resource: {
      id: 'caseReviews'
      partitionKey: {
        paths: [
          '/tenantId'
        ]
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          {
            path: '/*'
          }
        ]
        excludedPaths: [
          {
            path: '/"_etag"/?'
          }
        ]
      }
    }
  }
}

// END CONTAINERS

// The web app's identity may read and write documents (data plane only: no keys, no account changes).
resource cosmosAppDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, identity.id, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: identity.properties.principalId
    scope: cosmosAccount.id
  }
}

resource cosmosOperatorDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = if (!empty(operatorPrincipalId)) {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, operatorPrincipalId, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: operatorPrincipalId
    scope: cosmosAccount.id
  }
}

// ---------------------------------------------------------------------------------------------
// Secrets

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'bot-client-secret'
  properties: {
    value: botAadAppClientSecret
  }
}

resource exportSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'export-signing-key'
  properties: {
    value: exportSigningKey
  }
}

resource logSealKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'log-seal-key'
  properties: {
    value: logSealKey
  }
}

resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, identity.id, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------------------------------------
// Web app

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${resourceBaseName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      // restify 11 reads process.binding('http_parser') (DEP0111): silence that one warning so
      // every console line stays JSON. V8 heap flags: see docs/PERFORMANCE.md (memory); the same
      // command as npm run start:prod, which the bench measures.
      appCommandLine: 'node --disable-warning=DEP0111 --max-semi-space-size=2 --max-old-space-size=256 dist/bot/main.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        {
          name: 'NODE_ENV'
          value: 'production'
        }
        {
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
        {
          name: 'MicrosoftAppId'
          value: botAadAppClientId
        }
        {
          name: 'MicrosoftAppPassword'
          value: '@Microsoft.KeyVault(SecretUri=${botPasswordSecret.properties.secretUri})'
        }
        {
          name: 'MicrosoftAppType'
          value: 'SingleTenant'
        }
        {
          name: 'MicrosoftAppTenantId'
          value: tenantId
        }
        {
          name: 'TENANT_ID'
          value: tenantId
        }
        {
          name: 'PUBLIC_URL'
          value: 'https://${webAppHostName}'
        }
        {
          name: 'EXPORT_SIGNING_KEY'
          value: '@Microsoft.KeyVault(SecretUri=${exportSigningKeySecret.properties.secretUri})'
        }
        {
          name: 'LOG_SEAL_KEY'
          value: '@Microsoft.KeyVault(SecretUri=${logSealKeySecret.properties.secretUri})'
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmosAccount.properties.documentEndpoint
        }
        {
          name: 'COSMOS_DATABASE'
          value: cosmosDatabaseName
        }
        {
          name: 'COSMOS_AUTH'
          value: 'identity'
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'DIRECTORY_SEED'
          value: directorySeedFile
        }
        {
          name: 'TIMEZONE'
          value: 'Europe/London'
        }
        {
          // Teams allows about 50 proactive sends per second per app per tenant, shared by every instance.
          name: 'OUTBOUND_TENANT_RATE'
          value: string(max(1, 50 / instanceCount))
        }
        {
          name: 'LOG_LEVEL'
          value: 'info'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'ApplicationInsightsAgent_EXTENSION_VERSION'
          value: '~3'
        }
      ]
    }
  }
  dependsOn: [
    keyVaultSecretsUser
    cosmosAppDataContributor
  ]
}

resource webAppFtpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

// The bot writes one JSON object per line to stdout; App Service sends it to Log Analytics
// (table AppServiceConsoleLogs), searchable by correlationId. See docs/DEPLOY.md.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: webApp
  name: 'to-log-analytics'
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------
// Azure Bot

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${webAppHostName}/api/messages'
    msaAppId: botAadAppClientId
    msaAppType: 'SingleTenant'
    msaAppTenantId: tenantId
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs: the toolkit writes them to env/.env.<environment> (upper-case names).

output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webAppHostName
output BOT_ENDPOINT string = 'https://${webAppHostName}'
output COSMOS_ENDPOINT string = cosmosAccount.properties.documentEndpoint
output COSMOS_DATABASE string = cosmosDatabaseName
output MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output KEY_VAULT_NAME string = keyVault.name
output LOG_ANALYTICS_WORKSPACE_ID string = logAnalytics.id
