// The GenMerge Durable Functions app, hosted natively on Container Apps (Microsoft.Web/sites on a
// managed environment) and pinned to the GPU workload profile. No keys anywhere: storage,
// Application Insights and the registry are reached with the user-assigned identity.
param name string
param location string
param tags object
param managedEnvironmentId string
param workloadProfileName string

@description('vCPUs per replica, as a decimal string (ARM wants a number; Bicep has no float literal).')
param cpu string

@description('Memory per replica, e.g. 56Gi.')
param memory string

param minReplicas int
param maxReplicas int

@description('Image to run; empty: a public placeholder until azd deploy pushes the real one.')
param imageName string

param registryLoginServer string
param identityId string
param identityClientId string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param applicationInsightsConnectionString string

// Public Functions quickstart image: lets the first provision succeed before any push.
var placeholderImage = 'mcr.microsoft.com/azure-functions/dotnet8-quickstart-demo:1.0'
var image = !empty(imageName) ? imageName : placeholderImage

var appSettings = [
  {
    name: 'FUNCTIONS_EXTENSION_VERSION'
    value: '~4'
  }
  {
    name: 'FUNCTIONS_WORKER_RUNTIME'
    value: 'dotnet-isolated'
  }
  // Host storage (Durable Task hub, leases) through the identity: service URIs, no account key.
  {
    name: 'AzureWebJobsStorage__blobServiceUri'
    value: storageBlobEndpoint
  }
  {
    name: 'AzureWebJobsStorage__queueServiceUri'
    value: storageQueueEndpoint
  }
  {
    name: 'AzureWebJobsStorage__tableServiceUri'
    value: storageTableEndpoint
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  // GenMerge artifact store: blob endpoint + DefaultAzureCredential (picks the identity by AZURE_CLIENT_ID).
  {
    name: 'GENMERGE_STORAGE_ACCOUNT_URL'
    value: storageBlobEndpoint
  }
  {
    name: 'GENMERGE_CONTAINER'
    value: 'runs'
  }
  {
    name: 'AZURE_CLIENT_ID'
    value: identityClientId
  }
  // Telemetry: the connection string names the resource; ingestion is authorised by Entra ID.
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsightsConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'Authorization=AAD;ClientId=${identityClientId}'
  }
  // Registry host only (no scheme): Container Apps validates it as a server name.
  {
    name: 'DOCKER_REGISTRY_SERVER_URL'
    value: registryLoginServer
  }
]

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux,container,azurecontainerapps'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    managedEnvironmentId: managedEnvironmentId
    workloadProfileName: workloadProfileName
    resourceConfig: {
      cpu: json(cpu)
      memory: memory
    }
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'DOCKER|${image}'
      acrUseManagedIdentityCreds: true
      // Functions on Container Apps wants the identity's resource id here, not its client id.
      acrUserManagedIdentityID: identityId
      minimumElasticInstanceCount: minReplicas
      functionAppScaleLimit: maxReplicas
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: appSettings
    }
  }
}

output name string = site.name
output id string = site.id
output uri string = 'https://${site.properties.defaultHostName}'
