// Key Vault holding the bot's client secret, the export signing key and the log seal key; the
// web app's identity may read them (app settings only reference them).

param keyVaultName string
param location string
@secure()
param botAadAppClientSecret string
@secure()
param exportSigningKey string
@secure()
param logSealKey string
param identityId string
param identityPrincipalId string

// Built-in Azure role "Key Vault Secrets User".
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

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
  name: guid(keyVault.id, identityId, keyVaultSecretsUserRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = keyVault.name
output botPasswordSecretUri string = botPasswordSecret.properties.secretUri
output exportSigningKeySecretUri string = exportSigningKeySecret.properties.secretUri
output logSealKeySecretUri string = logSealKeySecret.properties.secretUri
