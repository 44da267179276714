/*
 * gen_inventory - deterministic generator of an Azure-like resource inventory
 * for the JSON benchmarks (`make bench`, bench/run.sh).
 *
 *   gen_inventory [--count N] [--format array|jsonl] [--seed S] [--profile default|policy]
 *
 * Writes N resources (default 1000) to standard output, either as one
 * top-level array with one element per line ("[\n{..},\n{..}\n]\n") or as
 * JSON Lines. The same seed and count give the same resources, byte for
 * byte, in both formats, on every machine (xoshiro256** seeded by
 * splitmix64; no floating point, no locale, no libc randomness).
 *
 * The mix follows research/bench.md §1.1: ten resource types weighted VMs
 * 10 %, NICs 15, disks 18, public IPs 14, storage accounts 6, VNets 6, NSGs 8,
 * Key Vaults 6, web apps 9, SQL databases 8. Every resource has id, name,
 * type, location and tags (with non-ASCII values and \" \t \\ \uXXXX
 * escapes); some have kind, identity, sku, zones or "managedBy": null; the
 * `properties` object nests up to 5 levels and holds arrays, booleans,
 * integers (some near 2^39 and one above 2^53), fractions, exponents and
 * timestamps. The mean resource is about 800 bytes. Keys are unique inside
 * each object and no string holds \u0000, so every strict parser accepts it.
 *
 * `--profile policy` (for the policy and scan benchmarks) keeps the same
 * resource shapes at half weight and adds the resource types the built-in
 * rules (catalog/rules) apply to, with the settings those rules read
 * (publicNetworkAccess, private endpoint connections, encryption, network
 * rules, TLS, ...), each good or bad at random. The default profile writes the
 * same bytes as before the option existed.
 *
 * Speed matters because the biggest input is piped straight into the parser
 * under test: output is assembled in a large buffer with memcpy and
 * hand-written number formatting (no printf on the hot path).
 */
#define _GNU_SOURCE 1 /* F_SETPIPE_SZ */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_out.h"
#include "bench_rng.h"

/* ---- output buffer ---- */

#define OUT_FLUSH_AT (1u << 20) /* write(2) once this many bytes are buffered */
#define OUT_SLACK (64u << 10)   /* more than one resource can take */

/* The decimal whole.frac with `digits` fraction digits ("1234.56"). */
static void put_fixed(struct out *o, uint64_t whole, uint64_t frac, int digits)
{
    put_u64(o, whole);
    putc1(o, '.');
    put_padded(o, frac, digits);
}

/* A sequence number, at least 7 digits so names sort. */
static void put_seq(struct out *o, uint64_t v)
{
    if (v < 10000000)
        put_padded(o, v, 7);
    else
        put_u64(o, v);
}

static void put_bool(struct out *o, bool b)
{
    if (b)
        LIT(o, "true");
    else
        LIT(o, "false");
}

/* ---- random numbers: bench_rng.h ---- */

/* ---- vocabulary ---- */

static const char *const locations[] = {
    "westeurope",    "northeurope",        "eastus",        "eastus2",  "westus2", "uksouth",
    "francecentral", "germanywestcentral", "southeastasia", "japaneast"};
static const char *const envs[] = {"prod", "dev", "test", "staging", "qa"};
static const char *const apps[] = {"billing",   "crm",      "payments",  "search", "portal",
                                   "reporting", "identity", "inventory", "etl",    "web"};
/* JSON string contents, already escaped where needed. */
static const char *const owners[] = {"alice@contoso.com",
                                     "bob.smith@contoso.com",
                                     "Zo\xc3\xab M\xc3\xbcller",
                                     "Jos\xc3\xa9 Garc\xc3\xad"
                                     "a",
                                     "\xc5\x81ukasz \xc5\xbb\xc3\xb3\xc5\x82w",
                                     "\xe7\x94\xb0\xe4\xb8\xad\xe5\xa4\xaa\xe9\x83\x8e",
                                     "Bj\\u00f6rn \\u00c5berg",
                                     "platform-team",
                                     "\xc3\x86r\xc3\xb8sk\xc3\xb8"
                                     "bing ops",
                                     "S\xc3\xa3o Paulo \xf0\x9f\x9a\x80 squad"};
static const char *const notes[] = {"migrated from \\\"legacy\\\" DC",
                                    "batch 3\\tphase 2",
                                    "path C:\\\\data\\\\app",
                                    "caf\\u00e9 team \\ud83d\\ude80",
                                    "do not delete",
                                    "ticket #4711 \\/ change 99",
                                    "line one\\nline two",
                                    "owner left; see \\\"wiki\\\"\\t(2023)"};
static const char *const vm_sizes[] = {"Standard_D2s_v5", "Standard_D4s_v5", "Standard_B2ms",
                                       "Standard_E8s_v5", "Standard_F4s_v2", "Standard_DS1_v2"};
static const char *const disk_skus[] = {"Premium_LRS", "StandardSSD_LRS", "Standard_LRS",
                                        "Premium_ZRS", "UltraSSD_LRS"};
static const char *const tls_versions[] = {"TLS1_2", "TLS1_2", "TLS1_2", "TLS1_0", "TLS1_1"};
static const char *const protocols[] = {"Tcp", "Udp", "*", "Tcp", "Icmp"};
static const char *const ports[] = {"22", "3389", "443", "80", "*", "1433", "8080-8090"};
static const char *const prefixes[] = {"*",          "Internet",          "VirtualNetwork",
                                       "10.0.0.0/8", "AzureLoadBalancer", "203.0.113.0/24"};
static const char *const runtimes[] = {"NODE|18-lts", "PYTHON|3.11", "DOTNETCORE|8.0",
                                       "JAVA|17-java17", "PHP|8.2"};
static const char *const sql_skus[] = {"GP_Gen5", "BC_Gen5", "S0", "P1", "GP_S_Gen5"};
static const char *const key_perms[] = {"get",    "list",   "create",  "delete",  "update",
                                        "import", "backup", "restore", "recover", "purge"};

#define NSUBS 8

struct gen {
    struct out o;
    struct rng r;
    uint64_t seq;         /* resources written so far */
    uint32_t groups;      /* resource groups rg-0 .. rg-(groups-1) */
    char subs[NSUBS][37]; /* subscription GUIDs */
    char tenant[37];      /* the tenant GUID */
    char id[512];         /* the current resource's id */
    size_t id_len;
    const char *sub; /* this resource's subscription */
    uint32_t rg;     /* this resource's group */
};

static void put_guid(struct gen *g)
{
    char tmp[37];
    rng_guid(&g->r, tmp, false);
    put(&g->o, tmp, 36);
}

/* "2023-04-05T12:34:56.1234567Z" (quoted). */
static void put_time(struct gen *g)
{
    struct out *o = &g->o;
    putc1(o, '"');
    put_u64(o, 2019 + below(&g->r, 6));
    putc1(o, '-');
    put_padded(o, 1 + below(&g->r, 12), 2);
    putc1(o, '-');
    put_padded(o, 1 + below(&g->r, 28), 2);
    putc1(o, 'T');
    put_padded(o, below(&g->r, 24), 2);
    putc1(o, ':');
    put_padded(o, below(&g->r, 60), 2);
    putc1(o, ':');
    put_padded(o, below(&g->r, 60), 2);
    putc1(o, '.');
    put_padded(o, below(&g->r, 10000000), 7);
    LIT(o, "Z\"");
}

static void put_ip(struct gen *g, uint32_t first)
{
    put_u64(&g->o, first);
    for (int i = 0; i < 3; i++) {
        putc1(&g->o, '.');
        put_u64(&g->o, below(&g->r, 256));
    }
}

/* "/subscriptions/<sub>/resourceGroups/rg-N/providers/" of this resource. */
static void put_scope(struct gen *g)
{
    LIT(&g->o, "/subscriptions/");
    put(&g->o, g->sub, 36);
    LIT(&g->o, "/resourceGroups/rg-");
    put_u64(&g->o, g->rg);
    LIT(&g->o, "/providers/");
}

/* An id of a related resource in the same group: {"id":"..."} */
static void put_ref(struct gen *g, const char *type_and_prefix)
{
    LIT(&g->o, "{\"id\":\"");
    put_scope(g);
    puts0(&g->o, type_and_prefix);
    put_u64(&g->o, below(&g->r, 1000000));
    LIT(&g->o, "\"}");
}

/* ---- per-type properties (the value of "properties", braces included) ---- */

static void props_vm(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    bool linux_os = chance(r, 70);
    LIT(o, "{\"vmId\":\"");
    put_guid(g);
    LIT(o, "\",\"hardwareProfile\":{\"vmSize\":\"");
    puts0(o, PICK(r, vm_sizes));
    LIT(o, "\"},\"storageProfile\":{\"imageReference\":{\"offer\":\"");
    puts0(o, linux_os ? "ubuntu-24_04-lts" : "WindowsServer");
    LIT(o, "\"},\"osDisk\":{\"osType\":\"");
    puts0(o, linux_os ? "Linux" : "Windows");
    LIT(o, "\",\"createOption\":\"FromImage\",\"managedDisk\":{"
           "\"storageAccountType\":\"");
    puts0(o, PICK(r, disk_skus));
    LIT(o, "\"},\"diskSizeGB\":");
    put_u64(o, 30u << below(r, 4));
    LIT(o, "},\"dataDisks\":[");
    uint32_t nd = below(r, 3) ? 0 : 1 + below(r, 2);
    for (uint32_t i = 0; i < nd; i++) {
        if (i)
            putc1(o, ',');
        LIT(o, "{\"lun\":");
        put_u64(o, i);
        LIT(o, ",\"createOption\":\"Attach\",\"diskSizeGB\":");
        put_u64(o, 128u << below(r, 4));
        LIT(o, ",\"managedDisk\":{\"storageAccountType\":\"");
        puts0(o, PICK(r, disk_skus));
        LIT(o, "\"}}");
    }
    LIT(o, "]},\"osProfile\":{\"computerName\":\"vm");
    put_u64(o, g->seq);
    LIT(o, "\",\"adminUsername\":\"azureuser\",");
    if (linux_os) {
        LIT(o, "\"linuxConfiguration\":{\"disablePasswordAuthentication\":");
        put_bool(o, chance(r, 80));
        LIT(o, ",\"provisionVMAgent\":true,\"patchSettings\":{\"patchMode\":\"");
        puts0(o, chance(r, 60) ? "AutomaticByPlatform" : "ImageDefault");
        LIT(o, "\",\"automaticByPlatformSettings\":{\"rebootSetting\":\"IfRequired\"}}}");
    } else {
        LIT(o, "\"windowsConfiguration\":{\"enableAutomaticUpdates\":");
        put_bool(o, chance(r, 70));
        LIT(o, ",\"timeZone\":\"W. Europe Standard Time\",\"patchSettings\":{\"patchMode\":"
               "\"AutomaticByOS\",\"enableHotpatching\":false}}");
    }
    LIT(o, ",\"secrets\":[]},\"networkProfile\":{\"networkInterfaces\":[");
    put_ref(g, "Microsoft.Network/networkInterfaces/nic-");
    LIT(o, "]},\"securityProfile\":{\"uefiSettings\":{\"secureBootEnabled\":");
    put_bool(o, chance(r, 50));
    LIT(o, ",\"vTpmEnabled\":");
    put_bool(o, chance(r, 50));
    LIT(o, "},\"securityType\":\"TrustedLaunch\",\"encryptionAtHost\":");
    put_bool(o, chance(r, 30));
    LIT(o, "},\"provisioningState\":\"Succeeded\",\"timeCreated\":");
    put_time(g);
    putc1(o, '}');
}

static void props_nic(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    LIT(o, "{\"provisioningState\":\"Succeeded\",\"ipConfigurations\":[{\"name\":\"ipconfig1\","
           "\"properties\":{"
           "\"privateIPAddress\":\"");
    put_ip(g, 10);
    LIT(o, "\",\"privateIPAllocationMethod\":\"");
    puts0(o, chance(r, 80) ? "Dynamic" : "Static");
    LIT(o, "\",\"subnet\":");
    put_ref(g, "Microsoft.Network/virtualNetworks/vnet-1/subnets/snet-");
    if (chance(r, 15)) {
        LIT(o, ",\"publicIPAddress\":");
        put_ref(g, "Microsoft.Network/publicIPAddresses/pip-");
    }
    LIT(o, ",\"primary\":true,\"privateIPAddressVersion\":\"IPv4\"}}],\"dnsSettings\":{"
           "\"dnsServers\":[]},\"enableAcceleratedNetworking\":");
    put_bool(o, chance(r, 40));
    LIT(o, ",\"enableIPForwarding\":");
    put_bool(o, chance(r, 5));
    if (chance(r, 20)) {
        LIT(o, ",\"networkSecurityGroup\":");
        put_ref(g, "Microsoft.Network/networkSecurityGroups/nsg-");
    }
    if (chance(r, 50)) {
        LIT(o, ",\"virtualMachine\":");
        put_ref(g, "Microsoft.Compute/virtualMachines/vm-");
        LIT(o, ",\"macAddress\":\"00-0D-3A-");
        put_padded(o, below(r, 100), 2);
        LIT(o, "-");
        put_padded(o, below(r, 100), 2);
        LIT(o, "-");
        put_padded(o, below(r, 100), 2);
        putc1(o, '"');
    }
    putc1(o, '}');
}

static void props_disk(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    uint64_t gb = 32u << below(r, 6);
    LIT(o, "{\"creationData\":{\"createOption\":\"");
    if (chance(r, 15)) {
        LIT(o, "FromImage\",\"imageReference\":{\"id\":\"/Subscriptions/");
        put(o, g->sub, 36);
        LIT(o, "/Providers/Microsoft.Compute/Locations/westeurope/Publishers/canonical/"
               "ArtifactTypes/VMImage/Offers/ubuntu-24_04-lts/Skus/server/Versions/"
               "24.04.202405140\"}}");
    } else {
        LIT(o, "Empty\"}");
    }
    LIT(o, ",\"diskSizeGB\":");
    put_u64(o, gb);
    LIT(o, ",\"diskSizeBytes\":");
    put_u64(o, gb << 30);
    LIT(o, ",\"diskIOPSReadWrite\":");
    put_u64(o, 120 + 20 * below(r, 250));
    LIT(o, ",\"encryption\":{\"type\":\"");
    puts0(o, chance(r, 85) ? "EncryptionAtRestWithPlatformKey" : "EncryptionAtRestWithCustomerKey");
    LIT(o, "\"},\"networkAccessPolicy\":\"");
    puts0(o, chance(r, 70) ? "AllowAll" : "DenyAll");
    LIT(o, "\",\"timeCreated\":");
    put_time(g);
    LIT(o, ",\"provisioningState\":\"Succeeded\",\"diskState\":\"");
    puts0(o, chance(r, 85) ? "Attached" : "Unattached");
    LIT(o, "\",\"tier\":\"P");
    put_u64(o, 4 + below(r, 40));
    LIT(o, "\"}");
}

static void props_pip(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    LIT(o, "{\"provisioningState\":\"Succeeded\",\"resourceGuid\":\"");
    put_guid(g);
    LIT(o, "\",\"ipAddress\":\"");
    put_ip(g, 20 + below(r, 200));
    LIT(o, "\",\"publicIPAddressVersion\":\"IPv4\",\"publicIPAllocationMethod\":\"");
    puts0(o, chance(r, 75) ? "Static" : "Dynamic");
    LIT(o, "\",\"idleTimeoutInMinutes\":");
    put_u64(o, 4 + below(r, 27));
    LIT(o, ",\"ipTags\":[]");
    if (chance(r, 40)) {
        LIT(o, ",\"ipConfiguration\":");
        put_ref(g, "Microsoft.Network/networkInterfaces/nic-");
    }
    if (chance(r, 40)) {
        LIT(o, ",\"dnsSettings\":{\"domainNameLabel\":\"app");
        put_u64(o, g->seq);
        LIT(o, "\",\"fqdn\":\"app");
        put_u64(o, g->seq);
        LIT(o, ".westeurope.cloudapp.azure.com\"}");
    }
    LIT(o, ",\"ddosSettings\":{\"protectionMode\":\"VirtualNetworkInherited\"}}");
}

static void props_storage(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    LIT(o, "{\"minimumTlsVersion\":\"");
    puts0(o, PICK(r, tls_versions));
    LIT(o, "\",\"allowBlobPublicAccess\":");
    put_bool(o, chance(r, 30));
    LIT(o, ",\"supportsHttpsTrafficOnly\":");
    put_bool(o, chance(r, 90));
    LIT(o, ",\"networkAcls\":{\"bypass\":\"AzureServices\",\"virtualNetworkRules\":[],"
           "\"ipRules\":[");
    uint32_t n = below(r, 3);
    for (uint32_t i = 0; i < n; i++) {
        LIT(o, "{\"value\":\"");
        put_ip(g, 198);
        LIT(o, "\",\"action\":\"Allow\"},");
    }
    if (n)
        o->len--; /* the last comma */
    LIT(o, "],\"defaultAction\":\"");
    puts0(o, chance(r, 50) ? "Allow" : "Deny");
    LIT(o, "\"},\"encryption\":{\"services\":{\"file\":{\"keyType\":\"Account\",\"enabled\":true}},"
           "\"keySource\":\"Microsoft.Storage\"},\"accessTier\":\"");
    puts0(o, chance(r, 80) ? "Hot" : "Cool");
    LIT(o, "\",\"primaryEndpoints\":{\"blob\":\"https://st");
    put_u64(o, g->seq);
    LIT(o, ".blob.core.windows.net/\"},\"creationTime\":");
    put_time(g);
    LIT(o, ",\"usedCapacityGB\":");
    put_fixed(o, below(r, 100000), below(r, 100), 2);
    LIT(o, ",\"ingressErrorRate\":");
    put_fixed(o, 1 + below(r, 9), below(r, 10), 1);
    LIT(o, "e-");
    put_u64(o, 2 + below(r, 6));
    LIT(o, ",\"provisioningState\":\"Succeeded\"}");
}

static void props_vnet(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    uint32_t net = below(r, 256);
    LIT(o, "{\"provisioningState\":\"Succeeded\",\"resourceGuid\":\"");
    put_guid(g);
    LIT(o, "\",\"addressSpace\":{\"addressPrefixes\":[\"10.");
    put_u64(o, net);
    LIT(o, ".0.0/16\"]},\"subnets\":[");
    uint32_t n = 1 + below(r, 3);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            putc1(o, ',');
        LIT(o, "{\"name\":\"snet-");
        put_u64(o, i);
        LIT(o, "\",\"properties\":{\"addressPrefix\":\"10.");
        put_u64(o, net);
        putc1(o, '.');
        put_u64(o, i);
        LIT(o, ".0/24\"");
        if (chance(r, 25)) {
            LIT(o, ",\"networkSecurityGroup\":");
            put_ref(g, "Microsoft.Network/networkSecurityGroups/nsg-");
        }
        LIT(o, ",\"privateEndpointNetworkPolicies\":\"Disabled\",\"delegations\":[]}}");
    }
    LIT(o, "],\"virtualNetworkPeerings\":[],\"enableDdosProtection\":");
    put_bool(o, chance(r, 10));
    putc1(o, '}');
}

static void props_nsg(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    LIT(o, "{\"provisioningState\":\"Succeeded\",\"resourceGuid\":\"");
    put_guid(g);
    LIT(o, "\",\"securityRules\":[");
    uint32_t n = 1 + below(r, 2);
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            putc1(o, ',');
        LIT(o, "{\"name\":\"rule-");
        put_u64(o, i);
        LIT(o, "\",\"properties\":{\"protocol\":\"");
        puts0(o, PICK(r, protocols));
        LIT(o, "\",\"sourcePortRange\":\"*\",\"destinationPortRange\":\"");
        puts0(o, PICK(r, ports));
        LIT(o, "\",\"sourceAddressPrefix\":\"");
        puts0(o, PICK(r, prefixes));
        LIT(o, "\",\"destinationAddressPrefix\":\"*\",\"access\":\"");
        puts0(o, chance(r, 80) ? "Allow" : "Deny");
        LIT(o, "\",\"priority\":");
        put_u64(o, 100 + 10 * i);
        LIT(o, ",\"direction\":\"");
        puts0(o, chance(r, 70) ? "Inbound" : "Outbound");
        LIT(o, "\"}}");
    }
    LIT(o, "],\"flowLogs\":null}");
}

static void put_perm_list(struct gen *g)
{
    struct out *o = &g->o;
    uint32_t mask = below(&g->r, 1024);
    putc1(o, '[');
    bool first = true;
    for (uint32_t i = 0; i < 10; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (!first)
            putc1(o, ',');
        first = false;
        putc1(o, '"');
        puts0(o, key_perms[i]);
        putc1(o, '"');
    }
    putc1(o, ']');
}

static void props_keyvault(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    bool rbac = chance(r, 50);
    LIT(o, "{\"sku\":{\"family\":\"A\",\"name\":\"");
    puts0(o, chance(r, 80) ? "standard" : "premium");
    LIT(o, "\"},\"tenantId\":\"");
    put(o, g->tenant, 36);
    LIT(o, "\",\"enableSoftDelete\":true,\"softDeleteRetentionInDays\":");
    put_u64(o, 7 + below(r, 84));
    LIT(o, ",\"enablePurgeProtection\":");
    if (chance(r, 40))
        LIT(o, "null");
    else
        put_bool(o, chance(r, 50));
    LIT(o, ",\"enableRbacAuthorization\":");
    put_bool(o, rbac);
    LIT(o, ",\"vaultUri\":\"https://kv-");
    put_u64(o, g->seq);
    LIT(o, ".vault.azure.net/\",\"networkAcls\":{\"defaultAction\":\"");
    puts0(o, chance(r, 50) ? "Allow" : "Deny");
    LIT(o, "\",\"bypass\":\"AzureServices\",\"ipRules\":[],\"virtualNetworkRules\":[]},"
           "\"accessPolicies\":[");
    uint32_t n = rbac ? 0 : 1;
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            putc1(o, ',');
        LIT(o, "{\"tenantId\":\"");
        put(o, g->tenant, 36);
        LIT(o, "\",\"objectId\":\"");
        put_guid(g);
        LIT(o, "\",\"permissions\":{\"keys\":");
        put_perm_list(g);
        LIT(o, ",\"secrets\":");
        put_perm_list(g);
        LIT(o, ",\"certificates\":[]}}");
    }
    LIT(o, "],\"provisioningState\":\"Succeeded\"}");
}

static void props_webapp(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    LIT(o, "{\"state\":\"");
    puts0(o, chance(r, 90) ? "Running" : "Stopped");
    LIT(o, "\",\"hostNames\":[\"app-");
    put_u64(o, g->seq);
    LIT(o, ".azurewebsites.net\"],\"enabled\":true,\"httpsOnly\":");
    put_bool(o, chance(r, 70));
    LIT(o, ",\"serverFarm\":\"plan-");
    put_u64(o, below(r, 1000));
    LIT(o, "\",\"siteConfig\":{\"minTlsVersion\":\"");
    puts0(o, chance(r, 80) ? "1.2" : "1.0");
    LIT(o, "\",\"ftpsState\":\"");
    puts0(o, chance(r, 60) ? "FtpsOnly" : "AllAllowed");
    LIT(o, "\",\"http20Enabled\":");
    put_bool(o, chance(r, 50));
    LIT(o, ",\"alwaysOn\":");
    put_bool(o, chance(r, 50));
    LIT(o, ",\"linuxFxVersion\":\"");
    puts0(o, PICK(r, runtimes));
    LIT(o, "\",\"ipSecurityRestrictions\":[{\"ipAddress\":\"Any\",\"action\":\"Allow\","
           "\"priority\":2147483647,\"name\":\"Allow all\"}]},\"clientCertEnabled\":");
    put_bool(o, chance(r, 20));
    LIT(o, ",\"lastModifiedTimeUtc\":");
    put_time(g);
    LIT(o, ",\"healthScore\":0.");
    put_padded(o, below(r, 1000), 3);
    LIT(o, ",\"dailyMemoryTimeQuota\":0}");
}

static void props_sql(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    LIT(o, "{\"maxSizeBytes\":");
    put_u64(o, (uint64_t)1 << (30 + below(r, 11)));
    LIT(o, ",\"status\":\"Online\",\"databaseId\":\"");
    put_guid(g);
    LIT(o, "\",\"creationDate\":");
    put_time(g);
    LIT(o, ",\"currentServiceObjectiveName\":\"GP_Gen5_");
    put_u64(o, 2u << below(r, 4));
    LIT(o, "\",\"requestedBackupStorageRedundancy\":\"");
    puts0(o, chance(r, 50) ? "Geo" : "Local");
    LIT(o, "\",\"zoneRedundant\":");
    put_bool(o, chance(r, 25));
    LIT(o, ",\"readScale\":\"Disabled\",\"autoPauseDelay\":");
    put_i64(o, chance(r, 50) ? -1 : 60);
    LIT(o, ",\"minCapacity\":0.5,\"isLedgerOn\":false,\"maxLogSizeBytes\":");
    put_u64(o, 9007199254740993u + below(r, 1000)); /* above 2^53 */
    LIT(o, ",\"transparentDataEncryption\":{\"state\":\"");
    puts0(o, chance(r, 90) ? "Enabled" : "Disabled");
    LIT(o, "\"}}");
}

/* ---- --profile policy: more types, with the settings the built-in rules read ---- */

/* Property groups of props_generic (bit flags). */
enum {
    G_PNA = 1u << 0,       /* publicNetworkAccess */
    G_PEC = 1u << 1,       /* privateEndpointConnections[*] */
    G_ENC_KEY = 1u << 2,   /* encryption.keySource (+ keyVaultProperties) */
    G_ENC_STATE = 1u << 3, /* encryption.status */
    G_ACLS = 1u << 4,      /* networkAcls.defaultAction */
    G_RULESET = 1u << 5,   /* networkRuleSet.defaultAction */
    G_SSL = 1u << 6,       /* sslEnforcement, minimalTlsVersion */
    G_GEO = 1u << 7,       /* storageProfile.geoRedundantBackup */
    G_REDIS = 1u << 8,     /* enableNonSslPort, subnetId */
    G_KEYID = 1u << 9,     /* keyId (SQL TDE protector) */
    G_COSMOS = 1u << 10,   /* disableLocalAuth, isVirtualNetworkFilterEnabled, keyVaultKeyUri */
    G_AKS = 1u << 11,      /* enableRBAC, addonProfiles, apiServerAccessProfile, defender */
    G_APIM = 1u << 12,     /* virtualNetworkType */
    G_SPRING = 1u << 13,   /* networkProfile.serviceRuntimeSubnetId */
    G_IOT = 1u << 14,      /* ipFilterRules, networkRuleSets */
    G_SF = 1u << 15,       /* azureActiveDirectory, fabricSettings */
    G_VMSS = 1u << 16,     /* virtualMachineProfile */
    G_APPGW = 1u << 17,    /* webApplicationFirewallConfiguration / firewallPolicy */
    G_FD = 1u << 18,       /* frontendEndpoints[*].webApplicationFirewallPolicyLink */
    G_AIB = 1u << 19,      /* vmProfile.vnetConfig */
    G_VAR = 1u << 20,      /* isEncrypted (Automation variables) */
    G_HC = 1u << 21,       /* osName, osType (Arc machines) */
};

static const char *const on_off[] = {"Enabled", "Disabled"};

static void props_generic(struct gen *g, uint32_t groups)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    LIT(o, "{\"provisioningState\":\"Succeeded\"");
    if (groups & G_PNA) {
        LIT(o, ",\"publicNetworkAccess\":\"");
        puts0(o, chance(r, 60) ? "Enabled" : "Disabled");
        putc1(o, '"');
    }
    if (groups & G_PEC) {
        LIT(o, ",\"privateEndpointConnections\":[");
        uint32_t n = below(r, 3);
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                putc1(o, ',');
            LIT(o, "{\"id\":\"");
            put(o, g->id, g->id_len);
            LIT(o, "/privateEndpointConnections/pe-");
            put_u64(o, i);
            LIT(o, "\",\"properties\":{\"privateEndpoint\":");
            put_ref(g, "Microsoft.Network/privateEndpoints/pe-");
            LIT(o, ",\"privateLinkServiceConnectionState\":{\"status\":\"");
            puts0(o, chance(r, 70) ? "Approved" : "Pending");
            LIT(o, "\",\"description\":\"\"}}}");
        }
        putc1(o, ']');
    }
    if (groups & (G_ENC_KEY | G_ENC_STATE)) {
        bool cmk = chance(r, 30);
        LIT(o, ",\"encryption\":{");
        if (groups & G_ENC_STATE) {
            LIT(o, "\"status\":\"");
            puts0(o, cmk ? "enabled" : "disabled");
            LIT(o, "\"");
        }
        if (groups & G_ENC_KEY) {
            if (groups & G_ENC_STATE)
                putc1(o, ',');
            LIT(o, "\"keySource\":\"");
            puts0(o, cmk ? "Microsoft.KeyVault" : "Microsoft.CognitiveServices");
            putc1(o, '"');
            if (cmk)
                LIT(o, ",\"keyVaultProperties\":{\"keyName\":\"cmk\",\"keyVaultUri\":"
                       "\"https://kv-cmk.vault.azure.net/\"}");
        }
        putc1(o, '}');
    }
    if (groups & G_ACLS) {
        LIT(o, ",\"networkAcls\":{\"defaultAction\":\"");
        puts0(o, chance(r, 50) ? "Allow" : "Deny");
        LIT(o, "\",\"ipRules\":[],\"virtualNetworkRules\":[]}");
    }
    if (groups & G_RULESET) {
        LIT(o, ",\"networkRuleSet\":{\"defaultAction\":\"");
        puts0(o, chance(r, 50) ? "Allow" : "Deny");
        LIT(o, "\",\"ipRules\":[]}");
    }
    if (groups & G_SSL) {
        LIT(o, ",\"sslEnforcement\":\"");
        puts0(o, PICK(r, on_off));
        LIT(o, "\",\"minimalTlsVersion\":\"");
        puts0(o, chance(r, 70) ? "TLS1_2" : "TLSEnforcementDisabled");
        LIT(o, "\",\"version\":\"");
        puts0(o, chance(r, 50) ? "5.7" : "11");
        putc1(o, '"');
    }
    if (groups & G_GEO) {
        LIT(o, ",\"storageProfile\":{\"storageMB\":");
        put_u64(o, 5120u << below(r, 6));
        LIT(o, ",\"backupRetentionDays\":");
        put_u64(o, 7 + below(r, 29));
        LIT(o, ",\"geoRedundantBackup\":\"");
        puts0(o, PICK(r, on_off));
        LIT(o, "\",\"storageAutogrow\":\"Enabled\"}");
    }
    if (groups & G_REDIS) {
        LIT(o, ",\"enableNonSslPort\":");
        put_bool(o, chance(r, 20));
        LIT(o, ",\"redisVersion\":\"6.0\"");
        if (chance(r, 30)) {
            LIT(o, ",\"subnetId\":\"");
            put_scope(g);
            LIT(o, "Microsoft.Network/virtualNetworks/vnet-1/subnets/redis\"");
        }
    }
    if ((groups & G_KEYID) && chance(r, 30)) {
        LIT(o, ",\"keyId\":\"https://kv-cmk.vault.azure.net/keys/tde/");
        put_u64(o, below(r, 1000000));
        putc1(o, '"');
    }
    if (groups & G_COSMOS) {
        LIT(o, ",\"disableLocalAuth\":");
        put_bool(o, chance(r, 40));
        LIT(o, ",\"isVirtualNetworkFilterEnabled\":");
        put_bool(o, chance(r, 50));
        if (chance(r, 20))
            LIT(o, ",\"keyVaultKeyUri\":\"https://kv-cmk.vault.azure.net/keys/cosmos\"");
        LIT(o, ",\"databaseAccountOfferType\":\"Standard\",\"consistencyPolicy\":"
               "{\"defaultConsistencyLevel\":\"Session\"}");
    }
    if (groups & G_AKS) {
        LIT(o, ",\"kubernetesVersion\":\"1.29.4\",\"enableRBAC\":");
        put_bool(o, chance(r, 85));
        LIT(o, ",\"addonProfiles\":{\"azurepolicy\":{\"enabled\":");
        put_bool(o, chance(r, 50));
        LIT(o, "}},\"apiServerAccessProfile\":{\"enablePrivateCluster\":");
        put_bool(o, chance(r, 30));
        LIT(o, "}");
        if (chance(r, 50)) {
            LIT(o, ",\"securityProfile\":{\"defender\":{\"securityMonitoring\":{\"enabled\":");
            put_bool(o, chance(r, 70));
            LIT(o, "}}}");
        }
    }
    if (groups & G_APIM) {
        LIT(o, ",\"virtualNetworkType\":\"");
        puts0(o, chance(r, 60) ? "None" : (chance(r, 50) ? "External" : "Internal"));
        putc1(o, '"');
    }
    if ((groups & G_SPRING) && chance(r, 40)) {
        LIT(o, ",\"networkProfile\":{\"serviceRuntimeSubnetId\":\"");
        put_scope(g);
        LIT(o, "Microsoft.Network/virtualNetworks/vnet-1/subnets/spring-rt\"}");
    }
    if (groups & G_IOT) {
        LIT(o, ",\"ipFilterRules\":[");
        uint32_t n = below(r, 3);
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                putc1(o, ',');
            LIT(o, "{\"filterName\":\"f");
            put_u64(o, i);
            LIT(o, "\",\"action\":\"");
            puts0(o, chance(r, 70) ? "Accept" : "Reject");
            LIT(o, "\",\"ipMask\":\"");
            put_ip(g, 52);
            putc1(o, '/');
            put_u64(o, 8 + below(r, 25));
            LIT(o, "\"}");
        }
        LIT(o, "],\"networkRuleSets\":{\"defaultAction\":\"");
        puts0(o, chance(r, 50) ? "Allow" : "Deny");
        LIT(o, "\",\"applyToBuiltInEventHubEndpoint\":true,\"ipRules\":[]}");
    }
    if (groups & G_SF) {
        if (chance(r, 50)) {
            LIT(o, ",\"azureActiveDirectory\":{\"tenantId\":\"");
            put(o, g->tenant, 36);
            LIT(o, "\",\"clusterApplication\":\"");
            put_guid(g);
            LIT(o, "\"}");
        }
        LIT(o, ",\"fabricSettings\":[{\"name\":\"Security\",\"parameters\":[{\"name\":"
               "\"ClusterProtectionLevel\",\"value\":\"");
        puts0(o, chance(r, 60) ? "EncryptAndSign" : "None");
        LIT(o, "\"}]}]");
    }
    if (groups & G_VMSS) {
        bool linux_os = chance(r, 70);
        LIT(o, ",\"virtualMachineProfile\":{\"storageProfile\":{\"osDisk\":{\"osType\":\"");
        puts0(o, linux_os ? "Linux" : "Windows");
        LIT(o, "\",\"createOption\":\"FromImage\"}},\"securityProfile\":{\"securityType\":\"");
        puts0(o, chance(r, 50) ? "TrustedLaunch" : "Standard");
        LIT(o, "\",\"uefiSettings\":{\"secureBootEnabled\":");
        put_bool(o, chance(r, 50));
        LIT(o, ",\"vTpmEnabled\":");
        put_bool(o, chance(r, 50));
        LIT(o, "}},\"extensionProfile\":{\"extensions\":[");
        uint32_t n = below(r, 3);
        for (uint32_t i = 0; i < n; i++) {
            if (i)
                putc1(o, ',');
            bool mon = chance(r, 50);
            LIT(o, "{\"name\":\"ext");
            put_u64(o, i);
            LIT(o, "\",\"properties\":{\"publisher\":\"");
            puts0(o, mon ? "Microsoft.EnterpriseCloud.Monitoring" : "Microsoft.Azure.Diagnostics");
            LIT(o, "\",\"type\":\"");
            puts0(o, mon ? (linux_os ? "OmsAgentForLinux" : "MicrosoftMonitoringAgent")
                         : (linux_os ? "LinuxDiagnostic" : "IaaSDiagnostics"));
            LIT(o, "\",\"typeHandlerVersion\":\"1.0\"}}");
        }
        LIT(o, "]}}");
    }
    if (groups & G_APPGW) {
        uint32_t x = below(r, 3);
        if (x == 1)
            LIT(o, ",\"webApplicationFirewallConfiguration\":{\"enabled\":true,"
                   "\"firewallMode\":\"Prevention\",\"ruleSetType\":\"OWASP\"}");
        else if (x == 2) {
            LIT(o, ",\"firewallPolicy\":");
            put_ref(g, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/waf-");
        }
    }
    if (groups & G_FD) {
        LIT(o, ",\"frontendEndpoints\":[{\"name\":\"fe\",\"properties\":{\"hostName\":\"fd");
        put_u64(o, g->seq);
        LIT(o, ".azurefd.net\"");
        if (chance(r, 50)) {
            LIT(o, ",\"webApplicationFirewallPolicyLink\":");
            put_ref(g, "Microsoft.Network/frontdoorWebApplicationFirewallPolicies/waf-");
        }
        LIT(o, "}}]");
    }
    if ((groups & G_AIB) && chance(r, 40)) {
        LIT(o, ",\"vmProfile\":{\"vmSize\":\"Standard_D2s_v3\",\"vnetConfig\":{\"subnetId\":\"");
        put_scope(g);
        LIT(o, "Microsoft.Network/virtualNetworks/vnet-1/subnets/aib\"}}");
    }
    if (groups & G_VAR) {
        LIT(o, ",\"isEncrypted\":");
        put_bool(o, chance(r, 60));
        LIT(o, ",\"value\":\"\\\"x\\\"\"");
    }
    if (groups & G_HC) {
        bool linux_os = chance(r, 60);
        LIT(o, ",\"osName\":\"");
        puts0(o, linux_os ? "ubuntu" : "windows");
        LIT(o, "\",\"osType\":\"");
        puts0(o, linux_os ? "linux" : "windows");
        LIT(o, "\",\"status\":\"Connected\",\"agentVersion\":\"1.40\"");
    }
    LIT(o, ",\"createdAt\":");
    put_time(g);
    putc1(o, '}');
}

#define GENERIC(name, groups)                                                                      \
    static void name(struct gen *g)                                                                \
    {                                                                                              \
        props_generic(g, (groups));                                                                \
    }
GENERIC(props_apim, G_APIM | G_PNA)
GENERIC(props_appconfig, G_PEC | G_PNA | G_ENC_KEY)
GENERIC(props_spring, G_SPRING)
GENERIC(props_autovar, G_VAR)
GENERIC(props_redis, G_REDIS | G_PNA | G_PEC)
GENERIC(props_cognitive, G_ENC_KEY | G_ACLS | G_PNA | G_PEC)
GENERIC(props_vmss, G_VMSS)
GENERIC(props_acr, G_ENC_STATE | G_RULESET | G_PEC | G_PNA)
GENERIC(props_aks, G_AKS)
GENERIC(props_dbserver, G_PEC | G_PNA | G_GEO | G_SSL)
GENERIC(props_iot, G_IOT | G_PNA)
GENERIC(props_cosmos, G_COSMOS | G_PEC | G_PNA)
GENERIC(props_eventgrid, G_PEC | G_PNA)
GENERIC(props_mlws, G_ENC_STATE | G_PEC | G_PNA)
GENERIC(props_appgw, G_APPGW)
GENERIC(props_frontdoor, G_FD)
GENERIC(props_sf, G_SF)
GENERIC(props_sqlserver, G_KEYID | G_PEC | G_PNA)
GENERIC(props_sqlmi, G_KEYID | G_PNA)
GENERIC(props_aib, G_AIB)
GENERIC(props_hybrid, G_HC)
GENERIC(props_plain, G_PNA)
#undef GENERIC

/* ---- resource envelope ---- */

struct rtype {
    const char *type;        /* ARM type */
    const char *prefix;      /* name prefix */
    uint32_t weight;         /* percent of the inventory */
    const char *kind;        /* "kind" value or NULL */
    uint32_t identity_pct;   /* chance of an "identity" block */
    uint32_t zones_pct;      /* chance of "zones" */
    const char *const *skus; /* sku names or NULL */
    size_t nskus;
    void (*props)(struct gen *);
};

static const char *const pip_skus[] = {"Standard", "Basic"};
static const char *const st_skus[] = {"Standard_LRS", "Standard_GRS", "Standard_ZRS",
                                      "Premium_LRS"};

#define SKUS(a) a, sizeof(a) / sizeof(a[0])

static const struct rtype rtypes[] = {
    {"Microsoft.Compute/virtualMachines", "vm-", 10, NULL, 40, 50, NULL, 0, props_vm},
    {"Microsoft.Network/networkInterfaces", "nic-", 15, NULL, 0, 0, NULL, 0, props_nic},
    {"Microsoft.Compute/disks", "disk-", 18, NULL, 0, 40, SKUS(disk_skus), props_disk},
    {"Microsoft.Network/publicIPAddresses", "pip-", 14, NULL, 0, 60, SKUS(pip_skus), props_pip},
    {"Microsoft.Storage/storageAccounts", "st", 6, "StorageV2", 20, 0, SKUS(st_skus),
     props_storage},
    {"Microsoft.Network/virtualNetworks", "vnet-", 6, NULL, 0, 0, NULL, 0, props_vnet},
    {"Microsoft.Network/networkSecurityGroups", "nsg-", 8, NULL, 0, 0, NULL, 0, props_nsg},
    {"Microsoft.KeyVault/vaults", "kv-", 6, NULL, 0, 0, NULL, 0, props_keyvault},
    {"Microsoft.Web/sites", "app-", 9, "app,linux", 50, 0, NULL, 0, props_webapp},
    {"Microsoft.Sql/servers/databases", "sqldb-", 8, "v12.0,user,vcore", 10, 0, SKUS(sql_skus),
     props_sql},
};

/*
 * --profile policy: the default mix at half weight plus the types the built-in
 * rules (catalog/rules) apply to, with the settings they read; web apps also
 * as function and API apps. Weights are relative (they sum to 1010: the
 * default mix is about half of it).
 */
static const char *const apim_skus[] = {"Developer", "Premium", "Basic", "Standard"};
static const char *const spring_skus[] = {"S0", "E0"};
static const char *const acr_skus[] = {"Premium", "Standard", "Basic"};
static const char *const db_skus[] = {"GP_Gen5_2", "B_Gen5_1", "MO_Gen5_4"};

static const struct rtype rtypes_policy[] = {
    {"Microsoft.Compute/virtualMachines", "vm-", 50, NULL, 40, 50, NULL, 0, props_vm},
    {"Microsoft.Network/networkInterfaces", "nic-", 75, NULL, 0, 0, NULL, 0, props_nic},
    {"Microsoft.Compute/disks", "disk-", 90, NULL, 0, 40, SKUS(disk_skus), props_disk},
    {"Microsoft.Network/publicIPAddresses", "pip-", 70, NULL, 0, 60, SKUS(pip_skus), props_pip},
    {"Microsoft.Storage/storageAccounts", "st", 30, "StorageV2", 20, 0, SKUS(st_skus),
     props_storage},
    {"Microsoft.Network/virtualNetworks", "vnet-", 30, NULL, 0, 0, NULL, 0, props_vnet},
    {"Microsoft.Network/networkSecurityGroups", "nsg-", 40, NULL, 0, 0, NULL, 0, props_nsg},
    {"Microsoft.KeyVault/vaults", "kv-", 30, NULL, 0, 0, NULL, 0, props_keyvault},
    {"Microsoft.Web/sites", "app-", 25, "app,linux", 50, 0, NULL, 0, props_webapp},
    {"Microsoft.Web/sites", "func-", 10, "functionapp,linux", 50, 0, NULL, 0, props_webapp},
    {"Microsoft.Web/sites", "api-", 10, "api", 50, 0, NULL, 0, props_webapp},
    {"Microsoft.Sql/servers/databases", "sqldb-", 40, "v12.0,user,vcore", 10, 0, SKUS(sql_skus),
     props_sql},
    {"Microsoft.ApiManagement/service", "apim-", 15, NULL, 30, 0, SKUS(apim_skus), props_apim},
    {"Microsoft.AppConfiguration/configurationStores", "appcs-", 15, NULL, 0, 0, NULL, 0,
     props_appconfig},
    {"Microsoft.AppPlatform/Spring", "spring-", 10, NULL, 0, 0, SKUS(spring_skus), props_spring},
    {"Microsoft.Automation/automationAccounts/variables", "var-", 10, NULL, 0, 0, NULL, 0,
     props_autovar},
    {"Microsoft.Cache/Redis", "redis-", 25, NULL, 0, 0, NULL, 0, props_redis},
    {"Microsoft.CognitiveServices/accounts", "cog-", 25, "OpenAI", 30, 0, NULL, 0, props_cognitive},
    {"Microsoft.Compute/virtualMachineScaleSets", "vmss-", 30, NULL, 30, 30, NULL, 0, props_vmss},
    {"Microsoft.ContainerRegistry/registries", "acr", 25, NULL, 20, 0, SKUS(acr_skus), props_acr},
    {"Microsoft.ContainerService/managedClusters", "aks-", 25, NULL, 80, 0, NULL, 0, props_aks},
    {"Microsoft.DBforMariaDB/servers", "maria-", 10, NULL, 0, 0, SKUS(db_skus), props_dbserver},
    {"Microsoft.DBforMySQL/servers", "mysql-", 20, NULL, 0, 0, SKUS(db_skus), props_dbserver},
    {"Microsoft.DBforPostgreSQL/servers", "psql-", 20, NULL, 0, 0, SKUS(db_skus), props_dbserver},
    {"Microsoft.Devices/IotHubs", "iot-", 10, NULL, 0, 0, NULL, 0, props_iot},
    {"Microsoft.DocumentDB/databaseAccounts", "cosmos-", 25, "GlobalDocumentDB", 20, 0, NULL, 0,
     props_cosmos},
    {"Microsoft.EventGrid/domains", "egd-", 10, NULL, 0, 0, NULL, 0, props_eventgrid},
    {"Microsoft.EventGrid/topics", "egt-", 15, NULL, 0, 0, NULL, 0, props_eventgrid},
    {"Microsoft.MachineLearningServices/workspaces", "mlw-", 10, NULL, 100, 0, NULL, 0, props_mlws},
    {"Microsoft.Network/applicationGateways", "agw-", 15, NULL, 0, 30, NULL, 0, props_appgw},
    {"Microsoft.Network/frontDoors", "fd-", 10, NULL, 0, 0, NULL, 0, props_frontdoor},
    {"Microsoft.ServiceFabric/clusters", "sf-", 5, NULL, 0, 0, NULL, 0, props_sf},
    {"Microsoft.SignalRService/SignalR", "sigr-", 10, NULL, 0, 0, NULL, 0, props_eventgrid},
    {"Microsoft.Sql/servers", "sql-", 40, NULL, 20, 0, NULL, 0, props_sqlserver},
    {"Microsoft.Sql/managedInstances", "sqlmi-", 10, NULL, 20, 0, NULL, 0, props_sqlmi},
    {"Microsoft.VirtualMachineImages/imageTemplates", "aib-", 5, NULL, 0, 0, NULL, 0, props_aib},
    {"Microsoft.HybridCompute/machines", "arc-", 30, NULL, 100, 0, NULL, 0, props_hybrid},
    {"Microsoft.Kubernetes/connectedClusters", "arck8s-", 10, NULL, 100, 0, NULL, 0, props_plain},
    {"Microsoft.Batch/batchAccounts", "batch", 5, NULL, 0, 0, NULL, 0, props_plain},
    {"Microsoft.EventHub/namespaces", "evh-", 15, NULL, 0, 0, NULL, 0, props_plain},
    {"Microsoft.ServiceBus/namespaces", "sb-", 15, NULL, 0, 0, NULL, 0, props_plain},
    {"Microsoft.Logic/workflows", "logic-", 15, NULL, 0, 0, NULL, 0, props_plain},
    {"Microsoft.Search/searchServices", "srch-", 5, NULL, 0, 0, NULL, 0, props_plain},
    {"Microsoft.StreamAnalytics/streamingjobs", "asa-", 5, NULL, 0, 0, NULL, 0, props_plain},
    {"Microsoft.OperationalInsights/workspaces", "law-", 15, NULL, 0, 0, NULL, 0, props_plain},
};

static const struct rtype *types_tab = rtypes;
static size_t types_n = sizeof(rtypes) / sizeof(rtypes[0]);
static uint32_t types_total = 100; /* sum of the weights */

static const struct rtype *pick_type(struct rng *r)
{
    uint32_t x = below(r, types_total);
    for (size_t i = 0; i < types_n; i++) {
        if (x < types_tab[i].weight)
            return &types_tab[i];
        x -= types_tab[i].weight;
    }
    return &types_tab[0];
}

/* Builds g->id for resource `t`; the name is prefix + sequence number. */
static void make_id(struct gen *g, const struct rtype *t)
{
    struct out tmp = {g->id, 0, -1, 0, "gen_inventory"};
    g->sub = g->subs[below(&g->r, NSUBS)];
    g->rg = below(&g->r, g->groups);
    struct out saved = g->o;
    g->o = tmp;
    put_scope(g);
    puts0(&g->o, t->type);
    putc1(&g->o, '/');
    puts0(&g->o, t->prefix);
    put_seq(&g->o, g->seq);
    g->id_len = g->o.len;
    g->o = saved;
}

static void put_tags(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    uint32_t mask = below(r, 32) & below(r, 32); /* each tag 1 in 4 */
    if (chance(r, 6))
        mask |= 1u << 5;
    bool first = true;
    LIT(o, "\"tags\":{");
#define TAG(bit, key, value_stmt)                                                                  \
    if (mask & (1u << (bit))) {                                                                    \
        if (!first)                                                                                \
            putc1(o, ',');                                                                         \
        first = false;                                                                             \
        LIT(o, "\"" key "\":\"");                                                                  \
        value_stmt;                                                                                \
        putc1(o, '"');                                                                             \
    }
    TAG(0, "env", puts0(o, PICK(r, envs)));
    TAG(1, "owner", puts0(o, PICK(r, owners)));
    TAG(2, "costCenter", (LIT(o, "CC-"), put_padded(o, below(r, 10000), 4)));
    TAG(3, "app", puts0(o, PICK(r, apps)));
    TAG(4, "note", puts0(o, PICK(r, notes)));
    TAG(5, "hidden-link: /app-insights-resource-id",
        (put_scope(g), LIT(o, "microsoft.insights/components/ai-"), put_u64(o, g->rg)));
#undef TAG
    putc1(o, '}');
}

static void put_identity(struct gen *g)
{
    struct out *o = &g->o;
    LIT(o, ",\"identity\":{\"type\":\"SystemAssigned\",\"principalId\":\"");
    put_guid(g);
    LIT(o, "\",\"tenantId\":\"");
    put(o, g->tenant, 36);
    LIT(o, "\"}");
}

static void put_zones(struct gen *g)
{
    struct out *o = &g->o;
    if (chance(&g->r, 50)) {
        LIT(o, ",\"zones\":[\"");
        put_u64(o, 1 + below(&g->r, 3));
        LIT(o, "\"]");
    } else {
        LIT(o, ",\"zones\":[\"1\",\"2\",\"3\"]");
    }
}

static void put_resource(struct gen *g)
{
    struct out *o = &g->o;
    struct rng *r = &g->r;
    const struct rtype *t = pick_type(r);
    make_id(g, t);
    LIT(o, "{\"id\":\"");
    put(o, g->id, g->id_len);
    LIT(o, "\",\"name\":\"");
    puts0(o, t->prefix);
    put_seq(o, g->seq);
    LIT(o, "\",\"type\":\"");
    puts0(o, t->type);
    LIT(o, "\",\"location\":\"");
    puts0(o, PICK(r, locations));
    LIT(o, "\",");
    if (t->kind) {
        LIT(o, "\"kind\":\"");
        puts0(o, t->kind);
        LIT(o, "\",");
    }
    put_tags(g);
    if (t->identity_pct && chance(r, t->identity_pct))
        put_identity(g);
    if (t->nskus) {
        LIT(o, ",\"sku\":{\"name\":\"");
        puts0(o, t->skus[below(r, (uint32_t)t->nskus)]);
        LIT(o, "\"}");
    }
    if (t->zones_pct && chance(r, t->zones_pct))
        put_zones(g);
    if (t->props == props_disk) {
        LIT(o, ",\"managedBy\":");
        if (chance(r, 60)) {
            putc1(o, '"');
            put_scope(g);
            LIT(o, "Microsoft.Compute/virtualMachines/vm-");
            put_u64(o, below(r, 1000000));
            putc1(o, '"');
        } else {
            LIT(o, "null");
        }
    } else if (chance(r, 10)) {
        LIT(o, ",\"managedBy\":null");
    }
    LIT(o, ",\"properties\":");
    t->props(g);
    putc1(o, '}');
}

/* ---- main ---- */

static void usage(void)
{
    fputs("usage: gen_inventory [--count N] [--format array|jsonl] [--seed S] "
          "[--profile default|policy]\n",
          stderr);
    exit(2);
}

static uint64_t parse_u64(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        usage();
    return (uint64_t)v;
}

int main(int argc, char **argv)
{
    uint64_t count = 1000, seed = 1;
    bool array = false;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "--count"))
            count = parse_u64(argv[++i]);
        else if (!strcmp(argv[i], "--seed"))
            seed = parse_u64(argv[++i]);
        else if (!strcmp(argv[i], "--format") && !strcmp(argv[i + 1], "array"))
            array = true, i++;
        else if (!strcmp(argv[i], "--format") && !strcmp(argv[i + 1], "jsonl"))
            array = false, i++;
        else if (!strcmp(argv[i], "--profile") && !strcmp(argv[i + 1], "default"))
            i++;
        else if (!strcmp(argv[i], "--profile") && !strcmp(argv[i + 1], "policy")) {
            types_tab = rtypes_policy;
            types_n = sizeof(rtypes_policy) / sizeof(rtypes_policy[0]);
            types_total = 0;
            for (size_t k = 0; k < types_n; k++)
                types_total += rtypes_policy[k].weight;
            i++;
        } else
            usage();
    }
#ifdef F_SETPIPE_SZ
    (void)fcntl(1, F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups when piped; fails harmlessly */
#endif
    static struct gen g;
    g.o.buf = malloc(OUT_FLUSH_AT + OUT_SLACK);
    if (!g.o.buf) {
        perror("gen_inventory");
        return 1;
    }
    g.o.fd = 1;
    g.o.prog = "gen_inventory";
    rng_seed(&g.r, seed);
    for (int i = 0; i < NSUBS; i++)
        rng_guid(&g.r, g.subs[i], false);
    rng_guid(&g.r, g.tenant, false);
    g.groups = (uint32_t)(count / 40 + 1);
    if (array)
        LIT(&g.o, "[\n");
    for (g.seq = 0; g.seq < count; g.seq++) {
        if (g.o.len >= OUT_FLUSH_AT)
            out_flush(&g.o);
        put_resource(&g);
        if (array && g.seq + 1 < count)
            putc1(&g.o, ',');
        putc1(&g.o, '\n');
    }
    if (array)
        LIT(&g.o, "]\n");
    out_flush(&g.o);
    free(g.o.buf);
    return 0;
}
