// A Linux App Service plan and the web app on Node 22 LTS: always on, health check /healthz,
// HTTPS only, every setting the bot reads, secrets only as Key Vault references.

param resourceBaseName string
param location string
param webAppName string
param webAppHostName string
param webAppSku string
param instanceCount int
param botAadAppClientId string
param tenantId string
param cosmosDatabaseName string
param directorySeedFile string
param identityId string
param identityClientId string
param cosmosEndpoint string
param botPasswordSecretUri string
param exportSigningKeySecretUri string
param logSealKeySecretUri string
param appInsightsConnectionString string
param logAnalyticsWorkspaceId string

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
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identityId
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
          value: '@Microsoft.KeyVault(SecretUri=${botPasswordSecretUri})'
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
          value: '@Microsoft.KeyVault(SecretUri=${exportSigningKeySecretUri})'
        }
        {
          name: 'LOG_SEAL_KEY'
          value: '@Microsoft.KeyVault(SecretUri=${logSealKeySecretUri})'
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmosEndpoint
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
          value: identityClientId
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
          value: appInsightsConnectionString
        }
        {
          name: 'ApplicationInsightsAgent_EXTENSION_VERSION'
          value: '~3'
        }
      ]
    }
  }
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
    workspaceId: logAnalyticsWorkspaceId
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

output id string = webApp.id
