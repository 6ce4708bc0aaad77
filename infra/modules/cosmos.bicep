// Cosmos DB (NoSQL): the account, the database, every container the code uses, and data-plane
// access for the web app's identity (and optionally an operator). No keys: local auth is off.

param cosmosAccountName string
param location string
param cosmosDatabaseName string
param cosmosThroughputMode string
param cosmosAutoscaleMaxThroughput int
param cosmosDisableLocalAuth bool
param operatorPrincipalId string
@description('Resource id of the web app\'s user-assigned identity.')
param identityId string
param identityPrincipalId string

// Built-in Cosmos DB data-plane role "Cosmos DB Built-in Data Contributor".
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

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

// One container per entry of services/store/container-list.json, the list the code reads too (the
// Cosmos adapter, the embedded store's indexes): a container added there is deployed here, with
// the same partition key, composite indexes, unique keys and default TTL. Every path is
// range-indexed ('/*'), so each of the code's ordered fields can be filtered and sorted on.
var containers = loadJsonContent('../../services/store/container-list.json')

resource cosmosContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [for def in containers: {
  parent: cosmosDatabase
  name: def.name
  properties: {
    resource: union({
      id: def.name
      partitionKey: {
        paths: [
          def.partitionKey
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
        compositeIndexes: def.?compositeIndexes ?? []
      }
    }, contains(def, 'uniqueKeys') ? {
      uniqueKeyPolicy: {
        uniqueKeys: map(def.uniqueKeys, keyPaths => {
          paths: keyPaths
        })
      }
    } : {}, contains(def, 'defaultTtl') ? {
      defaultTtl: def.defaultTtl
    } : {})
  }
}]

// The web app's identity may read and write documents (data plane only: no keys, no account changes).
resource cosmosAppDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmosAccount
  name: guid(cosmosAccount.id, identityId, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmosAccount.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: identityPrincipalId
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

output documentEndpoint string = cosmosAccount.properties.documentEndpoint
