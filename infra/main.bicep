// GenMerge on Azure: Durable Functions app as a native Functions-on-Container-Apps site on a
// serverless GPU workload profile, identity-only access to Storage / App Insights / ACR.
// Deployed by `azd up` (azure.yaml at the repo root) or `az deployment sub create`.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; seeds the resource token and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for every resource. Serverless GPUs exist only in some regions (see docs/azure.md).')
param location string

@description('Object id of the deploying user or CI principal (azd fills AZURE_PRINCIPAL_ID). It gets blob data access so merge requests can be uploaded with --auth-mode login. Empty: no assignment.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@allowed([
  'T4'
  'A100'
])
@description('Serverless GPU for the Functions app: T4 (NC8as-T4) or A100 (NC24-A100).')
param gpuProfile string = 'T4'

@minValue(0)
@description('Replicas kept warm (0 scales to zero: no GPU bill while idle, cold starts).')
param minReplicas int = 0

@minValue(1)
@description('Upper bound on replicas; each one holds a whole GPU, so quota caps it too.')
param maxReplicas int = 2

@description('Container image of the Functions app. Empty on first provision: a public placeholder runs until `azd deploy` pushes the real image to the registry.')
param apiImageName string = ''

@description('Optional resource group name; default rg-<environmentName>.')
param resourceGroupName string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}

// Serverless GPU profiles and the largest replica each one accepts.
var gpuProfiles = {
  T4: {
    name: 'gpu-t4'
    type: 'Consumption-GPU-NC8as-T4'
    cpu: '8.0'
    memory: '56Gi'
  }
  A100: {
    name: 'gpu-a100'
    type: 'Consumption-GPU-NC24-A100'
    cpu: '24.0'
    memory: '220Gi'
  }
}
var gpu = gpuProfiles[gpuProfile]

// Names are fixed at compile time so role assignments can be keyed on them (precise what-if).
var names = {
  identity: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
  logAnalytics: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: '${abbrs.insightsComponents}${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${resourceToken}'
  registry: '${abbrs.containerRegistryRegistries}${resourceToken}'
  environment: '${abbrs.appManagedEnvironments}${resourceToken}'
  api: '${abbrs.webSitesFunctions}${resourceToken}'
}

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
  }
}

module registry 'app/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: names.registry
    location: location
    tags: tags
  }
}

module access 'app/access.bicep' = {
  name: 'access'
  scope: rg
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    applicationInsightsName: names.applicationInsights
    registryName: names.registry
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
  dependsOn: [
    identity
    storage
    monitoring
    registry
  ]
}

module environment 'app/environment.bicep' = {
  name: 'container-apps-environment'
  scope: rg
  params: {
    name: names.environment
    location: location
    tags: tags
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    gpuProfileName: gpu.name
    gpuProfileType: gpu.type
  }
}

module api 'app/functions.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: names.api
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    managedEnvironmentId: environment.outputs.id
    workloadProfileName: gpu.name
    cpu: gpu.cpu
    memory: gpu.memory
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    imageName: apiImageName
    registryLoginServer: registry.outputs.loginServer
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
  }
  // The app must not start before its identity can read storage and pull the image.
  dependsOn: [
    access
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_ENVIRONMENT_NAME string = environment.outputs.name
output AZURE_GPU_WORKLOAD_PROFILE string = gpu.type
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output GENMERGE_STORAGE_ACCOUNT_URL string = storage.outputs.blobEndpoint
output AZURE_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName
