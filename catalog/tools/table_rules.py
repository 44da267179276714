"""Built-in rules: one Azure Policy rule per recommendation with decidable "policy".

Hand-written source of catalog/rules/*.json and catalog/rule-cases/*.json;
gen_rules.py turns it into those files. The rules are the project's own: the
properties that decide a check are facts (learned from ARM API shapes and from
which fields Microsoft's built-in definitions read), the conditions are written
here and kept minimal.

Each entry: RULES[<first 8 hex digits of the recommendation key>] = Rule(...).
  app     applicability conditions (type, kind, name ...), ANDed into `if`
  bad     the non-compliance condition (audit rules), ANDed into `if`
  details then.details of an auditIfNotExists rule (instead of `bad`)
  cases   healthy / unhealthy / notApplicable resources, related resources
"""

import copy

SUB = "00000000-0000-0000-0000-000000000001"
SUB2 = "00000000-0000-0000-0000-000000000002"
SUB3 = "00000000-0000-0000-0000-000000000003"


# ---------------------------------------------------------------- conditions

def T(t):
    return {"field": "type", "equals": t}


def F(field, op, value):
    return {"field": field, op: value}


def ALL(*c):
    return {"allOf": list(c)}


def ANY(*c):
    return {"anyOf": list(c)}


def NOT(c):
    return {"not": c}


def COUNT(field, where=None, op="greater", n=0):
    cnt = {"field": field}
    if where is not None:
        cnt["where"] = where
    return {"count": cnt, op: n}


def NO_APPROVED_PE(ns_type):
    """No private endpoint connection in state Approved (the list is in the body)."""
    a = ns_type + "/privateEndpointConnections[*]"
    return COUNT(a, F(a + ".privateLinkServiceConnectionState.status", "equals", "Approved"),
                 "less", 1)


# Kinds of Microsoft.Web/sites
FUNC = [F("kind", "contains", "functionapp"), F("kind", "notContains", "workflowapp")]
WEB = [F("kind", "notContains", "functionapp"), F("kind", "notContains", "api")]
API = [F("kind", "contains", "api"), F("kind", "notContains", "functionapp")]
WEBAPI = [F("kind", "notContains", "functionapp")]


# ---------------------------------------------------------------- resources

def rid(type_, name, sub=SUB, rg="rg"):
    ns, *types = type_.split("/")
    names = name.split("/")
    path = "/".join(f"{t}/{n}" for t, n in zip(types, names))
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{path}"


def res(type_, name, props=None, sub=SUB, rg="rg", location="eastus", **top):
    r = {"id": rid(type_, name, sub, rg), "name": name.split("/")[-1], "type": type_}
    if location:
        r["location"] = location
    for k, v in top.items():
        r[k] = v
    r["properties"] = copy.deepcopy(props) if props is not None else {}
    return r


def child(parent, seg, name, props=None, location=None, **top):
    """A child resource: <parent id>/<seg>/<name>, type <parent type>/<seg>."""
    r = {"id": f"{parent['id']}/{seg}/{name}", "name": name, "type": f"{parent['type']}/{seg}"}
    if location:
        r["location"] = location
    r.update(top)
    r["properties"] = copy.deepcopy(props) if props is not None else {}
    return r


def ext(parent, type_, name, props=None):
    """An extension resource: <parent id>/providers/<type>/<name>."""
    return {"id": f"{parent['id']}/providers/{type_}/{name}", "name": name, "type": type_,
            "properties": copy.deepcopy(props) if props is not None else {}}


def subscription(sub):
    return {"id": f"/subscriptions/{sub}", "type": "Microsoft.Resources/subscriptions",
            "name": sub, "subscriptionId": sub, "displayName": "Contoso production",
            "state": "Enabled", "properties": {"state": "Enabled"}}


def sub_child(sub, type_, name, props):
    return {"id": f"/subscriptions/{sub}/providers/{type_}/{name}", "name": name, "type": type_,
            "properties": copy.deepcopy(props)}


OTHER = res("Microsoft.Network/networkSecurityGroups", "nsg-other", {"securityRules": []})


class Rule:
    def __init__(self, app, bad=None, details=None, cases=None, mode="Indexed", params=None,
                 note=None):
        self.app = app
        self.bad = bad
        self.details = details
        self.cases = cases or {}
        self.mode = mode
        self.params = params or {}
        self.note = note


RULES = {}


def audit(key, app, bad, healthy, unhealthy, na=(), **kw):
    RULES[key] = Rule(app, bad=bad, cases={"healthy": healthy, "unhealthy": unhealthy,
                                           "notApplicable": list(na)}, **kw)


def aine(key, app, details, healthy, unhealthy, related, comment, na=(), **kw):
    RULES[key] = Rule(app, details=details, cases={
        "comment": comment, "healthy": healthy, "unhealthy": unhealthy,
        "notApplicable": list(na), "related": related}, **kw)


# ================================================================== App Service

SITE = "Microsoft.Web/sites"


def site(name, kind, props=None, **top):
    p = {"state": "Running", "enabled": True, "defaultHostName": f"{name}.azurewebsites.net",
         "serverFarmId": rid("Microsoft.Web/serverfarms", "plan1")}
    p.update(props or {})
    return res(SITE, name, p, kind=kind, **top)


def web_config(parent, props):
    p = {"numberOfWorkers": 1, "netFrameworkVersion": "v4.0", "http20Enabled": True}
    p.update(props)
    return child(parent, "config", "web", p, location=parent.get("location"))


KINDS = {"web": ("app", WEB), "api": ("api", API), "func": ("functionapp", FUNC)}
NA_KIND = {"web": ("functionapp", "api"), "api": ("app", "functionapp"),
           "func": ("app", "functionapp,workflowapp")}


def site_audit(key, which, bad, good_props, bad_props):
    kind, app = KINDS[which]
    na = [site(f"na-{k.replace(',', '-')}", k, good_props if i else bad_props)
          for i, k in enumerate(NA_KIND[which])]
    audit(key, [T(SITE)] + app, bad,
          [site(f"{which}-good", kind, good_props)],
          [site(f"{which}-bad", kind, bad_props)],
          na + [OTHER])


def site_config(key, which, exist, good_cfg, bad_cfg, params=None, windows=False):
    kind, app = KINDS[which]
    good, bad = site(f"{which}-good", kind), site(f"{which}-bad", kind)
    nakind = NA_KIND[which][0]
    na = site(f"na-{nakind}", nakind)
    healthy, related = [good], [web_config(good, good_cfg), web_config(bad, bad_cfg),
                                web_config(na, bad_cfg)]
    comment = (f"{good['name']}/config/web satisfies the rule; {bad['name']}/config/web does not; "
               f"{na['name']} is another kind of site.")
    if windows:
        win = site(f"{which}-windows", kind)
        healthy.append(win)
        related.append(web_config(win, {"netFrameworkVersion": "v8.0", "linuxFxVersion": ""}))
        comment += f" {win['name']} is a Windows app that declares no Linux stack."
    aine(key, [T(SITE)] + app,
         {"type": "Microsoft.Web/sites/config", "name": "web", "existenceCondition": exist},
         healthy, [bad], related, comment, na=[na, OTHER], params=params or {})


CFG = "Microsoft.Web/sites/config/"

for key, which in (("8dfe2925", "web"), ("e7237ad9", "api"), ("a535d101", "func")):
    site_audit(key, which, F("Microsoft.Web/sites/httpsOnly", "notEquals", True),
               {"httpsOnly": True}, {"httpsOnly": False})

for key, which in (("31edfa4a", "web"), ("e2d3db90", "api"), ("68bfde12", "func")):
    site_audit(key, which, F("Microsoft.Web/sites/clientCertEnabled", "notEquals", True),
               {"clientCertEnabled": True, "clientCertMode": "Required"},
               {"clientCertEnabled": False})

MSI_BAD = ANY(F("identity.type", "exists", False), F("identity.type", "equals", "None"))
for key, which in (("36a904cd", "web"), ("f22dfd23", "api"), ("965d721b", "func")):
    kind, app = KINDS[which]
    audit(key, [T(SITE)] + app, MSI_BAD,
          [site(f"{which}-good", kind, identity={"type": "SystemAssigned",
                                                "principalId": "11111111-1111-1111-1111-111111111111",
                                                "tenantId": "22222222-2222-2222-2222-222222222222"})],
          [site(f"{which}-bad", kind), site(f"{which}-bad2", kind, identity={"type": "None"})],
          [site("na-" + NA_KIND[which][0].replace(",", "-"), NA_KIND[which][0]), OTHER])

for key, which in (("c70501d7", "web"), ("76f1eea9", "api"), ("97f5f355", "func")):
    site_config(key, which, F(CFG + "ftpsState", "in", ["FtpsOnly", "Disabled"]),
                {"ftpsState": "FtpsOnly"}, {"ftpsState": "AllAllowed"})

for key, which in (("5bb5ea92", "web"), ("d14d7183", "api"), ("a873c8d4", "func")):
    site_config(key, which, F(CFG + "minTlsVersion", "greaterOrEquals", "1.2"),
                {"minTlsVersion": "1.2"}, {"minTlsVersion": "1.0"})

for key, which in (("ce081ba6", "web"), ("2cce4429", "api"), ("ff1ef12a", "func")):
    site_config(key, which, F(CFG + "cors.allowedOrigins[*]", "notEquals", "*"),
                {"cors": {"allowedOrigins": ["https://portal.contoso.com"]}},
                {"cors": {"allowedOrigins": ["https://portal.contoso.com", "*"]}})

for key, which in (("a4ffd034", "web"), ("14bb0413", "api"), ("4e435232", "func")):
    site_config(key, which, F(CFG + "remoteDebuggingEnabled", "equals", False),
                {"remoteDebuggingEnabled": False},
                {"remoteDebuggingEnabled": True, "remoteDebuggingVersion": "VS2022"})

# Runtime versions: only Linux apps declare their stack (linuxFxVersion "PYTHON|3.12").
PY = {"allowedPythonVersions": {
    "type": "Array", "defaultValue": ["PYTHON|3.12", "PYTHON|3.13"],
    "metadata": {"displayName": "Allowed Python versions",
                 "description": "linuxFxVersion values counted as the latest Python."}}}
PY_OK = ANY(F(CFG + "linuxFxVersion", "notLike", "PYTHON|*"),
            F(CFG + "linuxFxVersion", "in", "[parameters('allowedPythonVersions')]"))
for key, which in (("d90a1de6", "web"), ("ea78fe97", "api"), ("80988d42", "func")):
    site_config(key, which, PY_OK, {"linuxFxVersion": "PYTHON|3.12"},
                {"linuxFxVersion": "PYTHON|3.8"}, params=PY, windows=True)

PHP = {"allowedPhpVersions": {
    "type": "Array", "defaultValue": ["PHP|8.3", "PHP|8.4"],
    "metadata": {"displayName": "Allowed PHP versions",
                 "description": "linuxFxVersion values counted as the latest PHP."}}}
PHP_OK = ANY(F(CFG + "linuxFxVersion", "notLike", "PHP|*"),
             F(CFG + "linuxFxVersion", "in", "[parameters('allowedPhpVersions')]"))
for key, which in (("616e855e", "web"), ("6d67cc50", "api")):
    site_config(key, which, PHP_OK, {"linuxFxVersion": "PHP|8.3"},
                {"linuxFxVersion": "PHP|7.4"}, params=PHP, windows=True)

JAVA = {"allowedJavaVersions": {
    "type": "Array", "defaultValue": ["17", "21"],
    "metadata": {"displayName": "Allowed Java versions",
                 "description": "Java major versions counted as current; linuxFxVersion "
                                "must end in '-java<version>' (JAVA|21-java21, "
                                "TOMCAT|10.1-java21)."}}}
JAVA_OK = ANY(F(CFG + "linuxFxVersion", "notContains", "java"),
              {"count": {"value": "[parameters('allowedJavaVersions')]", "name": "javaVersion",
                         "where": F(CFG + "linuxFxVersion", "like",
                                    "[concat('*-java', current('javaVersion'))]")},
               "greater": 0})
for key, which in (("a682a463", "web"), ("48e5bac0", "api"), ("ec66fe2c", "func")):
    site_config(key, which, JAVA_OK, {"linuxFxVersion": "TOMCAT|10.1-java21"},
                {"linuxFxVersion": "JAVA|8-jre8"}, params=JAVA, windows=True)

# Diagnostic settings ----------------------------------------------------------

DIAG = "Microsoft.Insights/diagnosticSettings"
DIAG_DETAILS = {"type": DIAG, "existenceCondition": COUNT(
    DIAG + "/logs[*]", F(DIAG + "/logs[*].enabled", "equals", True), "greaterOrEquals", 1)}


def diag(parent, name, enabled):
    return ext(parent, DIAG, name, {
        "workspaceId": rid("Microsoft.OperationalInsights/workspaces", "law1"),
        "logs": [{"categoryGroup": "allLogs", "enabled": enabled}],
        "metrics": [{"category": "AllMetrics", "enabled": True}]})


def diag_rule(key, type_, name, props=None, app=None, top=None, na=()):
    top = top or {}
    good = res(type_, f"{name}-good", props, **top)
    bad = res(type_, f"{name}-bad", props, **top)
    bad2 = res(type_, f"{name}-nosettings", props, **top)
    aine(key, app or [T(type_)], DIAG_DETAILS, [good], [bad, bad2],
         [diag(good, "to-law", True), diag(bad, "metrics-only", False)],
         f"{good['name']} has a diagnostic setting with a log category enabled; "
         f"{bad['name']} only sends metrics; {bad2['name']} has no diagnostic setting.",
         na=list(na) + [OTHER])


diag_rule("5d6af0aa", SITE, "app", {"state": "Running"}, app=[T(SITE)] + WEBAPI,
          top={"kind": "app"}, na=[site("na-func", "functionapp")])
diag_rule("8c148572", "Microsoft.DataLakeStore/accounts", "adls", {"encryptionState": "Enabled"})
diag_rule("c861f65d", "Microsoft.StreamAnalytics/streamingjobs", "asa", {"jobType": "Cloud"})
diag_rule("defd2643", "Microsoft.Batch/batchAccounts", "batch", {"poolAllocationMode": "BatchService"})
diag_rule("20490ad5", "Microsoft.DataLakeAnalytics/accounts", "adla", {"firewallState": "Enabled"})
diag_rule("50d2e67d", "Microsoft.EventHub/namespaces", "evhns", {"minimumTlsVersion": "1.2"},
          top={"sku": {"name": "Standard", "tier": "Standard"}})
diag_rule("58b7dc18", "Microsoft.KeyVault/vaults", "kv", {"tenantId": "22222222-2222-2222-2222-222222222222"})
diag_rule("bb79a8c4", "Microsoft.ContainerService/managedClusters", "aks", {"kubernetesVersion": "1.30.4"})
diag_rule("00994e27", "Microsoft.Logic/workflows", "logic", {"state": "Enabled"})
diag_rule("3816a8d5", "Microsoft.Search/searchServices", "search", {"replicaCount": 1})
diag_rule("c18bac24", "Microsoft.ServiceBus/namespaces", "sbns", {"minimumTlsVersion": "1.2"},
          top={"sku": {"name": "Standard", "tier": "Standard"}})
diag_rule("49c79b04", "Microsoft.Devices/IotHubs", "iothub", {"publicNetworkAccess": "Enabled"})

# ================================================================== Compute

VM = "Microsoft.Compute/virtualMachines"
VMSS = "Microsoft.Compute/virtualMachineScaleSets"
HC = "Microsoft.HybridCompute/machines"


def vm(name, os="Windows", security=None, **top):
    offer = {"Windows": ("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition"),
             "Linux": ("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2")}[os]
    p = {"vmId": "33333333-3333-3333-3333-333333333333",
         "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
         "storageProfile": {"imageReference": {"publisher": offer[0], "offer": offer[1],
                                               "sku": offer[2], "version": "latest"},
                            "osDisk": {"osType": os, "createOption": "FromImage", "name": f"{name}-os"}},
         "osProfile": {"computerName": name, "adminUsername": "azureuser"},
         "networkProfile": {"networkInterfaces": [{"id": rid("Microsoft.Network/networkInterfaces", f"{name}-nic")}]},
         "provisioningState": "Succeeded"}
    if security is not None:
        p["securityProfile"] = security
    return res(VM, name, p, **top)


def vmss(name, os="Windows", security=None, extensions=None):
    offer = {"Windows": ("MicrosoftWindowsServer", "WindowsServer", "2022-datacenter-azure-edition"),
             "Linux": ("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2")}[os]
    prof = {"storageProfile": {"imageReference": {"publisher": offer[0], "offer": offer[1],
                                                  "sku": offer[2], "version": "latest"},
                               "osDisk": {"osType": os, "createOption": "FromImage"}},
            "osProfile": {"computerNamePrefix": name, "adminUsername": "azureuser"}}
    if security is not None:
        prof["securityProfile"] = security
    if extensions is not None:
        prof["extensionProfile"] = {"extensions": extensions}
    return res(VMSS, name, {"upgradePolicy": {"mode": "Manual"}, "virtualMachineProfile": prof,
                            "provisioningState": "Succeeded"},
               sku={"name": "Standard_D2s_v5", "tier": "Standard", "capacity": 2})


def vm_ext(parent, name, publisher, etype, state="Succeeded"):
    return child(parent, "extensions", name, {"publisher": publisher, "type": etype,
                                              "typeHandlerVersion": "1.0",
                                              "autoUpgradeMinorVersion": True,
                                              "provisioningState": state},
                 location=parent.get("location"))


def ss_ext(name, publisher, etype):
    return {"name": name, "properties": {"publisher": publisher, "type": etype,
                                         "typeHandlerVersion": "1.0"}}


TL = {"securityType": "TrustedLaunch", "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True}}
TL_NOSB = {"securityType": "TrustedLaunch", "uefiSettings": {"secureBootEnabled": False, "vTpmEnabled": True}}
TL_NOTPM = {"securityType": "TrustedLaunch", "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": False}}

VMP = VM + "/"
# Log Analytics agent on VMs
MMA = "Microsoft.EnterpriseCloud.Monitoring"
EXT = "Microsoft.Compute/virtualMachines/extensions/"
g, b = vm("vm-good"), vm("vm-bad", "Linux")
b2 = vm("vm-failed")
aine("ea931809", [T(VM)],
     {"type": "Microsoft.Compute/virtualMachines/extensions", "existenceCondition": ALL(
         F(EXT + "publisher", "equals", MMA),
         F(EXT + "type", "in", ["MicrosoftMonitoringAgent", "OmsAgentForLinux"]),
         F(EXT + "provisioningState", "equals", "Succeeded"))},
     [g], [b, b2],
     [vm_ext(g, "MicrosoftMonitoringAgent", MMA, "MicrosoftMonitoringAgent"),
      vm_ext(b, "AzureMonitorLinuxAgent", "Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent"),
      vm_ext(b2, "MicrosoftMonitoringAgent", MMA, "MicrosoftMonitoringAgent", "Failed")],
     "vm-good has the Log Analytics (MMA) extension provisioned; vm-bad has only another "
     "extension; vm-failed has the agent in state Failed.", na=[OTHER])

# Log Analytics agent on Arc machines (Linux / Windows)
HEXT = "Microsoft.HybridCompute/machines/extensions/"
for key, os, etype in (("0bb5eea7", "linux", "OmsAgentForLinux"),
                       ("7f7d471f", "windows", "MicrosoftMonitoringAgent")):
    other = "windows" if os == "linux" else "linux"
    mk = lambda n, o: res(HC, n, {"osName": o, "osType": o, "status": "Connected",
                                  "agentVersion": "1.45"})
    g, b, na = mk(f"arc-{os}-good", os), mk(f"arc-{os}-bad", os), mk(f"arc-{other}", other)
    aine(key, [T(HC), F(HC + "/osName", "like", os + "*")],
         {"type": "Microsoft.HybridCompute/machines/extensions", "existenceCondition": ALL(
             F(HEXT + "publisher", "equals", MMA), F(HEXT + "type", "equals", etype),
             F(HEXT + "provisioningState", "equals", "Succeeded"))},
         [g], [b],
         [child(g, "extensions", etype, {"publisher": MMA, "type": etype,
                                         "provisioningState": "Succeeded"}, location="eastus"),
          child(b, "extensions", "AzureMonitorAgent", {"publisher": "Microsoft.Azure.Monitor",
                                                       "type": "AzureMonitorLinuxAgent" if os == "linux" else "AzureMonitorWindowsAgent",
                                                       "provisioningState": "Succeeded"},
                location="eastus")],
         f"{g['name']} has the {etype} extension; {b['name']} has only the Azure Monitor agent.",
         na=[na, OTHER])

# Log Analytics agent on VMSS, from the scale set's own extension profile
VMSSX = VMSS + "/virtualMachineProfile.extensionProfile.extensions[*]"
audit("4d2c27a7", [T(VMSS)],
      COUNT(VMSSX, ALL(F(VMSSX + ".publisher", "equals", MMA),
                       F(VMSSX + ".type", "in", ["MicrosoftMonitoringAgent", "OmsAgentForLinux"])),
            "less", 1),
      [vmss("vmss-good", extensions=[ss_ext("mma", MMA, "MicrosoftMonitoringAgent")])],
      [vmss("vmss-bad", extensions=[ss_ext("ama", "Microsoft.Azure.Monitor", "AzureMonitorWindowsAgent")]),
       vmss("vmss-noext")],
      [OTHER, vm("vm-not-a-scale-set")])

# Diagnostic logs in VMSS: the diagnostics extension in the extension profile
DIAGX = "Microsoft.Azure.Diagnostics"
audit("d56670f4", [T(VMSS)],
      COUNT(VMSSX, ALL(F(VMSSX + ".publisher", "equals", DIAGX),
                       F(VMSSX + ".type", "in", ["IaaSDiagnostics", "LinuxDiagnostic"])),
            "less", 1),
      [vmss("vmss-good", extensions=[ss_ext("diag", DIAGX, "IaaSDiagnostics")]),
       vmss("vmss-good-linux", "Linux", extensions=[ss_ext("diag", DIAGX, "LinuxDiagnostic")])],
      [vmss("vmss-bad", extensions=[ss_ext("mma", MMA, "MicrosoftMonitoringAgent")])],
      [OTHER])

# Guest Configuration extension on VMs
g, b = vm("vm-good"), vm("vm-bad", "Linux")
aine("03df38ce", [T(VM)],
     {"type": "Microsoft.Compute/virtualMachines/extensions", "existenceCondition": ALL(
         F(EXT + "publisher", "equals", "Microsoft.GuestConfiguration"),
         F(EXT + "provisioningState", "equals", "Succeeded"))},
     [g], [b],
     [vm_ext(g, "AzurePolicyforWindows", "Microsoft.GuestConfiguration", "ConfigurationforWindows"),
      vm_ext(b, "AzureMonitorLinuxAgent", "Microsoft.Azure.Monitor", "AzureMonitorLinuxAgent")],
     "vm-good has the Guest Configuration extension; vm-bad has none.", na=[OTHER])

# Guest Configuration extension with a system-assigned identity: evaluated on the
# extension (as Azure does), the VM is the related resource.
gvm = vm("vm-good", identity={"type": "SystemAssigned"})
bvm = vm("vm-bad", identity={"type": "UserAssigned", "userAssignedIdentities": {
    rid("Microsoft.ManagedIdentity/userAssignedIdentities", "id1"): {}}})
gx = vm_ext(gvm, "AzurePolicyforWindows", "Microsoft.GuestConfiguration", "ConfigurationforWindows")
bx = vm_ext(bvm, "AzurePolicyforWindows", "Microsoft.GuestConfiguration", "ConfigurationforWindows")
ox = vm_ext(bvm, "MicrosoftMonitoringAgent", MMA, "MicrosoftMonitoringAgent")
aine("c6ec6de1", [T("Microsoft.Compute/virtualMachines/extensions"),
                  F(EXT + "publisher", "equals", "Microsoft.GuestConfiguration")],
     {"type": VM, "name": "[first(split(field('fullName'), '/'))]",
      "existenceCondition": F("identity.type", "contains", "SystemAssigned")},
     [gx], [bx], [gvm, bvm],
     "The extensions are the evaluated resources: vm-good (related) has a system-assigned "
     "identity, vm-bad (related) only a user-assigned one; the MMA extension is not a Guest "
     "Configuration extension.", na=[ox, OTHER],
     note="Evaluated on the Guest Configuration extension resource, as Azure does; its parent "
          "VM is the related resource.")

# Guest Attestation on VMs / VMSS
GA_EXT = {"Linux": "Microsoft.Azure.Security.LinuxAttestation",
          "Windows": "Microsoft.Azure.Security.WindowsAttestation"}
for key, os in (("e9e877ce", "Linux"), ("476b1d6e", "Windows")):
    g, b = vm(f"vm-{os.lower()}-good", os, TL), vm(f"vm-{os.lower()}-bad", os, TL)
    na1 = vm(f"vm-{os.lower()}-standard", os)
    na2 = vm("vm-other-os", "Windows" if os == "Linux" else "Linux", TL)
    aine(key, [T(VM), F(VMP + "storageProfile.osDisk.osType", "equals", os),
               F(VMP + "securityProfile.securityType", "in", ["TrustedLaunch", "ConfidentialVM"]),
               F(VMP + "securityProfile.uefiSettings.secureBootEnabled", "equals", True),
               F(VMP + "securityProfile.uefiSettings.vTpmEnabled", "equals", True)],
         {"type": "Microsoft.Compute/virtualMachines/extensions", "existenceCondition": ALL(
             F(EXT + "publisher", "equals", GA_EXT[os]),
             F(EXT + "type", "equals", "GuestAttestation"),
             F(EXT + "provisioningState", "equals", "Succeeded"))},
         [g], [b],
         [vm_ext(g, "GuestAttestation", GA_EXT[os], "GuestAttestation"),
          vm_ext(b, "MicrosoftMonitoringAgent", MMA, "MicrosoftMonitoringAgent")],
         f"{g['name']} (Trusted Launch) has the Guest Attestation extension, {b['name']} has not; "
         f"{na1['name']} is not Trusted Launch and {na2['name']} runs another OS.",
         na=[na1, na2, OTHER])

SSX = "Microsoft.Compute/virtualMachineScaleSets/extensions/"
VMSSP = VMSS + "/virtualMachineProfile."
for key, os in (("26912ba0", "Linux"), ("fc5e1a14", "Windows")):
    g, b = vmss(f"vmss-{os.lower()}-good", os, TL), vmss(f"vmss-{os.lower()}-bad", os, TL)
    na1 = vmss(f"vmss-{os.lower()}-standard", os)
    aine(key, [T(VMSS), F(VMSSP + "storageProfile.osDisk.osType", "equals", os),
               F(VMSSP + "securityProfile.securityType", "in", ["TrustedLaunch", "ConfidentialVM"]),
               F(VMSSP + "securityProfile.uefiSettings.secureBootEnabled", "equals", True),
               F(VMSSP + "securityProfile.uefiSettings.vTpmEnabled", "equals", True)],
         {"type": "Microsoft.Compute/virtualMachineScaleSets/extensions", "existenceCondition": ALL(
             F(SSX + "publisher", "equals", GA_EXT[os]),
             F(SSX + "type", "equals", "GuestAttestation"))},
         [g], [b],
         [child(g, "extensions", "GuestAttestation", {"publisher": GA_EXT[os], "type": "GuestAttestation",
                                                      "typeHandlerVersion": "1.0",
                                                      "provisioningState": "Succeeded"}),
          child(b, "extensions", "MicrosoftMonitoringAgent", {"publisher": MMA,
                                                              "type": "MicrosoftMonitoringAgent",
                                                              "provisioningState": "Succeeded"})],
         f"{g['name']} has the Guest Attestation extension, {b['name']} has not; "
         f"{na1['name']} is not Trusted Launch.", na=[na1, OTHER])

# Secure Boot / vTPM
audit("0bba0d97", [T(VM)],
      ALL(F(VMP + "storageProfile.osDisk.osType", "equals", "Windows"),
          F(VMP + "securityProfile.securityType", "in", ["TrustedLaunch", "ConfidentialVM"]),
          F(VMP + "securityProfile.uefiSettings.secureBootEnabled", "notEquals", True)),
      [vm("vm-good", "Windows", TL), vm("vm-standard", "Windows")],
      [vm("vm-bad", "Windows", TL_NOSB)],
      [OTHER])
audit("e42c56dc", [T(VM)],
      ALL(F(VMP + "securityProfile.securityType", "equals", "TrustedLaunch"),
          F(VMP + "securityProfile.uefiSettings.vTpmEnabled", "notEquals", True)),
      [vm("vm-good", "Linux", TL), vm("vm-standard", "Windows")],
      [vm("vm-bad", "Windows", TL_NOTPM)],
      [OTHER])

# Backup
g, b = vm("vm-good"), vm("vm-bad")
aine("c77e0af4", [T(VM), F("id", "notContains", "/resourceGroups/databricks-rg-")],
     {"type": "Microsoft.RecoveryServices/backupprotecteditems"},
     [g], [b],
     [ext(g, "Microsoft.RecoveryServices/backupProtectedItems",
          "VM;iaasvmcontainerv2;rg;vm-good",
          {"protectedItemType": "Microsoft.Compute/virtualMachines", "protectionStatus": "Healthy",
           "protectionState": "Protected",
           "policyId": rid("Microsoft.RecoveryServices/vaults/backupPolicies", "vault1/DefaultPolicy")})],
     "vm-good has a backup protected item; vm-bad has none; the Databricks worker is excluded.",
     na=[vm("databricks-worker", rg="databricks-rg-ws1-abc"), OTHER])

# Classic resources
audit("c3b46bad", [F("type", "in", ["Microsoft.ClassicCompute/virtualMachines", VM])],
      {"value": "[field('type')]", "equals": "Microsoft.ClassicCompute/virtualMachines"},
      [vm("vm-arm")],
      [res("Microsoft.ClassicCompute/virtualMachines", "classic-vm",
           {"instanceView": {"status": "ReadyRole"}, "hardwareProfile": {"size": "Small"}})],
      [OTHER], mode="All")
audit("8d7d7830", [F("type", "in", ["Microsoft.ClassicStorage/storageAccounts",
                                    "Microsoft.Storage/storageAccounts"])],
      {"value": "[field('type')]", "equals": "Microsoft.ClassicStorage/storageAccounts"},
      [res("Microsoft.Storage/storageAccounts", "starm", {"supportsHttpsTrafficOnly": True},
           kind="StorageV2", sku={"name": "Standard_LRS"})],
      [res("Microsoft.ClassicStorage/storageAccounts", "stclassic",
           {"accountType": "Standard-GRS", "status": "Created"})],
      [OTHER], mode="All")

# ================================================================== Storage

ST = "Microsoft.Storage/storageAccounts"


def st(name, props=None):
    p = {"supportsHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2",
         "allowBlobPublicAccess": False, "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices",
                                                          "ipRules": [], "virtualNetworkRules": []},
         "encryption": {"keySource": "Microsoft.Storage",
                        "services": {"blob": {"enabled": True}, "file": {"enabled": True}}}}
    for k, v in (props or {}).items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return res(ST, name, p, kind="StorageV2", sku={"name": "Standard_LRS", "tier": "Standard"})


STP = ST + "/"
audit("e19701a4", [T(ST)], F(STP + "supportsHttpsTrafficOnly", "equals", False),
      [st("stgood")], [st("stbad", {"supportsHttpsTrafficOnly": False})], [OTHER])
audit("eb081129", [T(ST)], F(STP + "allowBlobPublicAccess", "notEquals", False),
      [st("stgood")], [st("stbad", {"allowBlobPublicAccess": True}),
                       st("stunset", {"allowBlobPublicAccess": None})], [OTHER])
audit("a66b6a49", [T(ST)], F(STP + "networkAcls.defaultAction", "notEquals", "Deny"),
      [st("stgood")], [st("stbad", {"networkAcls": {"defaultAction": "Allow", "bypass": "AzureServices"}})],
      [OTHER])
audit("075c140f", [T(ST)],
      ANY(F(STP + "networkAcls.defaultAction", "notEquals", "Deny"),
          COUNT(STP + "networkAcls.ipRules[*]", op="greaterOrEquals", n=1)),
      [st("stgood", {"networkAcls": {"defaultAction": "Deny", "ipRules": [], "virtualNetworkRules": [
          {"id": rid("Microsoft.Network/virtualNetworks", "vnet1") + "/subnets/default",
           "action": "Allow"}]}})],
      [st("stbad", {"networkAcls": {"defaultAction": "Allow"}}),
       st("stiprules", {"networkAcls": {"defaultAction": "Deny",
                                         "ipRules": [{"value": "203.0.113.0/24", "action": "Allow"}]}})],
      [OTHER])
audit("3ad3c273", [T(ST)], F(STP + "encryption.keySource", "notEquals", "Microsoft.Keyvault"),
      [st("stgood", {"encryption": {"keySource": "Microsoft.Keyvault", "keyvaultproperties": {
          "keyname": "key1", "keyvaulturi": "https://kv1.vault.azure.net/"}}})],
      [st("stbad")], [OTHER])
audit("ba65b1fe", [T(ST)], NO_APPROVED_PE(ST),
      [st("stgood", {"privateEndpointConnections": [
          {"id": rid(ST, "stgood") + "/privateEndpointConnections/pe1", "name": "pe1",
           "properties": {"privateEndpoint": {"id": rid("Microsoft.Network/privateEndpoints", "pe1")},
                          "privateLinkServiceConnectionState": {"status": "Approved"}}}]})],
      [st("stbad"), st("stpending", {"privateEndpointConnections": [
          {"id": rid(ST, "stpending") + "/privateEndpointConnections/pe2", "name": "pe2",
           "properties": {"privateLinkServiceConnectionState": {"status": "Pending"}}}]})],
      [OTHER])


def pe_list(parent_type, name, status="Approved"):
    return [{"id": rid(parent_type, name) + "/privateEndpointConnections/pe1", "name": "pe1",
             "type": parent_type + "/privateEndpointConnections",
             "properties": {"privateEndpoint": {"id": rid("Microsoft.Network/privateEndpoints", f"{name}-pe")},
                            "privateLinkServiceConnectionState": {"status": status,
                                                                  "description": "Auto-approved"},
                            "provisioningState": "Succeeded"}}]


def pe_rule(key, type_, name, props=None, app=None, na=(), **top):
    p = dict(props or {})
    good = res(type_, f"{name}-good", dict(p, privateEndpointConnections=pe_list(type_, f"{name}-good")), **top)
    bad = res(type_, f"{name}-bad", dict(p, privateEndpointConnections=[]), **top)
    pend = res(type_, f"{name}-rejected", dict(p, privateEndpointConnections=pe_list(type_, f"{name}-rejected", "Rejected")), **top)
    audit(key, app or [T(type_)], NO_APPROVED_PE(type_), [good], [bad, pend], list(na) + [OTHER])


pe_rule("0ae8cb3d", "Microsoft.AppConfiguration/configurationStores", "appcs",
        {"publicNetworkAccess": "Disabled"}, sku={"name": "standard"})
pe_rule("7f99752f", "Microsoft.EventGrid/domains", "egd", {"publicNetworkAccess": "Disabled"})
pe_rule("613a295c", "Microsoft.EventGrid/topics", "egt", {"publicNetworkAccess": "Disabled"},
        app=[T("Microsoft.EventGrid/topics"), F("kind", "notEquals", "AzureArc")],
        na=[res("Microsoft.EventGrid/topics", "egt-arc", {}, kind="AzureArc")])
pe_rule("beb848c1", "Microsoft.MachineLearningServices/workspaces", "mlw", {"hbiWorkspace": False})
pe_rule("2aab4971", "Microsoft.SignalRService/SignalR", "signalr", {"publicNetworkAccess": "Disabled"})
pe_rule("a49fcc16", "Microsoft.ContainerRegistry/registries", "acr", {"adminUserEnabled": False},
        sku={"name": "Premium"})
pe_rule("7bb06642", "Microsoft.KeyVault/vaults", "kv", {"tenantId": "22222222-2222-2222-2222-222222222222"})
pe_rule("6b169bac", "Microsoft.DBforMariaDB/servers", "mariadb", {"version": "10.3"})


def pe_child_rule(key, type_, name, props):
    """Single servers of MySQL / PostgreSQL: Azure has aliases only on the
    privateEndpointConnections child type, so the rule looks the children up."""
    PEC = type_ + "/privateEndpointConnections"
    g, b, b2 = (res(type_, f"{name}-{s}", props) for s in ("good", "rejected", "none"))

    def pec(parent, status):
        return child(parent, "privateEndpointConnections", f"{parent['name']}-pe", {
            "privateEndpoint": {"id": rid("Microsoft.Network/privateEndpoints", f"{parent['name']}-pe")},
            "privateLinkServiceConnectionState": {"status": status, "description": ""},
            "provisioningState": "Ready"})
    aine(key, [T(type_)],
         {"type": PEC, "existenceCondition": F(PEC + "/privateLinkServiceConnectionState.status",
                                               "equals", "Approved")},
         [g], [b, b2], [pec(g, "Approved"), pec(b, "Rejected")],
         f"{g['name']} has an approved private endpoint connection; {b['name']} a rejected one; "
         f"{b2['name']} none.", na=[OTHER])


pe_child_rule("59a22617", "Microsoft.DBforMySQL/servers", "mysql", {"version": "5.7"})
pe_child_rule("3e6b6685", "Microsoft.DBforPostgreSQL/servers", "psql", {"version": "11"})
pe_rule("f658f1eb", "Microsoft.Sql/servers", "sql", {"version": "12.0"})

# ================================================================== Networking / misc audit


def simple(key, type_, field, op, value, good, bad, extra_bad=(), na=(), app=None, top=None,
           **kw):
    """One-property rule: `type_` resource is unhealthy when `field op value`."""
    top = top or {}
    name = type_.split("/")[-1].lower()[:12]
    audit(key, app or [T(type_)], F(field, op, value),
          [res(type_, f"{name}-good", good, **top)],
          [res(type_, f"{name}-bad", bad, **top)] +
          [res(type_, f"{name}-bad{i + 2}", p, **top) for i, p in enumerate(extra_bad)],
          list(na) + [OTHER], **kw)


simple("48583095", "Microsoft.Cache/Redis", "Microsoft.Cache/Redis/enableNonSslPort", "equals", True,
       {"enableNonSslPort": False, "sku": {"name": "Standard", "family": "C", "capacity": 1}},
       {"enableNonSslPort": True, "sku": {"name": "Standard", "family": "C", "capacity": 1}})
simple("6c0b0215", "Microsoft.Cache/Redis", "Microsoft.Cache/Redis/subnetId", "exists", False,
       {"sku": {"name": "Premium", "family": "P", "capacity": 1},
        "subnetId": rid("Microsoft.Network/virtualNetworks", "vnet1") + "/subnets/redis",
        "staticIP": "10.0.1.4"},
       {"sku": {"name": "Standard", "family": "C", "capacity": 1}})
for key, ns in (("78d33769", "Microsoft.DBforMySQL"), ("baa5d8f1", "Microsoft.DBforPostgreSQL")):
    simple(key, ns + "/servers", ns + "/servers/sslEnforcement", "notEquals", "Enabled",
           {"sslEnforcement": "Enabled", "minimalTlsVersion": "TLS1_2"},
           {"sslEnforcement": "Disabled", "minimalTlsVersion": "TLSEnforcementDisabled"})
for key, ns in (("4bf3d446", "Microsoft.DBforMariaDB"), ("4ad01f82", "Microsoft.DBforMySQL"),
                ("e2b6aa7e", "Microsoft.DBforPostgreSQL")):
    simple(key, ns + "/servers", ns + "/servers/publicNetworkAccess", "notEquals", "Disabled",
           {"publicNetworkAccess": "Disabled"}, {"publicNetworkAccess": "Enabled"}, extra_bad=[{}])
for key, ns in (("72d09096", "Microsoft.DBforMariaDB"), ("11cfbe3a", "Microsoft.DBforMySQL"),
                ("1a1460db", "Microsoft.DBforPostgreSQL")):
    simple(key, ns + "/servers", ns + "/servers/storageProfile.geoRedundantBackup", "notEquals", "Enabled",
           {"storageProfile": {"storageMB": 51200, "backupRetentionDays": 7, "geoRedundantBackup": "Enabled"}},
           {"storageProfile": {"storageMB": 51200, "backupRetentionDays": 7, "geoRedundantBackup": "Disabled"}})
simple("8fef782c", "Microsoft.Sql/servers", "Microsoft.Sql/servers/publicNetworkAccess", "notEquals",
       "Disabled", {"version": "12.0", "publicNetworkAccess": "Disabled"},
       {"version": "12.0", "publicNetworkAccess": "Enabled"})
simple("2cd4c655", "Microsoft.CognitiveServices/accounts",
       "Microsoft.CognitiveServices/accounts/publicNetworkAccess", "notEquals", "Disabled",
       {"publicNetworkAccess": "Disabled"}, {"publicNetworkAccess": "Enabled"}, top={"kind": "OpenAI"})
simple("596a0ea0", "Microsoft.Automation/automationAccounts/variables",
       "Microsoft.Automation/automationAccounts/variables/isEncrypted", "notEquals", True,
       {"isEncrypted": True}, {"isEncrypted": False, "value": "\"plain\""}, mode="All")
audit("6e4ca535", [T("Microsoft.Network/applicationGateways")],
      ALL(F("Microsoft.Network/applicationGateways/webApplicationFirewallConfiguration", "exists", False),
          F("Microsoft.Network/applicationGateways/firewallPolicy", "exists", False)),
      [res("Microsoft.Network/applicationGateways", "agw-policy", {
          "sku": {"name": "WAF_v2", "tier": "WAF_v2"},
          "firewallPolicy": {"id": rid("Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", "waf1")}}),
       res("Microsoft.Network/applicationGateways", "agw-config", {
           "sku": {"name": "WAF_Medium", "tier": "WAF"},
           "webApplicationFirewallConfiguration": {"enabled": True, "firewallMode": "Prevention",
                                                   "ruleSetType": "OWASP", "ruleSetVersion": "3.2"}})],
      [res("Microsoft.Network/applicationGateways", "agw-bad", {"sku": {"name": "Standard_v2", "tier": "Standard_v2"}})],
      [OTHER])
FD = "Microsoft.Network/frontDoors"
FE = FD + "/frontendEndpoints[*]"


def fe(name, waf):
    p = {"hostName": f"{name}.azurefd.net", "sessionAffinityEnabledState": "Disabled"}
    if waf:
        p["webApplicationFirewallPolicyLink"] = {"id": rid("Microsoft.Network/frontDoorWebApplicationFirewallPolicies", "waf1")}
    return {"id": rid(FD, "fd") + "/frontendEndpoints/" + name, "name": name, "properties": p}


audit("cacbf2f8", [T(FD)],
      COUNT(FE, F(FE + ".webApplicationFirewallPolicyLink.id", "exists", False)),
      [res(FD, "fd-good", {"frontendEndpoints": [fe("fd-good", True)]}, location="global")],
      [res(FD, "fd-bad", {"frontendEndpoints": [fe("fd-bad", False)]}, location="global"),
       res(FD, "fd-partial", {"frontendEndpoints": [fe("fd-partial", True), fe("www", False)]}, location="global")],
      [OTHER])

VNET = "Microsoft.Network/virtualNetworks"
simple("a183ff4f", VNET, VNET + "/enableDdosProtection", "notEquals", True,
       {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "enableDdosProtection": True,
        "ddosProtectionPlan": {"id": rid("Microsoft.Network/ddosProtectionPlans", "ddos1")}},
       {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "enableDdosProtection": False},
       extra_bad=[{"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}])

SUBNET = "Microsoft.Network/virtualNetworks/subnets"
audit("eade5b56", [T(SUBNET), F("name", "notIn", ["GatewaySubnet", "AzureFirewallSubnet",
                                                  "AzureFirewallManagementSubnet",
                                                  "RouteServerSubnet"])],
      F(SUBNET + "/networkSecurityGroup.id", "exists", False),
      [res(SUBNET, "vnet1/app", {"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {
          "id": rid("Microsoft.Network/networkSecurityGroups", "nsg-app")}}, location=None)],
      [res(SUBNET, "vnet1/data", {"addressPrefix": "10.0.2.0/24"}, location=None)],
      [res(SUBNET, "vnet1/GatewaySubnet", {"addressPrefix": "10.0.255.0/27"}, location=None), OTHER],
      mode="All")

# Network Watcher: one watcher per region in NetworkWatcherRG
NW = "Microsoft.Network/networkWatchers"
gv = res(VNET, "vnet-eastus", {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}})
bv = res(VNET, "vnet-westus", {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]}}, location="westus")
aine("9f0648ba", [T(VNET)],
     {"type": NW, "resourceGroupName": "[parameters('resourceGroupName')]",
      "existenceCondition": F("location", "equals", "[field('location')]")},
     [gv], [bv],
     [res(NW, "NetworkWatcher_eastus", {"provisioningState": "Succeeded"}, rg="NetworkWatcherRG"),
      res(NW, "NetworkWatcher_westus-in-rg", {"provisioningState": "Succeeded"}, location="westus")],
     "NetworkWatcherRG holds a watcher in eastus (vnet-eastus); the westus watcher is in another "
     "resource group, so vnet-westus is unhealthy.",
     na=[OTHER], mode="All",
     params={"resourceGroupName": {"type": "String", "defaultValue": "NetworkWatcherRG",
                                   "metadata": {"displayName": "Network Watcher resource group"}}})

# ================================================================== Containers

AKS = "Microsoft.ContainerService/managedClusters"
AKSP = AKS + "/"


def aks(name, props):
    p = {"kubernetesVersion": "1.30.4", "dnsPrefix": name, "enableRBAC": True}
    p.update(props)
    return res(AKS, name, p, sku={"name": "Base", "tier": "Standard"})


audit("8911ca7e", [T(AKS)], F(AKSP + "addonProfiles.azurePolicy.enabled", "notEquals", True),
      [aks("aks-good", {"addonProfiles": {"azurepolicy": {"enabled": True}}})],
      [aks("aks-bad", {"addonProfiles": {"azurepolicy": {"enabled": False}}}), aks("aks-none", {})],
      [OTHER])
audit("c806d6cb", [T(AKS)], F(AKSP + "enableRBAC", "equals", False),
      [aks("aks-good", {})], [aks("aks-bad", {"enableRBAC": False})], [OTHER])
audit("9b78da7b", [T(AKS)],
      ALL(COUNT(AKSP + "apiServerAccessProfile.authorizedIPRanges[*]", op="equals", n=0),
          F(AKSP + "apiServerAccessProfile.enablePrivateCluster", "notEquals", True)),
      [aks("aks-ipranges", {"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]}}),
       aks("aks-private", {"apiServerAccessProfile": {"enablePrivateCluster": True}})],
      [aks("aks-bad", {}), aks("aks-empty", {"apiServerAccessProfile": {"authorizedIPRanges": [],
                                                                      "enablePrivateCluster": False}})],
      [OTHER])
audit("f8a8472d", [T(AKS)],
      F(AKSP + "securityProfile.defender.securityMonitoring.enabled", "notEquals", True),
      [aks("aks-good", {"securityProfile": {"defender": {
          "logAnalyticsWorkspaceResourceId": rid("Microsoft.OperationalInsights/workspaces", "law1"),
          "securityMonitoring": {"enabled": True}}}})],
      [aks("aks-bad", {})], [OTHER])

CC = "Microsoft.Kubernetes/connectedClusters"
KX = "Microsoft.KubernetesConfiguration/extensions"


def arc(name, dist="k3s"):
    return res(CC, name, {"distribution": dist, "infrastructure": "generic",
                          "connectivityStatus": "Connected", "agentVersion": "1.18.3"},
               identity={"type": "SystemAssigned"})


def kext(parent, name, etype, state="Succeeded"):
    return ext(parent, KX, name, {"extensionType": etype, "autoUpgradeMinorVersion": True,
                                  "provisioningState": state})


for key, etype, dists in (("657f33f8", "microsoft.policyinsights", ["aks"]),
                          ("db2c75ab", "microsoft.azuredefender.kubernetes",
                           ["aks", "aks_management", "eks", "gke"])):
    g, b, b2 = arc("arc-good"), arc("arc-bad"), arc("arc-failed")
    aine(key, [T(CC), F(CC + "/distribution", "notIn", dists)],
         {"type": KX, "existenceCondition": ALL(F(KX + "/extensionType", "equals", etype),
                                                F(KX + "/provisioningState", "equals", "Succeeded"))},
         [g], [b, b2],
         [kext(g, "ext1", etype), kext(b, "flux", "microsoft.flux"), kext(b2, "ext1", etype, "Failed")],
         f"arc-good has {etype} installed; arc-bad only flux; arc-failed has it in state Failed; "
         "arc-aks is an AKS cluster projected to Arc.",
         na=[arc("arc-aks", "aks"), OTHER])

# ================================================================== Key Vault

KV = "Microsoft.KeyVault/vaults"
KVP = KV + "/"


def kv(name, props):
    p = {"tenantId": "22222222-2222-2222-2222-222222222222", "sku": {"family": "A", "name": "standard"},
         "enableSoftDelete": True, "softDeleteRetentionInDays": 90, "enableRbacAuthorization": True}
    for k, v in props.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return res(KV, name, p)


audit("0e8ed2bd", [T(KV)],
      ALL(F(KVP + "publicNetworkAccess", "notEquals", "Disabled"),
          F(KVP + "networkAcls.defaultAction", "notEquals", "Deny")),
      [kv("kv-acl", {"networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices",
                                     "ipRules": [{"value": "203.0.113.0/24"}]}}),
       kv("kv-private", {"publicNetworkAccess": "Disabled"})],
      [kv("kv-bad", {"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow"}}),
       kv("kv-noacl", {})],
      [OTHER])
audit("d4297f3a", [T(KV)], F(KVP + "enablePurgeProtection", "notEquals", True),
      [kv("kv-good", {"enablePurgeProtection": True})], [kv("kv-bad", {})], [OTHER])
audit("9dc36227", [T(KV)], F(KVP + "enableSoftDelete", "notEquals", True),
      [kv("kv-good", {})], [kv("kv-bad", {"enableSoftDelete": False}),
                            kv("kv-old", {"enableSoftDelete": None})], [OTHER])

# ================================================================== Data / AI / misc audit

COSMOS = "Microsoft.DocumentDB/databaseAccounts"
CP = COSMOS + "/"


def cosmos(name, props):
    p = {"databaseAccountOfferType": "Standard", "consistencyPolicy": {"defaultConsistencyLevel": "Session"},
         "locations": [{"locationName": "East US", "failoverPriority": 0}]}
    p.update(props)
    return res(COSMOS, name, p, kind="GlobalDocumentDB")


audit("3dd4dd53", [T(COSMOS)], F(CP + "disableLocalAuth", "notEquals", True),
      [cosmos("cosmos-good", {"disableLocalAuth": True})],
      [cosmos("cosmos-bad", {"disableLocalAuth": False}), cosmos("cosmos-unset", {})], [OTHER])
audit("6c992e30", [T(COSMOS)],
      ALL(F(CP + "publicNetworkAccess", "notEquals", "Disabled"),
          F(CP + "isVirtualNetworkFilterEnabled", "notEquals", True),
          COUNT(CP + "ipRules[*]", op="equals", n=0),
          NO_APPROVED_PE(COSMOS)),
      [cosmos("cosmos-iprules", {"publicNetworkAccess": "Enabled",
                                 "ipRules": [{"ipAddressOrRange": "203.0.113.10"}]}),
       cosmos("cosmos-vnet", {"isVirtualNetworkFilterEnabled": True, "virtualNetworkRules": [
           {"id": rid(VNET, "vnet1") + "/subnets/default"}]}),
       cosmos("cosmos-private", {"publicNetworkAccess": "Disabled"}),
       cosmos("cosmos-pe", {"privateEndpointConnections": pe_list(COSMOS, "cosmos-pe")})],
      [cosmos("cosmos-open", {"publicNetworkAccess": "Enabled", "isVirtualNetworkFilterEnabled": False,
                              "ipRules": []})],
      [OTHER])
audit("e6101707", [T(COSMOS)], F(CP + "keyVaultKeyUri", "exists", False),
      [cosmos("cosmos-cmk", {"keyVaultKeyUri": "https://kv1.vault.azure.net/keys/cosmos"})],
      [cosmos("cosmos-bad", {})], [OTHER])

MLW = "Microsoft.MachineLearningServices/workspaces"
audit("c4fc0710", [T(MLW), F("kind", "notEquals", "Project")],
      F(MLW + "/encryption.status", "notEquals", "Enabled"),
      [res(MLW, "mlw-good", {"encryption": {"status": "Enabled", "keyVaultProperties": {
          "keyVaultArmId": rid(KV, "kv1"), "keyIdentifier": "https://kv1.vault.azure.net/keys/ml"}}},
           kind="Default")],
      [res(MLW, "mlw-bad", {"hbiWorkspace": False}, kind="Default")],
      [res(MLW, "mlw-project", {}, kind="Project"), OTHER])

COG = "Microsoft.CognitiveServices/accounts"
COGP = COG + "/"


def cog(name, props, kind="OpenAI"):
    return res(COG, name, props, kind=kind, sku={"name": "S0"})


audit("d3159789", [T(COG)], F(COGP + "encryption.keySource", "notEquals", "Microsoft.KeyVault"),
      [cog("cog-good", {"encryption": {"keySource": "Microsoft.KeyVault", "keyVaultProperties": {
          "keyName": "k1", "keyVaultUri": "https://kv1.vault.azure.net/"}}})],
      [cog("cog-bad", {"encryption": {"keySource": "Microsoft.CognitiveServices"}}), cog("cog-unset", {})],
      [OTHER])
audit("de25310a", [T(COG)], F(COGP + "encryption.keySource", "exists", False),
      [cog("cog-mmk", {"encryption": {"keySource": "Microsoft.CognitiveServices"}}),
       cog("cog-cmk", {"encryption": {"keySource": "Microsoft.KeyVault"}})],
      [cog("cog-bad", {"publicNetworkAccess": "Enabled"})], [OTHER],
      note="Our reading: the account declares an encryption configuration (encryption.keySource).")
audit("c1836ef4", [T(COG)],
      ALL(COUNT(COGP + "userOwnedStorage[*]", op="less", n=1),
          F(COGP + "encryption.keySource", "notEquals", "Microsoft.KeyVault")),
      [cog("cog-storage", {"userOwnedStorage": [{"resourceId": rid(ST, "stcog")}]}, kind="SpeechServices"),
       cog("cog-cmk", {"encryption": {"keySource": "Microsoft.KeyVault"}})],
      [cog("cog-bad", {"encryption": {"keySource": "Microsoft.CognitiveServices"}})], [OTHER])
audit("4f4e4c2f", [T(COG)],
      ALL(F(COGP + "publicNetworkAccess", "notEquals", "Disabled"),
          F(COGP + "networkAcls.defaultAction", "notEquals", "Deny")),
      [cog("cog-acl", {"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny",
                                                                         "ipRules": [{"value": "203.0.113.0/24"}]}}),
       cog("cog-private", {"publicNetworkAccess": "Disabled"})],
      [cog("cog-bad", {"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Allow"}}),
       cog("cog-unset", {})],
      [OTHER])

ACR = "Microsoft.ContainerRegistry/registries"
audit("f648a9e8", [T(ACR)],
      ALL(F(ACR + "/networkRuleSet.defaultAction", "notEquals", "Deny"),
          F(ACR + "/publicNetworkAccess", "notEquals", "Disabled")),
      [res(ACR, "acrdeny", {"publicNetworkAccess": "Enabled", "networkRuleSet": {
          "defaultAction": "Deny", "ipRules": [{"action": "Allow", "value": "203.0.113.0/24"}]}},
           sku={"name": "Premium"}),
       res(ACR, "acrprivate", {"publicNetworkAccess": "Disabled"}, sku={"name": "Premium"})],
      [res(ACR, "acropen", {"publicNetworkAccess": "Enabled", "networkRuleSet": {"defaultAction": "Allow"}},
           sku={"name": "Premium"}),
       res(ACR, "acrbasic", {"adminUserEnabled": False}, sku={"name": "Basic"})],
      [OTHER])
audit("d73c53c2", [T(ACR)], F(ACR + "/encryption.status", "notEquals", "enabled"),
      [res(ACR, "acrcmk", {"encryption": {"status": "enabled", "keyVaultProperties": {
          "keyIdentifier": "https://kv1.vault.azure.net/keys/acr"}}}, sku={"name": "Premium"})],
      [res(ACR, "acrbad", {"encryption": {"status": "disabled"}}, sku={"name": "Premium"})],
      [OTHER])

SF = "Microsoft.ServiceFabric/clusters"
audit("76d403ed", [T(SF)],
      ANY(F(SF + "/azureActiveDirectory.tenantId", "exists", False),
          F(SF + "/azureActiveDirectory.tenantId", "equals", "")),
      [res(SF, "sf-good", {"azureActiveDirectory": {"tenantId": "22222222-2222-2222-2222-222222222222",
                                                    "clusterApplication": "44444444-4444-4444-4444-444444444444",
                                                    "clientApplication": "55555555-5555-5555-5555-555555555555"}})],
      [res(SF, "sf-bad", {"certificate": {"thumbprint": "ABCDEF0123456789ABCDEF0123456789ABCDEF01"}})],
      [OTHER])
FS = SF + "/fabricSettings[*]"
audit("bea07715", [T(SF)],
      COUNT(FS, ALL(F(FS + ".name", "equals", "Security"),
                    COUNT(FS + ".parameters[*]",
                          ALL(F(FS + ".parameters[*].name", "equals", "ClusterProtectionLevel"),
                              F(FS + ".parameters[*].value", "equals", "EncryptAndSign")))),
            "less", 1),
      [res(SF, "sf-good", {"fabricSettings": [
          {"name": "Diagnostics", "parameters": [{"name": "ProducerInstances", "value": "x"}]},
          {"name": "Security", "parameters": [{"name": "ClusterProtectionLevel", "value": "EncryptAndSign"}]}]})],
      [res(SF, "sf-bad", {"fabricSettings": [
          {"name": "Security", "parameters": [{"name": "ClusterProtectionLevel", "value": "None"}]}]}),
       res(SF, "sf-nosettings", {})],
      [OTHER])

APIM = "Microsoft.ApiManagement/service"
audit("f405dd30", [T(APIM)],
      ALL(F(APIM + "/sku.name", "in", "[parameters('evaluatedSkuNames')]"),
          F(APIM + "/virtualNetworkType", "notIn", ["External", "Internal"])),
      [res(APIM, "apim-good", {"virtualNetworkType": "Internal", "virtualNetworkConfiguration": {
          "subnetResourceId": rid(VNET, "vnet1") + "/subnets/apim"}}, sku={"name": "Premium", "capacity": 1}),
       res(APIM, "apim-consumption", {"virtualNetworkType": "None"}, sku={"name": "Consumption", "capacity": 0})],
      [res(APIM, "apim-bad", {"virtualNetworkType": "None"}, sku={"name": "Developer", "capacity": 1})],
      [OTHER],
      params={"evaluatedSkuNames": {"type": "Array", "defaultValue": ["Developer", "Premium"],
                                    "metadata": {"displayName": "API Management SKUs that support virtual networks"}}})

SPRING = "Microsoft.AppPlatform/Spring"
audit("813b8a0b", [T(SPRING)],
      ALL(F(SPRING + "/sku.tier", "in", ["Standard", "Enterprise"]),
          F(SPRING + "/networkProfile.serviceRuntimeSubnetId", "exists", False)),
      [res(SPRING, "spring-good", {"networkProfile": {
          "serviceRuntimeSubnetId": rid(VNET, "vnet1") + "/subnets/runtime",
          "appSubnetId": rid(VNET, "vnet1") + "/subnets/apps"}}, sku={"name": "S0", "tier": "Standard"}),
       res(SPRING, "spring-basic", {}, sku={"name": "B0", "tier": "Basic"})],
      [res(SPRING, "spring-bad", {}, sku={"name": "E0", "tier": "Enterprise"})],
      [OTHER])

simple("a501fdcb", "Microsoft.VirtualMachineImages/imageTemplates",
       "Microsoft.VirtualMachineImages/imageTemplates/vmProfile.vnetConfig", "exists", False,
       {"vmProfile": {"vmSize": "Standard_D2s_v3", "vnetConfig": {
           "subnetId": rid(VNET, "vnet1") + "/subnets/aib"}}},
       {"vmProfile": {"vmSize": "Standard_D2s_v3"}})

# IoT Hub
IOT = "Microsoft.Devices/IotHubs"
audit("46360e43", [T(IOT)],
      ALL(F(IOT + "/publicNetworkAccess", "notEquals", "Disabled"),
          F(IOT + "/networkRuleSets.defaultAction", "notEquals", "Deny")),
      [res(IOT, "iot-good", {"networkRuleSets": {"defaultAction": "Deny", "applyToBuiltInEventHubEndpoint": True,
                                                  "ipRules": [{"filterName": "office", "action": "Allow",
                                                               "ipMask": "203.0.113.0/24"}]}},
           sku={"name": "S1", "capacity": 1}),
       res(IOT, "iot-private", {"publicNetworkAccess": "Disabled"}, sku={"name": "S1", "capacity": 1})],
      [res(IOT, "iot-bad", {"networkRuleSets": {"defaultAction": "Allow", "ipRules": []}},
           sku={"name": "S1", "capacity": 1}),
       res(IOT, "iot-unset", {"ipFilterRules": []}, sku={"name": "S1", "capacity": 1})],
      [OTHER],
      note="Our reading: public access is on and the network rule set does not default to Deny.")
IPF = IOT + "/ipFilterRules[*]"
audit("87792a85", [T(IOT)],
      COUNT(IPF, ALL(F(IPF + ".action", "equals", "Accept"),
                     {"value": "[int(split(concat(current('Microsoft.Devices/IotHubs/ipFilterRules[*].ipMask'), '/32'), '/')[1])]",
                      "less": "[parameters('minimumPrefixLength')]"})),
      [res(IOT, "iot-good", {"ipFilterRules": [
          {"filterName": "office", "action": "Accept", "ipMask": "203.0.113.0/24"},
          {"filterName": "host", "action": "Accept", "ipMask": "198.51.100.7"},
          {"filterName": "blockall", "action": "Reject", "ipMask": "0.0.0.0/0"}]}, sku={"name": "S1", "capacity": 1})],
      [res(IOT, "iot-bad", {"ipFilterRules": [
          {"filterName": "office", "action": "Accept", "ipMask": "203.0.113.0/24"},
          {"filterName": "wide", "action": "Accept", "ipMask": "10.0.0.0/8"}]}, sku={"name": "S1", "capacity": 1})],
      [OTHER],
      params={"minimumPrefixLength": {"type": "Integer", "defaultValue": 24, "metadata": {
          "displayName": "Smallest allowed prefix length",
          "description": "An Accept rule whose CIDR prefix is shorter than this is a large IP range."}}},
      note="Our reading: an Accept IP filter rule with a CIDR prefix shorter than /24 (parameter).")

# ================================================================== SQL

SQL = "Microsoft.Sql/servers"
MI = "Microsoft.Sql/managedInstances"


def sqlsrv(name, kind="v12.0", **kw):
    return res(SQL, name, {"administratorLogin": "sqladmin", "version": "12.0", "state": "Ready",
                           "fullyQualifiedDomainName": f"{name}.database.windows.net"}, kind=kind, **kw)


def mi(name):
    return res(MI, name, {"administratorLogin": "sqladmin", "subnetId": rid(VNET, "vnet1") + "/subnets/mi",
                          "state": "Ready"}, sku={"name": "GP_Gen5", "tier": "GeneralPurpose"})


SQLAPP = [T(SQL), F("kind", "notContains", "analytics")]
SYN = sqlsrv("synapse-sql", kind="v12.0,analytics")


def sql_child_rule(key, app, ctype, name, exist, good_props, bad_props, make, na, comment, **kw):
    g, b, b2 = make("srv-good"), make("srv-bad"), make("srv-none")
    seg = ctype.split("/")[-1]
    aine(key, app, {"type": ctype, "name": name, "existenceCondition": exist},
         [g], [b, b2],
         [child(g, seg, name, good_props), child(b, seg, name, bad_props)],
         comment, na=na + [OTHER], **kw)


AUD = "Microsoft.Sql/servers/auditingSettings"
sql_child_rule("1d28fc9a", SQLAPP, AUD, "default", F(AUD + "/state", "equals", "Enabled"),
               {"state": "Enabled", "isAzureMonitorTargetEnabled": True, "retentionDays": 0},
               {"state": "Disabled", "retentionDays": 0}, sqlsrv, [SYN],
               "srv-good has auditing Enabled; srv-bad Disabled; srv-none has no auditing settings; "
               "the Synapse-managed server is not applicable.")
sql_child_rule("fbc584db", SQLAPP, AUD, "default",
               ANY(F(AUD + "/retentionDays", "equals", 0),
                   F(AUD + "/retentionDays", "greaterOrEquals", 90),
                   ALL(F(AUD + "/isAzureMonitorTargetEnabled", "equals", True),
                       ANY(F(AUD + "/storageEndpoint", "exists", False),
                           F(AUD + "/storageEndpoint", "equals", "")))),
               {"state": "Enabled", "storageEndpoint": "https://staudit.blob.core.windows.net/",
                "retentionDays": 180},
               {"state": "Enabled", "storageEndpoint": "https://staudit.blob.core.windows.net/",
                "retentionDays": 30}, sqlsrv, [SYN],
               "srv-good keeps audit logs 180 days; srv-bad 30 days; srv-none has no settings.")
SAP = "Microsoft.Sql/servers/securityAlertPolicies"
sql_child_rule("ac846c1f", SQLAPP, SAP, "Default", F(SAP + "/state", "equals", "Enabled"),
               {"state": "Enabled", "disabledAlerts": [""], "emailAccountAdmins": True},
               {"state": "Disabled", "disabledAlerts": [""]}, sqlsrv, [SYN],
               "srv-good has Defender for SQL (security alert policy) Enabled; srv-bad Disabled; "
               "srv-none has no policy.")
sql_child_rule("f534be5b", SQLAPP, SAP, "Default",
               ALL(F(SAP + "/state", "equals", "Enabled"),
                   F(SAP + "/disabledAlerts[*]", "equals", "")),
               {"state": "Enabled", "disabledAlerts": [""]},
               {"state": "Enabled", "disabledAlerts": ["Sql_Injection", "Data_Exfiltration"]}, sqlsrv, [SYN],
               "srv-good has no alert type disabled; srv-bad disables two; srv-none has no policy.")
MSAP = "Microsoft.Sql/managedInstances/securityAlertPolicies"
sql_child_rule("041f5a94", [T(MI)], MSAP, "Default", F(MSAP + "/state", "equals", "Enabled"),
               {"state": "Enabled", "disabledAlerts": [""]}, {"state": "Disabled"}, mi, [],
               "srv-good has Defender for SQL Enabled; srv-bad Disabled; srv-none has no policy.")
sql_child_rule("b6602e77", [T(MI)], MSAP, "Default",
               ALL(F(MSAP + "/state", "equals", "Enabled"),
                   F(MSAP + "/disabledAlerts[*]", "equals", "")),
               {"state": "Enabled", "disabledAlerts": []},
               {"state": "Enabled", "disabledAlerts": ["Unsafe_Action"]}, mi, [],
               "srv-good disables no alert type; srv-bad disables one; srv-none has no policy.")
MVA = "Microsoft.Sql/managedInstances/vulnerabilityAssessments"
sql_child_rule("a4631b5c", [T(MI)], MVA, "default",
               F(MVA + "/recurringScans.isEnabled", "equals", True),
               {"storageContainerPath": "https://stva.blob.core.windows.net/vulnerability-assessment/",
                "recurringScans": {"isEnabled": True, "emailSubscriptionAdmins": True}},
               {"recurringScans": {"isEnabled": False}}, mi, [],
               "srv-good has recurring vulnerability scans; srv-bad has them off; srv-none has no "
               "vulnerability assessment.")
SVA = "Microsoft.Sql/servers/vulnerabilityAssessments"
sql_child_rule("acb25de9", SQLAPP, SVA, "default",
               F(SVA + "/recurringScans.isEnabled", "equals", True),
               {"storageContainerPath": "https://stva.blob.core.windows.net/vulnerability-assessment/",
                "recurringScans": {"isEnabled": True, "emailSubscriptionAdmins": True}},
               {"recurringScans": {"isEnabled": False}}, sqlsrv, [SYN],
               "srv-good has recurring vulnerability scans; srv-bad has them off; srv-none has none.",
               note="Classic vulnerability assessment settings only; the express configuration "
                    "(sqlVulnerabilityAssessments) is not looked at.")
ADM = "Microsoft.Sql/servers/administrators"
g, b = sqlsrv("srv-good"), sqlsrv("srv-bad")
aine("b6ea36e8", [T(SQL)], {"type": ADM},
     [g], [b],
     [child(g, "administrators", "ActiveDirectory", {
         "administratorType": "ActiveDirectory", "login": "sql-admins",
         "sid": "66666666-6666-6666-6666-666666666666", "tenantId": "22222222-2222-2222-2222-222222222222"})],
     "srv-good has an Entra ID administrator; srv-bad has none.", na=[OTHER])
g = sqlsrv("srv-good")
db_g, db_b, db_m = (child(g, "databases", n, {"status": "Online"}, location="eastus")
                    for n in ("db-good", "db-bad", "master"))
TDE = "Microsoft.Sql/servers/databases/transparentDataEncryption"
aine("5070d801", [T("Microsoft.Sql/servers/databases"), F("name", "notEquals", "master")],
     {"type": TDE, "name": "current", "existenceCondition": F(TDE + "/state", "equals", "Enabled")},
     [db_g], [db_b],
     [child(db_g, "transparentDataEncryption", "current", {"state": "Enabled"}),
      child(db_b, "transparentDataEncryption", "current", {"state": "Disabled"})],
     "db-good has TDE Enabled, db-bad Disabled; master is not applicable.", na=[db_m, OTHER])
audit("34b1a7be", SQLAPP,
      ANY(F(SQL + "/keyId", "exists", False), F(SQL + "/keyId", "equals", "")),
      [res(SQL, "srv-cmk", {"version": "12.0", "keyId": "https://kv1.vault.azure.net/keys/tde/0123456789abcdef"}, kind="v12.0")],
      [sqlsrv("srv-bad")], [SYN, OTHER])
audit("fa5645f4", [T(MI)],
      ANY(F(MI + "/keyId", "exists", False), F(MI + "/keyId", "equals", "")),
      [res(MI, "mi-cmk", {"keyId": "https://kv1.vault.azure.net/keys/tde/0123456789abcdef"},
           sku={"name": "GP_Gen5"})],
      [mi("mi-bad")], [OTHER])

for key, ns in (("2dd0693c", "Microsoft.DBforMySQL"), ("9a232b6c", "Microsoft.DBforPostgreSQL")):
    KT = ns + "/servers/keys"
    make = lambda n, ns=ns: res(ns + "/servers", n, {"version": "11", "sslEnforcement": "Enabled"})
    g, b, b2 = make("srv-good"), make("srv-bad"), make("srv-none")
    aine(key, [T(ns + "/servers")],
         {"type": KT, "existenceCondition": ALL(F(KT + "/serverKeyType", "equals", "AzureKeyVault"),
                                                F(KT + "/uri", "exists", True),
                                                F(KT + "/uri", "notEquals", ""))},
         [g], [b, b2],
         [child(g, "keys", "kv1_key1_01", {"serverKeyType": "AzureKeyVault",
                                           "uri": "https://kv1.vault.azure.net/keys/key1/01"}),
          child(b, "keys", "kv1_key1_01", {"serverKeyType": "AzureKeyVault", "uri": ""})],
         "srv-good has a Key Vault server key; srv-bad a key without URI; srv-none no key.",
         na=[OTHER])

# ================================================================== Subscription-level

PRICING = "Microsoft.Security/pricings"
SUBS = [T("Microsoft.Resources/subscriptions")]


def plan_rule(key, plan):
    aine(key, SUBS,
         {"type": PRICING, "name": plan, "existenceScope": "subscription",
          "existenceCondition": F(PRICING + "/pricingTier", "equals", "Standard")},
         [subscription(SUB)], [subscription(SUB2), subscription(SUB3)],
         [sub_child(SUB, PRICING, plan, {"pricingTier": "Standard"}),
          sub_child(SUB2, PRICING, plan, {"pricingTier": "Free"}),
          sub_child(SUB3, PRICING, "Other" if plan != "Other" else "X", {"pricingTier": "Standard"})],
         f"Subscription ...01 has the {plan} plan on Standard; ...02 has it on Free; ...03 has "
         "another plan only.", na=[OTHER], mode="All")


for key, plan in (("a3d1161a", "AppServices"), ("d3e6a7c3", "SqlServers"), ("281dafaa", "Containers"),
                  ("e179a488", "Dns"), ("86db6bcd", "KeyVaults"),
                  ("6e662a44", "OpenSourceRelationalDatabases"), ("37dc2949", "Arm"),
                  ("ef43418e", "VirtualMachines"), ("fd517647", "SqlServerVirtualMachines"),
                  ("0f9617a9", "StorageAccounts")):
    plan_rule(key, plan)

APS = "Microsoft.Security/autoProvisioningSettings"
aine("ffae74d1", SUBS,
     {"type": APS, "name": "default", "existenceScope": "subscription",
      "existenceCondition": F(APS + "/autoProvision", "equals", "On")},
     [subscription(SUB)], [subscription(SUB2), subscription(SUB3)],
     [sub_child(SUB, APS, "default", {"autoProvision": "On"}),
      sub_child(SUB2, APS, "default", {"autoProvision": "Off"})],
     "Subscription ...01 has auto provisioning On; ...02 Off; ...03 has no setting.",
     na=[OTHER], mode="All")

SC = "Microsoft.Security/securityContacts"
SCP = SC + "/"


def contacts_rule(key, exist, good, bad, comment):
    aine(key, SUBS, {"type": SC, "existenceScope": "subscription", "existenceCondition": exist},
         [subscription(SUB)], [subscription(SUB2), subscription(SUB3)],
         [sub_child(SUB, SC, "default", good), sub_child(SUB2, SC, "default", bad)],
         comment + " Subscription ...03 has no security contact.", na=[OTHER], mode="All")


contacts_rule("3e165972",
              ALL(F(SCP + "emails", "exists", True), F(SCP + "emails", "notEquals", "")),
              {"emails": "secops@contoso.com", "isEnabled": True},
              {"emails": "", "isEnabled": True},
              "Subscription ...01 has a contact email; ...02 an empty one.")
NS = SCP + "notificationsSources[*]"
contacts_rule("a1c2d760",
              ANY(F(SCP + "alertNotifications.state", "equals", "On"),
                  ALL(F(SCP + "isEnabled", "equals", True),
                      COUNT(NS, F(NS + ".sourceType", "equals", "Alert")))),
              {"emails": "secops@contoso.com", "isEnabled": True, "notificationsSources": [
                  {"sourceType": "Alert", "minimalSeverity": "Medium"},
                  {"sourceType": "AttackPath", "minimalRiskLevel": "Critical"}]},
              {"emails": "secops@contoso.com", "isEnabled": True, "notificationsSources": [
                  {"sourceType": "AttackPath", "minimalRiskLevel": "Critical"}]},
              "Subscription ...01 sends alert notifications; ...02 only attack paths.")
contacts_rule("be940330",
              ALL(F(SCP + "notificationsByRole.state", "equals", "On"),
                  F(SCP + "notificationsByRole.roles", "contains", "Owner")),
              {"emails": "secops@contoso.com", "isEnabled": True,
               "notificationsByRole": {"state": "On", "roles": ["Owner", "ServiceAdmin"]}},
              {"emails": "secops@contoso.com", "isEnabled": True,
               "notificationsByRole": {"state": "On", "roles": ["Contributor"]}},
              "Subscription ...01 notifies the Owner role; ...02 only Contributors.")

# Defender for servers / SQL on machines on Log Analytics workspaces: the
# workspace carries the Security / SQLAdvancedThreatProtection solution.
LAW = "Microsoft.OperationalInsights/workspaces"
SOL = "Microsoft.OperationsManagement/solutions"
for key, sol in (("1b127f95", "Security"), ("e0fd63b4", "SQLAdvancedThreatProtection")):
    g = res(LAW, "law-good", {"sku": {"name": "PerGB2018"}, "retentionInDays": 30})
    b = res(LAW, "law-bad", {"sku": {"name": "PerGB2018"}, "retentionInDays": 30})
    aine(key, [T(LAW)],
         {"type": SOL, "name": f"[concat('{sol}(', field('name'), ')')]",
          "existenceCondition": F(SOL + "/workspaceResourceId", "equals", "[field('id')]")},
         [g], [b],
         [res(SOL, f"{sol}(law-good)", {"workspaceResourceId": g["id"], "provisioningState": "Succeeded"},
              plan={"name": f"{sol}(law-good)", "publisher": "Microsoft", "product": f"OMSGallery/{sol}"}),
          res(SOL, "Updates(law-bad)", {"workspaceResourceId": b["id"]},
              plan={"name": "Updates(law-bad)", "publisher": "Microsoft", "product": "OMSGallery/Updates"})],
         f"law-good has the {sol} solution; law-bad only Updates.", na=[OTHER],
         note=f"Our reading: the workspace has the {sol} solution (legacy per-workspace plan).")
