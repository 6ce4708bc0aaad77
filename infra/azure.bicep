// Warwickshire Safeguarding bot: everything it needs in one resource group.
//
// Written without a Bicep compiler (none can be installed on the machines this was built on) and
// checked only by tests/unit/infra-containers.test.ts. Run `az bicep build --file infra/azure.bicep`
// before the first deployment; see docs/DEPLOY.md. Each part is a module in infra/modules/.
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

// ---------------------------------------------------------------------------------------------
// Identity: the web app reaches Cosmos DB and Key Vault with it (no keys)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-identity'
  location: location
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    resourceBaseName: resourceBaseName
    location: location
    logRetentionDays: logRetentionDays
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    cosmosAccountName: cosmosAccountName
    location: location
    cosmosDatabaseName: cosmosDatabaseName
    cosmosThroughputMode: cosmosThroughputMode
    cosmosAutoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
    cosmosDisableLocalAuth: cosmosDisableLocalAuth
    operatorPrincipalId: operatorPrincipalId
    identityId: identity.id
    identityPrincipalId: identity.properties.principalId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    keyVaultName: keyVaultName
    location: location
    botAadAppClientSecret: botAadAppClientSecret
    exportSigningKey: exportSigningKey
    logSealKey: logSealKey
    identityId: identity.id
    identityPrincipalId: identity.properties.principalId
  }
}

// Uses the outputs of cosmos and keyVault, so it is deployed after the identity's role
// assignments there: the app never starts without access to its data and secrets.
module webApp 'modules/web-app.bicep' = {
  name: 'web-app'
  params: {
    resourceBaseName: resourceBaseName
    location: location
    webAppName: webAppName
    webAppHostName: webAppHostName
    webAppSku: webAppSku
    instanceCount: instanceCount
    botAadAppClientId: botAadAppClientId
    tenantId: tenantId
    cosmosDatabaseName: cosmosDatabaseName
    directorySeedFile: directorySeedFile
    identityId: identity.id
    identityClientId: identity.properties.clientId
    cosmosEndpoint: cosmos.outputs.documentEndpoint
    botPasswordSecretUri: keyVault.outputs.botPasswordSecretUri
    exportSigningKeySecretUri: keyVault.outputs.exportSigningKeySecretUri
    logSealKeySecretUri: keyVault.outputs.logSealKeySecretUri
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    resourceBaseName: resourceBaseName
    botDisplayName: botDisplayName
    botServiceSku: botServiceSku
    botAadAppClientId: botAadAppClientId
    tenantId: tenantId
    webAppHostName: webAppHostName
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs: the toolkit writes them to env/.env.<environment> (upper-case names).

output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.outputs.id
output BOT_DOMAIN string = webAppHostName
output BOT_ENDPOINT string = 'https://${webAppHostName}'
output COSMOS_ENDPOINT string = cosmos.outputs.documentEndpoint
output COSMOS_DATABASE string = cosmosDatabaseName
output MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output KEY_VAULT_NAME string = keyVault.outputs.name
output LOG_ANALYTICS_WORKSPACE_ID string = monitoring.outputs.workspaceId
