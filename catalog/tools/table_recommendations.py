"""Hand-written source table: the built-in recommendations.

One R(...) row per recommendation of the seed's table. Columns:

  name     display name, exactly as the seed writes it (typos included)
  sev      H | M | L                         -> severity High / Medium / Low
  cats     codes, comma separated            -> categories
           C Compute, N Networking, D Data, I IdentityAndAccess, T IoT,
           A AppServices, K Container
  ui, ie   L | M | H                         -> userImpact / implementationEffort
           (Low / Moderate / High)
  thr      codes, comma separated            -> threats
           AB accountBreach, DE dataExfiltration, DS dataSpillage,
           MI maliciousInsider, EP elevationOfPrivilege, TR threatResistance,
           MC missingCoverage, DOS denialOfService
  types    lower-case ARM resource types the recommendation is assessed on
  dec      "policy"   decidable from the resource's ARM configuration (its own
                      properties or ARM child / related resources), so a built-in
                      policy rule can be written;
           "external" needs data ARM does not hold (scanner findings, directory
                      state, in-guest or in-cluster state): assessments are pushed
  desc     what the recommendation checks and why (our words)
  rem      how to fix it (our words)
  pol      name (GUID) of the policy definition in
           ../shared/data/azure-policy/policyDefinitions that implements it
  pm       how pol matches: "displayName" (same name up to case and a
           "[Preview]: " or "[Enable if required] " prefix), "renamed" (the policy is the same check under a
           newer or reworded name), "broader" (the policy covers this
           recommendation's resources and more, e.g. all App Service kinds),
           "seedTypo" (same name except for a misspelling in the seed)
  az       (assessment key, file under ../shared, display name in that file,
           match) when Azure's key for this recommendation is in the shared data.
           match: "displayName" (same name up to case / "[Preview]: "),
           "seedTypo" (the seed misspells the name), "renamed" (found only under
           another name; used only when build_catalog.py runs with
           --accept-renamed-keys)

Severities, categories, impacts and threats are our reading of the public
recommendation reference; resource types follow the policy definition's `if`
block where one exists. Preview is taken from the seed only (it marks none).
"""

VM = "microsoft.compute/virtualmachines"
CVM = "microsoft.classiccompute/virtualmachines"
VMSS = "microsoft.compute/virtualmachinescalesets"
ARC = "microsoft.hybridcompute/machines"
SUB = "microsoft.resources/subscriptions"
AKS = "microsoft.containerservice/managedclusters"
ARCK8S = "microsoft.kubernetes/connectedclusters"
SITE = "microsoft.web/sites"
ACR = "microsoft.containerregistry/registries"
SQL = "microsoft.sql/servers"
SQLDB = "microsoft.sql/servers/databases"
SQLMI = "microsoft.sql/managedinstances"
ST = "microsoft.storage/storageaccounts"
KV = "microsoft.keyvault/vaults"
COSMOS = "microsoft.documentdb/databaseaccounts"
MYSQL = "microsoft.dbformysql/servers"
PGSQL = "microsoft.dbforpostgresql/servers"
MARIA = "microsoft.dbformariadb/servers"
COG = "microsoft.cognitiveservices/accounts"
VNET = "microsoft.network/virtualnetworks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
LAW = "microsoft.operationalinsights/workspaces"
IOTHUB = "microsoft.devices/iothubs"
GH_REPO = "microsoft.security/securityconnectors/devops/githubowners/repos"
ADO_REPO = "microsoft.security/securityconnectors/devops/azuredevopsorgs/projects/repos"
GL_PROJ = "microsoft.security/securityconnectors/devops/gitlabgroups/projects"
REPOS = [GH_REPO, ADO_REPO, GL_PROJ]
MACHINES = [VM, ARC]
GC_MACHINES = [VM, ARC, "microsoft.connectedvmwarevsphere/virtualmachines"]  # guest configuration targets
K8S = [AKS, ARCK8S]

SC = "data/azure-policy/policyDefinitions/Security Center/"

ROWS = []


def R(name, sev, cats, ui, ie, thr, types, dec, desc, rem, pol=None, pm=None, az=None):
    ROWS.append(dict(name=name, sev=sev, cats=cats, ui=ui, ie=ie, thr=thr,
                     types=types if isinstance(types, list) else [types], dec=dec,
                     desc=desc, rem=rem, pol=pol, pm=pm, az=az))


# --- Enable MFA ---------------------------------------------------------------

R("Accounts with owner permissions on Azure resources should be MFA enabled",
  "H", "I", "M", "L", "AB,MI,EP", SUB, "external",
  "Finds accounts holding the Owner role on resources in the subscription that can sign in "
  "without a second factor. A stolen password alone would then give full control.",
  "Require multi-factor authentication for these accounts, through security defaults, "
  "per-user MFA or a conditional access policy.")
R("Accounts with write permissions on Azure resources should be MFA enabled",
  "H", "I", "M", "L", "AB,MI,EP", SUB, "external",
  "Finds accounts that can modify resources in the subscription and sign in with a password "
  "only. Such an account is an easy way to tamper with the environment.",
  "Enforce multi-factor authentication for every account with write access, using security "
  "defaults, per-user MFA or conditional access.")
R("MFA should be enabled on accounts with owner permissions on subscriptions",
  "H", "I", "M", "L", "AB,MI,EP", SUB, "external",
  "Checks that every account assigned Owner at the subscription scope has multi-factor "
  "authentication enabled.",
  "Turn on multi-factor authentication for the subscription owners, for example with a "
  "conditional access policy that targets them.")
R("MFA should be enabled on accounts with write permissions on subscriptions",
  "H", "I", "M", "L", "AB,MI,EP", SUB, "external",
  "Checks that every account with write permissions at the subscription scope has "
  "multi-factor authentication enabled.",
  "Turn on multi-factor authentication for these accounts through security defaults, "
  "per-user MFA or conditional access.")

# --- Secure management ports -----------------------------------------------------

R("Internet-facing virtual machines should be protected with network security groups",
  "H", "N", "L", "L", "DE,DS,MI", [VM, CVM], "external",
  "Finds virtual machines reachable from the internet whose network interfaces or subnets "
  "have no network security group filtering traffic.",
  "Attach a network security group to the machine's subnet or network interface and allow "
  "only the ports and sources the workload needs.",
  pol="f6de0be7-9a8a-4b8a-b349-43cf02d22f7c", pm="displayName",
  az=("483f12ed-ae23-447e-a2de-a67a10db4353",
      SC + "ASC_NetworkSecurityGroupsOnInternetFacingVirtualMachines_Audit.json",
      "Internet-facing virtual machines should be protected with network security groups",
      "displayName"))
R("Management ports of virtual machines should be protected with just-in-time network access control",
  "H", "N", "L", "L", "DE,DS,MI,EP", VM, "external",
  "Finds virtual machines with management ports such as RDP or SSH open permanently instead "
  "of being opened on request for a limited time.",
  "Enable just-in-time VM access for the machine so that management ports stay closed until "
  "an authorised user asks for time-limited access.",
  pol="b0f33259-77d7-4c9e-aac6-3aabcfae693c", pm="displayName",
  az=("805651bc-6ecd-4c73-9b55-97a19d0582d0", SC + "ASC_JITNetworkAccess_Audit.json",
      "Management ports of virtual machines should be protected with just-in-time network access control",
      "displayName"))
R("Management ports should be closed on your virtual machines",
  "M", "N", "L", "L", "DE,DS,MI,EP", [VM, CVM], "external",
  "Finds virtual machines whose effective network rules let anyone reach remote-management "
  "ports, which invites password-guessing attacks.",
  "Remove or narrow the inbound security rules that expose management ports, or use "
  "just-in-time access or a bastion host instead.",
  pol="22730e10-96f6-4aac-ad84-9383d35b5917", pm="displayName",
  az=("bc303248-3d14-44c2-96a0-55f5c326b5fe",
      SC + "ASC_OpenManagementPortsOnVirtualMachines_Audit.json",
      "Management ports should be closed on your virtual machines", "displayName"))

# --- Apply system updates ---------------------------------------------------------

R("Log Analytics agent should be installed on Linux-based Azure Arc-enabled machines",
  "H", "C", "L", "L", "DE,DS,MI,TR,MC", ARC, "policy",
  "Checks that Linux machines connected through Azure Arc run the Log Analytics agent "
  "extension, which several security checks rely on for their data.",
  "Deploy the Log Analytics agent extension to the Arc-enabled machine and connect it to a "
  "workspace.")
R("Log Analytics agent should be installed on virtual machine scale sets",
  "H", "C", "L", "L", "DE,DS,MI,TR,MC", VMSS, "policy",
  "Checks that scale sets include the Log Analytics agent extension so that their instances "
  "report security events and configuration data.",
  "Add the Log Analytics agent extension to the scale set model and upgrade the existing "
  "instances.")
R("Log Analytics agent should be installed on virtual machines",
  "H", "C", "L", "L", "DE,DS,MI,TR,MC", VM, "policy",
  "Checks that virtual machines run the Log Analytics agent extension, without which updates, "
  "baselines and endpoint protection cannot be assessed.",
  "Install the Log Analytics agent extension on the machine, or enable automatic "
  "provisioning of the agent for the subscription.")
R("Log Analytics agent should be installed on Windows-based Azure Arc-enabled machines",
  "H", "C", "L", "L", "DE,DS,MI,TR,MC", ARC, "policy",
  "Checks that Windows machines connected through Azure Arc run the Log Analytics agent "
  "extension that feeds security monitoring.",
  "Deploy the Log Analytics agent extension to the Arc-enabled machine and connect it to a "
  "workspace.")
R("System updates on virtual machine scale sets should be installed",
  "H", "C", "M", "M", "DE,DS,MI,TR", VMSS, "external",
  "Reports scale-set instances that are missing security or critical operating-system "
  "updates, leaving known flaws open to attack.",
  "Install the missing updates, for example through automatic OS image upgrades or by "
  "updating the image and reimaging the instances.")
R("System updates should be installed on your machines",
  "H", "C", "M", "M", "DE,DS,MI,TR", MACHINES, "external",
  "Reports machines that are missing security or critical operating-system updates, as found "
  "by the monitoring agent.",
  "Install the missing updates with your patch management tool and schedule regular update "
  "runs.")
R("System updates should be installed on your machines (powered by Update Center)",
  "H", "C", "M", "M", "DE,DS,MI,TR", MACHINES, "external",
  "Reports machines that the update management service finds missing security or critical "
  "updates.",
  "Apply the pending updates through the update management service and set up a recurring "
  "maintenance schedule.",
  pol="f85bf3e0-d513-442e-89c3-1784ad63382b", pm="displayName",
  az=("e1145ab1-eb4f-43d8-911b-36ddf771d13f", SC + "ASC_MissingSystemUpdatesV2_Audit.json",
      "System updates should be installed on your machines (powered by Update Center)",
      "displayName"))

# --- Remediate vulnerabilities ----------------------------------------------------

R("Azure Arc-enabled Kubernetes clusters should have the Azure Policy extension installed",
  "H", "K", "L", "L", "DE,DS,MI,EP,TR", ARCK8S, "policy",
  "Checks that Arc-connected Kubernetes clusters have the Azure Policy extension, which "
  "enforces and reports workload rules inside the cluster.",
  "Install the Azure Policy extension on the Arc-enabled cluster.",
  pol="6b2122c1-8120-4ff5-801b-17625a355590", pm="renamed")
R("Azure Kubernetes Service clusters should have the Azure Policy add-on for Kubernetes installed",
  "H", "K", "L", "L", "DE,DS,MI,EP,TR", AKS, "policy",
  "Checks that managed Kubernetes clusters have the Azure Policy add-on enabled, so that "
  "workload rules are enforced and reported at admission time.",
  "Enable the Azure Policy add-on in the cluster's add-on profile.",
  pol="0a15ec92-a229-4763-bb14-0ea34a568f8d", pm="renamed")
R("Code repositories should have code scanning findings resolved",
  "M", "", "L", "M", "DE,DS,MI,TR", REPOS, "external",
  "Reports code repositories in which static analysis found security weaknesses that are "
  "still open.",
  "Review the code scanning results for the repository and fix or dismiss each finding.")
R("Code repositories should have Dependabot scanning findings resolved",
  "M", "", "L", "M", "DE,DS,MI,TR", REPOS, "external",
  "Reports repositories whose dependencies have known vulnerabilities flagged by dependency "
  "scanning.",
  "Upgrade the affected packages to fixed versions, or merge the update pull requests the "
  "scanner proposes.")
R("Code repositories should have infrastructure as code scanning findings resolved",
  "M", "", "L", "M", "DE,DS,MI,TR", REPOS, "external",
  "Reports repositories whose templates and infrastructure-as-code files define insecure "
  "resource configurations.",
  "Correct the flagged template settings so that deployed resources follow the secure "
  "configuration.")
R("Code repositories should have secret scanning findings resolved",
  "H", "", "L", "M", "AB,DE,DS,MI", REPOS, "external",
  "Reports repositories that contain credentials, keys or tokens committed to source "
  "control.",
  "Revoke and rotate each exposed secret, remove it from the code and history, and load "
  "secrets from a vault at run time.")
R("Container images should be deployed from trusted registries only",
  "H", "K", "M", "M", "DE,DS,MI,TR", K8S, "external",
  "Checks that Kubernetes workloads run only images pulled from an approved list of "
  "registries, so untrusted images cannot be deployed.",
  "Set the allowed registry pattern in the cluster's policy assignment and move workloads "
  "to images from those registries.",
  pol="febd0533-8e55-448f-b837-bd0e06f16469", pm="renamed")
R("Container registry images should have vulnerability findings resolved",
  "H", "K", "L", "M", "DE,DS,MI,TR", ACR, "external",
  "Reports images in container registries whose packages have known vulnerabilities.",
  "Rebuild the affected images on patched base images and packages, push them, and remove "
  "the vulnerable tags.")
R("Function apps should have vulnerability findings resolved",
  "H", "A", "L", "M", "DE,DS,MI,TR", SITE, "external",
  "Reports function apps whose code packages or dependencies contain known vulnerabilities.",
  "Update the vulnerable dependencies in the function app and redeploy it.")
R("Kubernetes clusters should gate deployment of vulnerable images",
  "H", "K", "M", "M", "DE,DS,MI,TR", K8S, "external",
  "Checks that clusters refuse to start images whose vulnerability scan results exceed the "
  "accepted level.",
  "Configure a vulnerability gating rule for the cluster so that images with unresolved "
  "high-severity findings are rejected.")
R("Machines should have a vulnerability assessment solution",
  "M", "C", "L", "L", "DE,DS,MI,TR,MC", [VM, CVM, ARC], "external",
  "Checks that each machine is covered by a vulnerability scanner, so that software flaws "
  "are found at all.",
  "Deploy a supported vulnerability assessment agent or enable agentless scanning for the "
  "machine.",
  pol="501541f7-f7e7-4cd6-868c-4190fdad3ac9", pm="renamed",
  az=("ffff0522-1e88-47fc-8382-2a80ba848f5d", SC + "ASC_ServerVulnerabilityAssessment_Audit.json",
      "A vulnerability assessment solution should be enabled on your virtual machines",
      "renamed"))
R("Machines should have vulnerability findings resolved",
  "H", "C", "L", "M", "DE,DS,MI,TR", MACHINES, "external",
  "Reports machines on which the vulnerability scanner found installed software with known "
  "vulnerabilities.",
  "Patch or upgrade the affected software, or remove it, and let the next scan confirm the "
  "fix.")
R("Running container images should have vulnerability findings resolved",
  "H", "K", "L", "M", "DE,DS,MI,TR", K8S, "external",
  "Reports clusters that run container images with known vulnerabilities.",
  "Rebuild the images on patched packages, redeploy the workloads and remove the old "
  "images.")

# --- Remediate security configurations --------------------------------------------

R("Azure DevOps security posture findings should be resolved",
  "M", "", "L", "M", "DE,DS,MI,EP", [ADO_REPO, "microsoft.security/securityconnectors/devops/azuredevopsorgs",
                                     "microsoft.security/securityconnectors/devops/azuredevopsorgs/projects"],
  "external",
  "Reports insecure settings found in Azure DevOps organisations, projects and pipelines, "
  "such as broad permissions or unprotected service connections.",
  "Review each finding in the DevOps connector and tighten the reported setting.")
R("Containers should only use allowed AppArmor profiles",
  "H", "K", "L", "L", "DE,DS,MI,EP", K8S, "external",
  "Checks that containers run under an approved AppArmor profile, which limits what a "
  "compromised process can do.",
  "Annotate the pods with an allowed AppArmor profile and assign the matching cluster "
  "policy.",
  pol="511f5417-5d12-434d-ab2e-816901e72a5e", pm="renamed")
R("Machines should be configured securely",
  "L", "C", "L", "M", "DE,DS,MI,TR", MACHINES, "external",
  "Reports operating-system settings that deviate from the recommended security baseline on "
  "each machine.",
  "Review the failed baseline rules for the machine and change the settings to the expected "
  "values.")
R("SQL databases should have vulnerability findings resolved",
  "H", "D", "L", "M", "DE,DS,MI", [SQL, SQLMI], "external",
  "Reports databases in which the SQL vulnerability assessment found misconfigurations, "
  "excessive permissions or unprotected sensitive data.",
  "Fix each failed check, or accept it as the baseline when it is intended.",
  pol="feedbf84-6b99-488c-acc2-71c829aa5ffc", pm="displayName",
  az=("82e20e14-edc5-4373-bfc4-f13121257c37", SC + "ASC_SQLDbVulnerabilities_Audit.json",
      "SQL databases should have vulnerability findings resolved", "displayName"))
R("SQL managed instances should have vulnerability assessment configured",
  "H", "D", "L", "L", "DE,DS,MI,TR", SQLMI, "policy",
  "Checks that recurring vulnerability assessment scans are configured on each SQL managed "
  "instance.",
  "Enable vulnerability assessment with recurring scans on the managed instance.",
  pol="1b7aa243-30e4-4c9e-bca8-d0d3022b634a", pm="renamed")
R("SQL servers on machines should have vulnerability findings resolved",
  "H", "D", "L", "M", "DE,DS,MI", MACHINES, "external",
  "Reports SQL Server instances on virtual or Arc-enabled machines whose vulnerability "
  "assessment found failed checks.",
  "Fix each failed check on the instance, or accept it as the baseline when it is intended.",
  pol="6ba6d016-e7c3-4842-b8f2-4992ebc0d72d", pm="displayName",
  az=("f97aa83c-9b63-4f9a-99f6-b22c4398f936",
      SC + "ASC_ServerSQLVulnerabilityAssessment_Audit.json",
      "SQL servers on machines should have vulnerability findings resolved", "displayName"))
R("SQL servers should have vulnerability assessment configured",
  "H", "D", "L", "L", "DE,DS,MI,TR", SQL, "policy",
  "Checks that vulnerability assessment is configured on each logical SQL server, so its "
  "databases are scanned for weaknesses.",
  "Enable vulnerability assessment on the server, with recurring scans and a storage "
  "location for the results.",
  pol="ef2a8f2a-b3d9-49cd-a8a8-9a3aaaf647d9", pm="renamed")
R("Virtual machine scale sets should be configured securely",
  "H", "C", "L", "M", "DE,DS,MI,TR", VMSS, "external",
  "Reports scale-set instances whose operating-system settings deviate from the recommended "
  "security baseline.",
  "Correct the failing settings in the scale set's image or configuration and roll the "
  "change out to all instances.")
R("Vulnerabilities in security configuration on your Linux machines should be remediated (powered by Guest Configuration)",
  "L", "C", "L", "M", "DE,DS,MI,TR", GC_MACHINES, "external",
  "Reports Linux machines that fail rules of the compute security baseline checked by the "
  "guest configuration agent.",
  "Change the failing operating-system settings to the values the baseline expects.",
  pol="fc9b3da7-8347-4380-8e70-0a0361d8dedd", pm="renamed")
R("Vulnerabilities in security configuration on your Windows machines should be remediated (powered by Guest Configuration)",
  "L", "C", "L", "M", "DE,DS,MI,TR", GC_MACHINES, "external",
  "Reports Windows machines that fail rules of the compute security baseline checked by the "
  "guest configuration agent.",
  "Change the failing operating-system settings to the values the baseline expects.",
  pol="72650e9f-97bc-4b2a-ab5f-9781a9fcecbc", pm="renamed")

# --- Manage access and permissions ------------------------------------------------

R("Authentication to Linux machines should require SSH keys",
  "M", "C", "L", "L", "AB,DE,MI", GC_MACHINES, "external",
  "Checks that Linux machines accept SSH logins only with keys, not passwords, which can be "
  "guessed or reused.",
  "Add SSH public keys for the users and disable password authentication for SSH on the "
  "machine.",
  pol="630c64f9-8b6b-4c64-b511-6544ceff6fd6", pm="displayName")
R("Azure Cosmos DB accounts should use Azure Active Directory as the only authentication method",
  "M", "D", "M", "M", "AB,DE,MI", COSMOS, "policy",
  "Checks that Cosmos DB accounts have key-based (local) authentication turned off, so that "
  "every request is made by a directory identity.",
  "Move clients to directory-based authentication and then set the account's local "
  "authentication to disabled.",
  pol="5450f5bd-9c72-4390-a9c4-a7aba4edfdd2", pm="renamed")
R("Blocked accounts with owner permissions on Azure resources should be removed",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Finds accounts that are blocked from signing in but still hold the Owner role. Unused "
  "privileged assignments are a standing risk.",
  "Remove the role assignments of blocked accounts from the subscription and its resources.",
  pol="0cfea604-3201-4e14-88fc-fae4c427a6c5", pm="displayName",
  az=("050ac097-3dda-4d24-ab6d-82568e7a50cf",
      SC + "ASC_RemoveBlockedAccountsWithOwnerPermissions_Audit.json",
      "Blocked accounts with owner permissions on Azure resources should be removed",
      "displayName"))
R("Blocked accounts with read and write permissions on Azure resources should be remove",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Finds accounts that are blocked from signing in but still have read or write role "
  "assignments.",
  "Remove the role assignments of blocked accounts from the subscription and its resources.",
  pol="8d7e1fde-fe26-4b5f-8108-f8e432cbc2be", pm="seedTypo",
  az=("1ff0b4c9-ed56-4de6-be9c-d7ab39645926",
      SC + "ASC_RemoveBlockedAccountsWithReadWritePermissions_Audit.json",
      "Blocked accounts with read and write permissions on Azure resources should be removed",
      "seedTypo"))
R("Container with privilege escalation should be avoided",
  "M", "K", "L", "L", "DE,DS,MI,EP", K8S, "external",
  "Checks that containers cannot gain more privileges than their parent process, for "
  "example through setuid binaries.",
  "Set allowPrivilegeEscalation to false in the containers' security context.",
  pol="1c6e92c9-99f0-4e55-9cf2-0c234dc48f99", pm="renamed")
R("Containers sharing sensitive host namespaces should be avoided",
  "M", "K", "L", "L", "DE,DS,MI,EP", K8S, "external",
  "Checks that pods do not share the node's process or IPC namespace, which would let a "
  "container see or signal host processes.",
  "Remove hostPID and hostIPC from the pod specifications.",
  pol="47a1ee2f-2a2a-4576-bf2a-e0e36709c2b8", pm="renamed")
R("Deprecated accounts should be removed from subscriptions",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Finds accounts that can no longer sign in but still have role assignments on the "
  "subscription.",
  "Delete the role assignments that belong to the deprecated accounts.")
R("Deprecated accounts with owner permissions should be removed from subscriptions",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Finds accounts that can no longer sign in but still hold the Owner role on the "
  "subscription.",
  "Delete the owner role assignments that belong to the deprecated accounts.")
R("External accounts with owner permissions should be removed from subscriptions",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Finds accounts from outside the organisation's directory that hold the Owner role, which "
  "escape its identity controls.",
  "Remove the owner role assignments of external accounts, or replace them with managed "
  "identities of your own directory.")
R("External accounts with write permissions should be removed from subscriptions",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Finds accounts from outside the organisation's directory that can modify resources in "
  "the subscription.",
  "Remove the write role assignments of external accounts or move them to identities you "
  "manage.")
R("Function apps should have Client Certificates (Incoming client certificates) enabled",
  "M", "A", "M", "L", "AB,DE", SITE, "policy",
  "Checks that function apps ask callers for a client certificate, so that only clients "
  "holding a valid certificate are served.",
  "Turn on incoming client certificates for the function app and give callers "
  "certificates.",
  pol="ab6a902f-9493-453b-928d-62c30b11b5a6", pm="displayName")
R("Guest accounts with owner permissions on Azure resources should be removed",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Finds guest accounts invited from other directories that hold the Owner role on "
  "resources.",
  "Remove the owner role assignments of guest accounts.",
  pol="339353f6-2387-4a45-abe4-7f529d121046", pm="displayName",
  az=("20606e75-05c4-48c0-9d97-add6daa2109a",
      SC + "ASC_RemoveGuestAccountsWithOwnerPermissions_Audit.json",
      "Guest accounts with owner permissions on Azure resources should be removed",
      "displayName"))
R("Guest accounts with write permissions on Azure resources should be removed",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Finds guest accounts invited from other directories that can modify resources.",
  "Remove the write role assignments of guest accounts.",
  pol="94e1c2ac-cbbe-4cac-a2b5-389c812dee87", pm="displayName",
  az=("0354476c-a12a-4fcc-a79d-f0ab7ffffdbb",
      SC + "ASC_RemoveGuestAccountsWithWritePermissions_Audit.json",
      "Guest accounts with write permissions on Azure resources should be removed",
      "displayName"))
R("Guest Configuration extension should be installed on machines",
  "M", "C", "L", "L", "DE,DS,MI,TR,MC", VM, "policy",
  "Checks that virtual machines run the guest configuration extension, which in-guest "
  "settings checks depend on.",
  "Install the guest configuration extension on the machine, with a system-assigned managed "
  "identity.",
  pol="ae89ebca-1c92-4898-ac2c-9f63decb045c", pm="renamed")
R("Immutable (read-only) root filesystem should be enforced for containers",
  "L", "K", "L", "L", "DE,DS,MI,EP", K8S, "external",
  "Checks that containers mount their root filesystem read-only, so that an intruder cannot "
  "change binaries inside them.",
  "Set readOnlyRootFilesystem to true in the containers' security context and use volumes for "
  "writable paths.",
  pol="df49d893-a74c-421d-bc95-c663042e5b80", pm="renamed")
R("Least privileged Linux capabilities should be enforced for containers",
  "M", "K", "L", "L", "DE,DS,MI,EP", K8S, "external",
  "Checks that containers add only approved Linux capabilities and drop the rest.",
  "Drop all capabilities in the security context and add back only those the workload "
  "needs.",
  pol="c26596ff-4d70-4e6a-9a30-c2506bd2f80c", pm="renamed")
R("Managed identity should be used in API apps",
  "M", "A", "L", "L", "AB,DE", SITE, "policy",
  "Checks that API apps use a managed identity to reach other services instead of stored "
  "credentials.",
  "Assign a managed identity to the API app and grant it access to the services it calls.",
  pol="2b9ad585-36bc-4615-b300-fd4435808332", pm="broader")
R("Managed identity should be used in function apps",
  "M", "A", "L", "L", "AB,DE", SITE, "policy",
  "Checks that function apps use a managed identity to reach other services instead of "
  "stored credentials.",
  "Assign a managed identity to the function app and grant it access to the services it "
  "calls.",
  pol="0da106f2-4ca3-48e8-bc85-c638fe6aea8f", pm="renamed")
R("Managed identity should be used in web apps",
  "M", "A", "L", "L", "AB,DE", SITE, "policy",
  "Checks that web apps use a managed identity to reach other services instead of stored "
  "credentials.",
  "Assign a managed identity to the web app and grant it access to the services it calls.",
  pol="2b9ad585-36bc-4615-b300-fd4435808332", pm="broader")
R("Privileged containers should be avoided",
  "H", "K", "L", "L", "DE,DS,MI,EP", K8S, "external",
  "Checks that no container runs in privileged mode, which gives it almost full access to "
  "the node.",
  "Remove privileged: true from the containers' security context.",
  pol="95edb821-ddaf-4404-9732-666045e056b4", pm="renamed")
R("Role-Based Access Control should be used on Kubernetes Services",
  "H", "K", "L", "L", "DE,DS,MI,EP", AKS, "policy",
  "Checks that managed Kubernetes clusters have Kubernetes role-based access control turned "
  "on, so that user permissions can be limited.",
  "Create the cluster with Kubernetes RBAC enabled; existing clusters without it must be "
  "redeployed.",
  pol="ac4a19c2-fa67-49b4-8ae5-0b2e78c49457", pm="renamed")
R("Running containers as root user should be avoided",
  "H", "K", "L", "L", "DE,DS,MI,EP", K8S, "external",
  "Checks that containers run as a non-root user, which limits the damage of a container "
  "escape.",
  "Set runAsNonRoot and a non-zero runAsUser in the pod or container security context.",
  pol="f06ddb64-5fa3-4b77-b166-acb36f7f6042", pm="renamed")
R("Service Fabric clusters should only use Azure Active Directory for client authentication",
  "H", "C", "M", "M", "AB,DE,MI", "microsoft.servicefabric/clusters", "policy",
  "Checks that Service Fabric clusters authenticate clients through the directory rather "
  "than through certificates alone.",
  "Configure directory (tenant, cluster and client application) settings in the cluster's "
  "authentication properties.",
  pol="b54ed75b-3e1a-44ac-a333-05ba39b99ff0", pm="displayName")
R("Storage account public access should be disallowed",
  "M", "D", "M", "L", "DE,DS", ST, "policy",
  "Checks that storage accounts do not allow anonymous read access to blob containers.",
  "Set the account's allow-blob-public-access property to false, after moving any public "
  "content elsewhere.",
  pol="4fa4b6c0-31ca-4c0d-b10d-24b96f62a751", pm="displayName")
R("Usage of pod HostPath volume mounts should be restricted to a known list to restrict node access from compromised containers",
  "M", "K", "L", "L", "DE,DS,MI,EP", K8S, "external",
  "Checks that pods mount only approved host paths, so that containers cannot read or "
  "change the node's files.",
  "Remove unneeded hostPath volumes and list the remaining paths in the cluster policy's "
  "allowed set.",
  pol="098fc59e-46c7-4d99-9b16-64990e543d75", pm="renamed")
R("Virtual machines' Guest Configuration extension should be deployed with system-assigned managed identity",
  "M", "C", "L", "L", "DE,DS,MI,TR", VM, "policy",
  "Checks that machines running the guest configuration extension also have a "
  "system-assigned identity, which the extension needs to authenticate.",
  "Enable the system-assigned managed identity on the virtual machine.",
  pol="d26f7642-7545-4e18-9b75-8c9bbdee3a9a", pm="displayName")

# --- Enable encryption at rest ----------------------------------------------------

R("Service Fabric clusters should have the ClusterProtectionLevel property set to EncryptAndSign",
  "H", "C", "L", "L", "DE,DS", "microsoft.servicefabric/clusters", "policy",
  "Checks that node-to-node traffic inside Service Fabric clusters is both signed and "
  "encrypted.",
  "Set the ClusterProtectionLevel fabric setting to EncryptAndSign.",
  pol="617c02be-7f02-4efd-8836-3180d47b6c68", pm="displayName")
R("Transparent Data Encryption on SQL databases should be enabled",
  "L", "D", "L", "L", "DE,DS", SQLDB, "policy",
  "Checks that SQL databases encrypt their data and log files at rest with transparent data "
  "encryption.",
  "Turn transparent data encryption on for the database.",
  pol="17k78e20-9358-41c9-923c-fb736d382a12", pm="displayName")
R("Virtual machines should encrypt temp disks, caches, and data flows between Compute and Storage resources",
  "H", "C", "L", "M", "DE,DS", VM, "external",
  "Checks that virtual machine disks, including temporary disks and caches, are encrypted so "
  "that copied disks cannot be read.",
  "Enable disk encryption or encryption at host for the machine.")

# --- Encrypt data in transit ------------------------------------------------------

R("API App should only be accessible over HTTPS",
  "M", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that API apps redirect plain HTTP requests to HTTPS.",
  "Turn on the HTTPS-only setting of the API app.",
  pol="a4af4a39-4135-47fb-b175-47fbdf85311d", pm="broader")
R("Enforce SSL connection should be enabled for MySQL database servers",
  "M", "D", "M", "L", "DE,DS", MYSQL, "policy",
  "Checks that MySQL servers refuse connections that are not encrypted.",
  "Set the server's SSL enforcement to enabled and make clients connect with TLS.",
  pol="e802a67a-daf5-4436-9ea6-f6d821dd0c5d", pm="displayName")
R("Enforce SSL connection should be enabled for PostgreSQL database servers",
  "M", "D", "M", "L", "DE,DS", PGSQL, "policy",
  "Checks that PostgreSQL servers refuse connections that are not encrypted.",
  "Set the server's SSL enforcement to enabled and make clients connect with TLS.",
  pol="d158790f-bfb0-486c-8631-2dc6b4e8e6af", pm="displayName")
R("FTPS should be required in API apps",
  "H", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that the FTP endpoint of API apps is either disabled or accepts only FTPS.",
  "Set the app's FTP state to FTPS only, or to disabled if FTP deployment is not used.",
  pol="4d24b6d4-5e53-4a4f-a7f4-618fa573ee4b", pm="broader")
R("FTPS should be required in function apps",
  "H", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that the FTP endpoint of function apps is either disabled or accepts only FTPS.",
  "Set the app's FTP state to FTPS only, or to disabled if FTP deployment is not used.",
  pol="399b2637-a50f-4f95-96f8-3a145476eb15", pm="renamed")
R("FTPS should be required in web apps",
  "H", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that the FTP endpoint of web apps is either disabled or accepts only FTPS.",
  "Set the app's FTP state to FTPS only, or to disabled if FTP deployment is not used.",
  pol="4d24b6d4-5e53-4a4f-a7f4-618fa573ee4b", pm="broader")
R("Function App should only be accessible over HTTPS",
  "M", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that function apps redirect plain HTTP requests to HTTPS.",
  "Turn on the HTTPS-only setting of the function app.",
  pol="6d555dd1-86f2-4f1c-8ed7-5abae7c6cbab", pm="renamed")
R("Redis Cache should allow access only via SSL",
  "H", "D", "M", "L", "DE,DS", "microsoft.cache/redis", "policy",
  "Checks that the non-TLS port of Azure Cache for Redis is turned off.",
  "Disable the non-SSL port and make clients connect over TLS.",
  pol="22bee202-a82f-4305-9a2a-6d7f44d4dedb", pm="renamed")
R("Secure transfer to storage accounts should be enabled",
  "H", "D", "M", "L", "DE,DS", ST, "policy",
  "Checks that storage accounts accept requests only over HTTPS.",
  "Turn on the secure-transfer-required setting of the storage account.",
  pol="404c3081-a854-4457-ae30-26a93ef643f9", pm="displayName")
R("TLS should be updated to the latest version for API apps",
  "H", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that API apps accept no TLS version older than the current minimum (1.2).",
  "Set the app's minimum TLS version to 1.2 or later.",
  pol="f0e6e85b-9b9f-4a4b-b67b-f730d42f1b0b", pm="broader")
R("TLS should be updated to the latest version for function apps",
  "H", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that function apps accept no TLS version older than the current minimum (1.2).",
  "Set the app's minimum TLS version to 1.2 or later.",
  pol="f9d614c5-c173-4d56-95a7-b4437057d193", pm="renamed")
R("TLS should be updated to the latest version for web apps",
  "H", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that web apps accept no TLS version older than the current minimum (1.2).",
  "Set the app's minimum TLS version to 1.2 or later.",
  pol="f0e6e85b-9b9f-4a4b-b67b-f730d42f1b0b", pm="broader")
R("Web Application should only be accessible over HTTPS",
  "M", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that web apps redirect plain HTTP requests to HTTPS.",
  "Turn on the HTTPS-only setting of the web app.",
  pol="a4af4a39-4135-47fb-b175-47fbdf85311d", pm="broader")

# --- Restrict unauthorized network access -----------------------------------------

R("Adaptive network hardening recommendations should be applied on internet facing virtual machines",
  "H", "N", "L", "M", "DE,DS,MI", VM, "external",
  "Reports internet-facing machines whose security group rules allow more sources than the "
  "traffic actually observed requires.",
  "Apply the suggested tighter inbound rules to the machine's network security groups.")
R("All network ports should be restricted on network security groups associated to your virtual machine",
  "H", "N", "L", "L", "DE,DS,MI", [VM, CVM], "external",
  "Finds machines whose network security groups allow inbound traffic from any source on "
  "some port.",
  "Narrow the inbound rules to the source addresses and ports that are really needed.",
  pol="9daedab3-fb2d-461e-b861-71790eead4f6", pm="displayName",
  az=("3b20e985-f71f-483b-b078-f30d73936d43", SC + "ASC_UnprotectedEndpoints_Audit.json",
      "All network ports should be restricted on network security groups associated to your virtual machine",
      "displayName"))
R("App Configuration should use private link",
  "M", "N", "L", "M", "DE,DS", "microsoft.appconfiguration/configurationstores", "policy",
  "Checks that App Configuration stores are reached through an approved private endpoint "
  "rather than over the public network.",
  "Create a private endpoint for the configuration store in your virtual network.",
  pol="ca610c1d-041c-4332-9d88-7ed3094967c7", pm="displayName")
R("Azure Cache for Redis should reside within a virtual network",
  "M", "N", "L", "M", "DE,DS", "microsoft.cache/redis", "policy",
  "Checks that Redis caches are deployed into a virtual network subnet, so that access can be "
  "limited by network controls.",
  "Deploy the cache (Premium tier) into a subnet of your virtual network, or use a private "
  "endpoint.")
R("Azure Event Grid domains should use private link",
  "M", "N", "L", "M", "DE,DS", "microsoft.eventgrid/domains", "policy",
  "Checks that Event Grid domains have an approved private endpoint connection.",
  "Create a private endpoint for the domain and restrict public network access.",
  pol="9830b652-8523-49cc-b1b3-e17dce1127ca", pm="displayName")
R("Azure Event Grid topics should use private link",
  "M", "N", "L", "M", "DE,DS", "microsoft.eventgrid/topics", "policy",
  "Checks that Event Grid topics have an approved private endpoint connection.",
  "Create a private endpoint for the topic and restrict public network access.",
  pol="4b90e17e-8448-49db-875e-bd83fb6f804f", pm="displayName")
R("Azure Machine Learning workspaces should use private link",
  "M", "N", "L", "M", "DE,DS", "microsoft.machinelearningservices/workspaces", "policy",
  "Checks that Machine Learning workspaces have an approved private endpoint connection.",
  "Create a private endpoint for the workspace in your virtual network.",
  pol="45e05259-1eb5-4f70-9574-baf73e9d219b", pm="displayName")
R("Azure SignalR Service should use private link",
  "M", "N", "L", "M", "DE,DS", "microsoft.signalrservice/signalr", "policy",
  "Checks that SignalR Service instances have an approved private endpoint connection.",
  "Create a private endpoint for the SignalR instance in your virtual network.",
  pol="2393d2cf-a342-44cd-a2e2-fe0188fd1234", pm="displayName")
R("Azure Spring Cloud should use network injection",
  "M", "N", "L", "M", "DE,DS", "microsoft.appplatform/spring", "policy",
  "Checks that Spring Cloud instances are deployed into your own virtual network.",
  "Redeploy the instance with VNet injection into dedicated subnets of your network.",
  pol="af35e2a4-ef96-44e7-a9ae-853dd97032c4", pm="displayName")
R("Container registries should not allow unrestricted network access",
  "M", "K", "L", "M", "DE,DS", ACR, "policy",
  "Checks that container registries deny traffic by default and accept only listed networks "
  "or private endpoints.",
  "Set the registry's default network action to deny and add rules for the networks that "
  "need access.",
  pol="d0793b48-0edc-4296-a390-4c75d1bdfd71", pm="displayName")
R("Container registries should use private link",
  "M", "K", "L", "M", "DE,DS", ACR, "policy",
  "Checks that container registries have an approved private endpoint connection.",
  "Create a private endpoint for the registry (Premium tier) in your virtual network.",
  pol="e8eef0a8-67cf-4eb4-9386-14b0e78733d4", pm="displayName")
R("CORS should not allow every resource to access API Apps",
  "L", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that the CORS settings of API apps do not accept requests from any origin.",
  "Replace the wildcard origin with the specific domains that call the app.",
  pol="5744710e-cc2f-4ee8-8809-3b11e89f4bc9", pm="broader")
R("CORS should not allow every resource to access Function Apps",
  "L", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that the CORS settings of function apps do not accept requests from any origin.",
  "Replace the wildcard origin with the specific domains that call the app.",
  pol="0820b7b9-23aa-4725-a1ce-ae4558f718e5", pm="renamed")
R("CORS should not allow every resource to access Web Applications",
  "L", "A", "L", "L", "DE,DS", SITE, "policy",
  "Checks that the CORS settings of web apps do not accept requests from any origin.",
  "Replace the wildcard origin with the specific domains that call the app.",
  pol="5744710e-cc2f-4ee8-8809-3b11e89f4bc9", pm="broader")
R("Firewall should be enabled on Key Vault",
  "M", "D", "L", "M", "DE,DS", KV, "policy",
  "Checks that key vaults deny network traffic by default or have public network access "
  "turned off.",
  "Set the vault's network default action to deny and allow only the networks and "
  "trusted services that need it.",
  pol="55615ac9-af46-4a59-874e-391cc3dfb490", pm="renamed")
R("IP forwarding on your virtual machine should be disabled",
  "M", "N", "L", "L", "DE,DS,MI", [VM, CVM], "external",
  "Finds machines whose network interfaces forward traffic not addressed to them, which can "
  "bypass network controls.",
  "Turn IP forwarding off on the network interfaces, unless the machine is a deliberate "
  "network appliance.",
  pol="bd352bd5-2853-4985-bf0d-73806b4a5744", pm="displayName",
  az=("c3b51c94-588b-426b-a892-24696f9e54cc",
      SC + "ASC_IPForwardingOnVirtualMachines_Audit.json",
      "IP Forwarding on your virtual machine should be disabled", "displayName"))
R("Kubernetes API server should be configured with restricted access",
  "H", "K", "M", "L", "DE,DS,MI,EP", AKS, "policy",
  "Checks that the cluster's API server accepts connections only from authorised address "
  "ranges or a private network.",
  "Define authorised IP ranges for the API server, or make the cluster private.",
  pol="0e246bcf-5f6f-4f87-bc6f-775d4712c7ea", pm="renamed")
R("Private endpoint should be configured for Key Vault",
  "M", "D", "L", "M", "DE,DS", KV, "policy",
  "Checks that key vaults have an approved private endpoint connection.",
  "Create a private endpoint for the vault in your virtual network.",
  pol="a6abeaec-4d90-4a02-805f-6b26c4d3fbe9", pm="renamed")
R("Private endpoint should be enabled for MariaDB servers",
  "M", "D", "L", "M", "DE,DS", MARIA, "policy",
  "Checks that MariaDB servers have an approved private endpoint connection.",
  "Create a private endpoint for the server in your virtual network.",
  pol="0a1302fb-a631-4106-9753-f3d494733990", pm="displayName")
R("Private endpoint should be enabled for MySQL servers",
  "M", "D", "L", "M", "DE,DS", MYSQL, "policy",
  "Checks that MySQL servers have an approved private endpoint connection.",
  "Create a private endpoint for the server in your virtual network.",
  pol="7595c971-233d-4bcf-bd18-596129188c49", pm="displayName")
R("Private endpoint should be enabled for PostgreSQL servers",
  "M", "D", "L", "M", "DE,DS", PGSQL, "policy",
  "Checks that PostgreSQL servers have an approved private endpoint connection.",
  "Create a private endpoint for the server in your virtual network.",
  pol="0564d078-92f5-4f97-8398-b9f58a51f70b", pm="displayName")
R("Public network access should be disabled for MariaDB servers",
  "M", "D", "M", "L", "DE,DS", MARIA, "policy",
  "Checks that MariaDB servers cannot be reached from public networks.",
  "Set the server's public network access to disabled and connect through private "
  "endpoints.",
  pol="fdccbe47-f3e3-4213-ad5d-ea459b2fa077", pm="displayName")
R("Public network access should be disabled for MySQL servers",
  "M", "D", "M", "L", "DE,DS", MYSQL, "policy",
  "Checks that MySQL servers cannot be reached from public networks.",
  "Set the server's public network access to disabled and connect through private "
  "endpoints.",
  pol="d9844e8a-1437-4aeb-a32c-0c992f056095", pm="displayName")
R("Public network access should be disabled for PostgreSQL servers",
  "M", "D", "M", "L", "DE,DS", PGSQL, "policy",
  "Checks that PostgreSQL servers cannot be reached from public networks.",
  "Set the server's public network access to disabled and connect through private "
  "endpoints.",
  pol="b52376f7-9612-48a1-81cd-1ffe4b61032c", pm="displayName")
R("Services should listen on allowed ports only",
  "M", "K", "L", "L", "DE,DS,MI", K8S, "external",
  "Checks that Kubernetes services expose only ports from an approved list.",
  "Change or remove services that listen on other ports, or extend the allowed list when "
  "the port is intended.",
  pol="233a2a17-77ca-4fb1-9b6b-69223d272a44", pm="renamed")
R("Storage account should use a private link connection",
  "M", "D", "L", "M", "DE,DS", ST, "policy",
  "Checks that storage accounts have an approved private endpoint connection.",
  "Create a private endpoint for the storage account in your virtual network.",
  pol="6edd7eda-6dd8-40f7-810d-67160c639cd9", pm="renamed")
R("Storage accounts should restrict network access using virtual network rules",
  "M", "D", "L", "M", "DE,DS", ST, "policy",
  "Checks that storage accounts limit access with virtual network rules instead of open or "
  "IP-based access.",
  "Add virtual network rules for the subnets that need access and deny other traffic by "
  "default.",
  pol="2a1a9cdf-e04d-429a-8416-3bfb72a1b26f", pm="displayName")
R("Usage of host networking and ports should be restricted",
  "M", "K", "L", "L", "DE,DS,MI", K8S, "external",
  "Checks that pods use the node's network namespace and host ports only when they are on "
  "an approved list.",
  "Remove hostNetwork and hostPort from pods that do not need them, or allow the intended "
  "ports explicitly.",
  pol="82985f06-dc18-4a48-bc1c-b9f4f0098cfe", pm="renamed")
R("Virtual networks should be protected by Azure Firewall",
  "L", "N", "L", "H", "DE,DS,MI", VNET, "external",
  "Checks that internet-bound traffic from virtual networks passes through Azure Firewall or "
  "another next-generation firewall.",
  "Deploy a firewall and route the subnets' default traffic through it with user-defined "
  "routes.")
R("VM Image Builder templates should use private link",
  "M", "N", "L", "M", "DE,DS", "microsoft.virtualmachineimages/imagetemplates", "policy",
  "Checks that image builder templates build inside a virtual network subnet of your own.",
  "Configure the template's VM profile with a subnet of your virtual network.",
  pol="2154edb9-244f-4741-9970-660785bccdaa", pm="displayName")

# --- Apply adaptive application control -------------------------------------------

R("Adaptive application controls for defining safe applications should be enabled on your machines",
  "H", "C", "M", "M", "DE,DS,MI,TR", MACHINES, "external",
  "Checks that machines are covered by an application allowlist, so that unexpected or "
  "malicious programs are flagged.",
  "Create an adaptive application control group for the machines and audit, then enforce, "
  "its allowlist.")
R("Allowlist rules in your adaptive application control policy should be updated",
  "H", "C", "L", "L", "DE,DS,MI,TR", MACHINES, "external",
  "Reports machines in an application control group whose observed programs are no longer "
  "covered by the allowlist.",
  "Review the newly seen applications and add the legitimate ones to the group's rules.")

# --- Protect applications against DDoS attacks -------------------------------------

R("Azure DDoS Protection Standard should be enabled",
  "M", "N", "L", "M", "DOS", VNET, "policy",
  "Checks that virtual networks hosting public endpoints are covered by a DDoS protection "
  "plan.",
  "Create a DDoS protection plan and associate it with the virtual network.",
  pol="a7aca53f-2ed4-4466-a25e-0b45ade68efd", pm="renamed",
  az=("e3de1cc0-f4dd-3b34-e496-8b5381ba2d70", SC + "ASC_EnableDDoSProtection_Audit.json",
      "Azure DDoS Protection should be enabled", "renamed"))
R("Container CPU and memory limits should be enforced",
  "M", "K", "L", "L", "DOS,MI", K8S, "external",
  "Checks that containers declare CPU and memory limits, so that one workload cannot starve "
  "the node.",
  "Set resource limits on every container and keep them within the cluster policy's "
  "maximum.",
  pol="e345eecc-fa47-480f-9e88-67dcc122b164", pm="renamed")
R("Web Application Firewall (WAF) should be enabled for Application Gateway",
  "L", "N", "L", "M", "DOS,DE,DS", "microsoft.network/applicationgateways", "policy",
  "Checks that Application Gateways run a web application firewall against common web "
  "attacks.",
  "Use the WAF tier of Application Gateway and attach a WAF policy in prevention mode.",
  pol="564feb30-bf6a-4854-b4bb-0d2d2d1e6c66", pm="displayName")
R("Web Application Firewall (WAF) should be enabled for Azure Front Door Service service",
  "L", "N", "L", "M", "DOS,DE,DS", "microsoft.network/frontdoors", "policy",
  "Checks that Front Door front ends have a web application firewall policy attached.",
  "Create a WAF policy and link it to each front-end endpoint of the Front Door.",
  pol="055aa869-bc98-4af8-bafc-23f1ab6ffe2c", pm="renamed")

# --- Enable endpoint protection ----------------------------------------------------

R("Endpoint protection health issues on machines should be resolved",
  "M", "C", "L", "L", "DE,DS,MI,TR", MACHINES, "external",
  "Reports machines whose anti-malware agent is out of date, not scanning or otherwise "
  "unhealthy.",
  "Fix the reported agent problem, for example by updating signatures or turning real-time "
  "protection back on.")
R("Endpoint protection health issues on virtual machine scale sets should be resolved",
  "M", "C", "L", "L", "DE,DS,MI,TR", VMSS, "external",
  "Reports scale-set instances whose anti-malware agent is out of date or unhealthy.",
  "Fix the reported agent problem in the scale set model and update the instances.")
R("Endpoint protection should be installed on machines",
  "H", "C", "L", "L", "DE,DS,MI,TR,MC", MACHINES, "external",
  "Finds machines on which no supported anti-malware or endpoint detection and response "
  "agent is running.",
  "Install a supported endpoint protection product, for example Microsoft Defender for "
  "Endpoint.")
R("Endpoint protection should be installed on virtual machine scale sets",
  "M", "C", "L", "L", "DE,DS,MI,TR,MC", VMSS, "external",
  "Finds scale sets whose instances run no supported endpoint protection agent.",
  "Add an endpoint protection extension to the scale set model and upgrade the instances.")
R("Install endpoint protection solution on virtual machines",
  "H", "C", "L", "L", "DE,DS,MI,TR,MC", VM, "external",
  "Finds virtual machines that have no endpoint protection solution installed.",
  "Deploy an anti-malware or endpoint detection and response solution to the machine.")

# --- Enable auditing and logging ---------------------------------------------------

R("Auditing on SQL server should be enabled",
  "L", "D", "L", "L", "MC", SQL, "policy",
  "Checks that SQL servers record database events in an audit log.",
  "Turn on server-level auditing and send the audit log to a storage account, workspace or "
  "event hub.",
  pol="a6fb4358-5bf4-4ad7-ba82-2cd2f41ce5e9", pm="displayName")
R("Diagnostic logs in App Service should be enabled",
  "L", "A", "L", "L", "MC", SITE, "policy",
  "Checks that App Service apps send their resource logs to a diagnostic destination.",
  "Add a diagnostic setting for the app that collects its logs.",
  pol="91a78b24-f231-4a8a-8da9-02c35b2b6510", pm="renamed")
R("Diagnostic logs in Azure Data Lake Store should be enabled",
  "L", "D", "L", "L", "MC", "microsoft.datalakestore/accounts", "policy",
  "Checks that Data Lake Store accounts keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the account's logs, with a suitable retention.",
  pol="057ef27e-665e-4328-8ea3-04b3122bd9fb", pm="renamed")
R("Diagnostic logs in Azure Stream Analytics should be enabled",
  "L", "D", "L", "L", "MC", "microsoft.streamanalytics/streamingjobs", "policy",
  "Checks that Stream Analytics jobs keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the job's logs, with a suitable retention.",
  pol="f9be5368-9bf5-4b84-9e0a-7850da98bb46", pm="renamed")
R("Diagnostic logs in Batch accounts should be enabled",
  "L", "C", "L", "L", "MC", "microsoft.batch/batchaccounts", "policy",
  "Checks that Batch accounts keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the account's logs, with a suitable retention.",
  pol="428256e6-1fac-4f48-a757-df34c2b3336d", pm="renamed")
R("Diagnostic logs in Data Lake Analytics should be enabled",
  "L", "D", "L", "L", "MC", "microsoft.datalakeanalytics/accounts", "policy",
  "Checks that Data Lake Analytics accounts keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the account's logs, with a suitable retention.",
  pol="c95c74d9-38fe-4f0d-af86-0c7d626a315c", pm="renamed")
R("Diagnostic logs in Event Hub should be enabled",
  "L", "D", "L", "L", "MC", "microsoft.eventhub/namespaces", "policy",
  "Checks that Event Hubs namespaces keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the namespace's logs, with a suitable retention.",
  pol="83a214f7-d01a-484b-91a9-ed54470c9a6a", pm="renamed")
R("Diagnostic logs in Key Vault should be enabled",
  "L", "D", "L", "L", "MC", KV, "policy",
  "Checks that key vaults log their access events through a diagnostic setting.",
  "Add a diagnostic setting that collects the vault's audit logs, with a suitable "
  "retention.",
  pol="cf820ca0-f99e-4f3e-84fb-66e913812d21", pm="renamed")
R("Diagnostic logs in Kubernetes services should be enabled",
  "L", "K", "L", "L", "MC", AKS, "policy",
  "Checks that managed Kubernetes clusters send control-plane logs through a diagnostic "
  "setting.",
  "Add a diagnostic setting that collects the cluster's control-plane and audit logs.",
  pol="245fc9df-fa96-4414-9a0b-3738c2f7341c", pm="renamed")
R("Diagnostic logs in Logic Apps should be enabled",
  "L", "A", "L", "L", "MC", "microsoft.logic/workflows", "policy",
  "Checks that Logic Apps workflows keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the workflow's logs, with a suitable retention.",
  pol="34f95f76-5386-4de7-b824-0d8478470c9d", pm="renamed")
R("Diagnostic logs in Search services should be enabled",
  "L", "D", "L", "L", "MC", "microsoft.search/searchservices", "policy",
  "Checks that Search services keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the service's logs, with a suitable retention.",
  pol="b4330a05-a843-4bc8-bf9a-cacce50c67f4", pm="renamed")
R("Diagnostic logs in Service Bus should be enabled",
  "L", "D", "L", "L", "MC", "microsoft.servicebus/namespaces", "policy",
  "Checks that Service Bus namespaces keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the namespace's logs, with a suitable retention.",
  pol="f8d36e2f-389b-4ee4-898d-21aeb69a0f45", pm="renamed")
R("Diagnostic logs in Virtual Machine Scale Sets should be enabled",
  "L", "C", "L", "L", "MC", VMSS, "policy",
  "Checks that scale sets run a diagnostics extension, so that instance logs survive for "
  "investigation.",
  "Add the diagnostics extension for the scale set's operating system to its model.")

# --- Enable enhanced security features ---------------------------------------------

R("Azure Arc-enabled Kubernetes clusters should have the Defender extension installed",
  "H", "K", "L", "L", "DE,DS,MI,TR,MC", ARCK8S, "policy",
  "Checks that Arc-connected Kubernetes clusters run the Defender extension that collects "
  "runtime security data.",
  "Install the Defender extension on the Arc-enabled cluster.",
  pol="8dfab9c4-fe7b-49ad-85e4-1e9be085358f", pm="renamed")
R("Azure Kubernetes Service clusters should have Defender profile enabled",
  "H", "K", "L", "L", "DE,DS,MI,TR,MC", AKS, "policy",
  "Checks that managed Kubernetes clusters have the Defender security profile, which "
  "deploys the runtime sensor.",
  "Enable the Defender profile in the cluster's security profile settings.",
  pol="a1840de2-8088-4ea8-b153-b4c723e9cb01", pm="displayName")
R("File integrity monitoring should be enabled on machines",
  "M", "C", "L", "L", "DE,MI,TR,MC", MACHINES, "external",
  "Checks that critical system files and registry keys on machines are watched for "
  "unexpected changes.",
  "Enable file integrity monitoring for the machines and choose the files and keys to "
  "track.")
R("GitHub repositories should have Code scanning enabled",
  "M", "", "L", "L", "DE,DS,MI,MC", GH_REPO, "external",
  "Checks that GitHub repositories run code scanning, so that security bugs are found "
  "before release.",
  "Turn on code scanning for the repository, for example with a default CodeQL setup.")
R("GitHub repositories should have Dependabot scanning enabled",
  "M", "", "L", "L", "DE,DS,MI,MC", GH_REPO, "external",
  "Checks that GitHub repositories have dependency alerts turned on, so that vulnerable "
  "packages are reported.",
  "Enable Dependabot alerts, and optionally security updates, for the repository.")
R("GitHub repositories should have Secret scanning enabled",
  "H", "", "L", "L", "AB,DE,DS,MC", GH_REPO, "external",
  "Checks that GitHub repositories scan commits for credentials and tokens.",
  "Enable secret scanning, and push protection where available, for the repository.")
R("Microsoft Defender for App Service should be enabled",
  "H", "A", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan for App Service is on for the subscription.",
  "Set the App Service plan of the subscription's Defender pricing to the standard tier.",
  pol="2913021d-f2fd-4f3d-b958-22354e2bdbcb", pm="renamed")
R("Microsoft Defender for Azure SQL Database servers should be enabled",
  "H", "D", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan for Azure SQL databases is on for the "
  "subscription.",
  "Set the SQL servers plan of the subscription's Defender pricing to the standard tier.",
  pol="7fe3b40f-802b-4cdd-8bd4-fd799c948cc2", pm="renamed")
R("Microsoft Defender for Containers should be enabled",
  "H", "K", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan for containers and Kubernetes is on for the "
  "subscription.",
  "Set the Containers plan of the subscription's Defender pricing to the standard tier.",
  pol="1c988dd6-ade4-430f-a608-2a3e5b0a6d38", pm="displayName")
R("Microsoft Defender for DNS should be enabled",
  "H", "N", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan that watches DNS queries from your resources is "
  "on for the subscription.",
  "Set the DNS plan of the subscription's Defender pricing to the standard tier.")
R("Microsoft Defender for Key Vault should be enabled",
  "H", "D", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan for key vaults is on for the subscription.",
  "Set the Key Vaults plan of the subscription's Defender pricing to the standard tier.",
  pol="0e6763cc-5078-4e64-889d-ff4d9a839047", pm="renamed")
R("Microsoft Defender for open-source relational databases should be enabled",
  "H", "D", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan for PostgreSQL, MySQL and MariaDB servers is on "
  "for the subscription.",
  "Set the open-source relational databases plan of the subscription's Defender pricing to "
  "the standard tier.",
  pol="0a9fbe0d-c5c4-4da8-87d8-f4fd77338835", pm="renamed")
R("Microsoft Defender for Resource Manager should be enabled",
  "H", "C", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the plan watching management-plane operations for suspicious activity is on "
  "for the subscription.",
  "Set the Resource Manager plan of the subscription's Defender pricing to the standard "
  "tier.",
  pol="c3d20c29-b36d-48fe-808b-99a87530ad99", pm="renamed")
R("Microsoft Defender for servers should be enabled",
  "H", "C", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan for virtual and hybrid machines is on for the "
  "subscription.",
  "Set the Servers plan of the subscription's Defender pricing to the standard tier.",
  pol="4da35fc9-c9e7-4960-aec9-797fe7d9051d", pm="renamed")
R("Microsoft Defender for servers should be enabled on workspaces",
  "M", "C", "L", "L", "DE,DS,MI,TR,MC", LAW, "policy",
  "Checks that Log Analytics workspaces receiving data from machines have the servers "
  "protection plan enabled.",
  "Enable the servers plan on the workspace so that machines reporting to it are covered.")
R("Microsoft Defender for SQL on machines should be enabled on workspaces",
  "M", "D", "L", "L", "DE,DS,MI,TR,MC", LAW, "policy",
  "Checks that workspaces receiving data from SQL Server machines have the SQL on machines "
  "plan enabled.",
  "Enable the SQL servers on machines plan on the workspace.")
R("Microsoft Defender for SQL servers on machines should be enabled",
  "H", "D", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan for SQL Server running on machines is on for the "
  "subscription.",
  "Set the SQL servers on machines plan of the subscription's Defender pricing to the "
  "standard tier.",
  pol="6581d072-105e-4418-827f-bd446d56421b", pm="renamed")
R("Microsoft Defender for Storage should be enabled",
  "H", "D", "L", "L", "DE,DS,MI,TR,MC", SUB, "policy",
  "Checks that the threat-protection plan for storage accounts is on for the subscription.",
  "Set the Storage plan of the subscription's Defender pricing to the standard tier.",
  pol="640d2586-54d2-465f-877f-9ffc1d2109f4", pm="displayName")

# --- Implement security best practices ---------------------------------------------

R("[Enable if required] Azure Cosmos DB accounts should use customer-managed keys to encrypt data at rest",
  "L", "D", "L", "H", "DE,DS", COSMOS, "policy",
  "Checks that Cosmos DB accounts encrypt data with a key you hold in Key Vault. Only needed "
  "where rules require control over the key.",
  "Create the account with a customer-managed key from your key vault; the setting cannot "
  "be added afterwards to every account.",
  pol="1f905d99-2ab7-462c-a6b0-f709acca6c8f", pm="displayName")
R("[Enable if required] Azure Machine Learning workspaces should be encrypted with a customer-managed key (CMK)",
  "L", "D", "L", "H", "DE,DS", "microsoft.machinelearningservices/workspaces", "policy",
  "Checks that Machine Learning workspaces encrypt their data with a key you hold. Only "
  "needed where rules require control over the key.",
  "Create the workspace with a customer-managed key from your key vault.",
  pol="ba769a63-b8cc-4b2d-abf6-ac33c7204be8", pm="renamed")
R("[Enable if required] Cognitive Services accounts should enable data encryption with a customer-managed key (CMK)",
  "L", "D", "L", "H", "DE,DS", COG, "policy",
  "Checks that Cognitive Services accounts encrypt stored data with a key you hold. Only "
  "needed where rules require control over the key.",
  "Configure the account's encryption to use a customer-managed key from your key vault.",
  pol="67121cc7-ff39-4ab8-b7e3-95b84dab487d", pm="renamed")
R("[Enable if required] Container registries should be encrypted with a customer-managed key (CMK)",
  "L", "K", "L", "H", "DE,DS", ACR, "policy",
  "Checks that container registries encrypt their content with a key you hold. Only needed "
  "where rules require control over the key.",
  "Create the registry (Premium tier) with a customer-managed key from your key vault.",
  pol="5b9159ae-1701-4a6f-9a7a-aa9c8ddd0580", pm="renamed")
R("[Enable if required] MySQL servers should use customer-managed keys to encrypt data at rest",
  "L", "D", "L", "H", "DE,DS", MYSQL, "policy",
  "Checks that MySQL servers encrypt their data with a key you hold. Only needed where rules "
  "require control over the key.",
  "Add a customer-managed server key from your key vault to the server.",
  pol="83cef61d-dbd1-4b20-a4fc-5fbc7da10833", pm="displayName")
R("[Enable if required] PostgreSQL servers should use customer-managed keys to encrypt data at rest",
  "L", "D", "L", "H", "DE,DS", PGSQL, "policy",
  "Checks that PostgreSQL servers encrypt their data with a key you hold. Only needed where "
  "rules require control over the key.",
  "Add a customer-managed server key from your key vault to the server.",
  pol="18adea5e-f416-4d0f-8aa8-d24321e3e274", pm="displayName")
R("[Enable if required] SQL managed instances should use customer-managed keys to encrypt data at rest",
  "L", "D", "L", "H", "DE,DS", SQLMI, "policy",
  "Checks that the transparent data encryption protector of SQL managed instances is a key "
  "you hold. Only needed where rules require it.",
  "Set the instance's encryption protector to a key from your key vault.",
  pol="ac01ad65-10e5-46df-bdd9-6b0cad13e1d2", pm="displayName")
R("[Enable if required] SQL servers should use customer-managed keys to encrypt data at rest",
  "L", "D", "L", "H", "DE,DS", SQL, "policy",
  "Checks that the transparent data encryption protector of SQL servers is a key you hold. "
  "Only needed where rules require it.",
  "Set the server's encryption protector to a key from your key vault.",
  pol="0a370ff3-6cab-4e85-8995-295fd854c5b8", pm="displayName")
R("[Enable if required] Storage accounts should use customer-managed key (CMK) for encryption",
  "L", "D", "L", "H", "DE,DS", ST, "policy",
  "Checks that storage accounts encrypt data with a key you hold. Only needed where rules "
  "require control over the key.",
  "Configure the account's encryption to use a customer-managed key from your key vault.",
  pol="6fac406b-40ca-413b-bf8e-0bf964659c25", pm="renamed")
R("A maximum of 3 owners should be designated for subscriptions",
  "H", "I", "L", "L", "AB,MI,EP", SUB, "external",
  "Checks that no more than three accounts hold the Owner role on the subscription, keeping "
  "the most powerful access small.",
  "Remove owner assignments that are not needed and give those users narrower roles.",
  pol="4f11b553-d42e-4e3a-89be-32ca364cad4c", pm="renamed",
  az=("6f90a6d6-d4d6-0794-0ec1-98fa77878c2e", SC + "ASC_DesignateLessThanXOwners_Audit.json",
      "A maximum of 3 owners should be designated for your subscription", "renamed"))
R("Access to storage accounts with firewall and virtual network configurations should be restricted",
  "M", "D", "L", "M", "DE,DS", ST, "policy",
  "Checks that storage accounts deny network access by default instead of accepting traffic "
  "from any network.",
  "Set the account's default network action to deny and allow only the needed networks, "
  "addresses and trusted services.",
  pol="34c877ad-507e-4c82-993e-3452a6e0ad3c", pm="renamed")
R("Accounts with read permissions on Azure resources should be MFA enabled",
  "M", "I", "M", "L", "AB,DE", SUB, "external",
  "Finds accounts with read access to resources that sign in without a second factor; a "
  "compromised reader can still map and leak data.",
  "Require multi-factor authentication for these accounts through security defaults, "
  "per-user MFA or conditional access.")
R("All advanced threat protection types should be enabled in SQL managed instance advanced data security settings",
  "M", "D", "L", "L", "DE,DS,MI,TR", SQLMI, "policy",
  "Checks that no threat detection type is turned off in the security alert settings of SQL "
  "managed instances.",
  "Clear the list of disabled alert types in the instance's security alert policy.")
R("All advanced threat protection types should be enabled in SQL server advanced data security settings",
  "M", "D", "L", "L", "DE,DS,MI,TR", SQL, "policy",
  "Checks that no threat detection type is turned off in the security alert settings of SQL "
  "servers.",
  "Clear the list of disabled alert types in the server's security alert policy.")
R("API Management services should use a virtual network",
  "M", "N", "L", "M", "DE,DS", "microsoft.apimanagement/service", "policy",
  "Checks that API Management services are deployed into a virtual network, so that their "
  "gateway and backends can be isolated.",
  "Configure the service (Developer or Premium tier) for external or internal virtual "
  "network mode.",
  pol="ef619a2c-cc4d-4d03-b2ba-8c94a834d85b", pm="displayName")
R("Audit retention for SQL servers should be set to at least 90 days",
  "L", "D", "L", "L", "MC", SQL, "policy",
  "Checks that SQL servers that audit to a storage account keep the records for 90 days or "
  "more.",
  "Set the audit retention to at least 90 days, or to unlimited (0).",
  pol="89099bee-89e0-4b26-a5f4-165451757743", pm="renamed")
R("Auto provisioning of the Log Analytics agent should be enabled on subscriptions",
  "L", "C", "L", "L", "MC", SUB, "policy",
  "Checks that new machines in the subscription get the monitoring agent automatically.",
  "Turn on automatic provisioning of the monitoring agent in the subscription's Defender "
  "settings.")
R("Automation account variables should be encrypted",
  "H", "D", "L", "L", "DE,DS", "microsoft.automation/automationaccounts/variables", "policy",
  "Checks that Automation account variables are stored encrypted, which matters when they "
  "hold sensitive values.",
  "Recreate unencrypted variables as encrypted ones; existing variables cannot be switched "
  "in place.",
  pol="3657f5a0-770e-44a3-b44e-9431ba1e9735", pm="displayName")
R("Azure Backup should be enabled for virtual machines",
  "L", "C", "L", "L", "DOS,TR", VM, "policy",
  "Checks that virtual machines are protected by a backup policy, so that they can be "
  "restored after deletion, corruption or ransomware.",
  "Add the machine to a Recovery Services vault with a backup policy.",
  pol="013e242c-8828-4970-87b3-ab247555486d", pm="displayName")
R("Azure Cosmos DB accounts should have firewall rules",
  "M", "D", "L", "M", "DE,DS", COSMOS, "policy",
  "Checks that Cosmos DB accounts restrict network access with IP or virtual network rules "
  "rather than accepting every network.",
  "Add IP firewall or virtual network rules to the account, or disable public network "
  "access.",
  pol="862e97cf-49fc-4a5c-9de4-40d4e2e7c8eb", pm="displayName")
R("Cognitive Services accounts should enable data encryption",
  "L", "D", "L", "L", "DE,DS", COG, "policy",
  "Checks that Cognitive Services accounts have encryption of stored data configured.",
  "Configure the account's encryption settings.")
R("Cognitive Services accounts should restrict network access",
  "M", "N", "L", "M", "DE,DS", COG, "policy",
  "Checks that Cognitive Services accounts deny traffic by default and accept only listed "
  "networks.",
  "Set the account's default network action to deny and add the networks that need "
  "access.",
  pol="037eea7a-bd0a-46c5-9a66-03aea78705d3", pm="broader")
R("Cognitive Services accounts should use customer owned storage or enable data encryption",
  "L", "D", "L", "M", "DE,DS", COG, "policy",
  "Checks that Cognitive Services accounts either keep their data in a storage account you "
  "own or encrypt it.",
  "Link a storage account you own to the Cognitive Services account, or configure its "
  "encryption.")
R("Container hosts should be configured securely",
  "H", "K", "L", "M", "DE,DS,MI,EP", [VM, VMSS, ARC], "external",
  "Reports machines running Docker whose engine or daemon settings deviate from a hardened "
  "benchmark.",
  "Correct the failing Docker host settings reported for the machine.")
R("Default IP Filter Policy should be Deny",
  "M", "T", "L", "L", "DE,DS", IOTHUB, "policy",
  "Checks that IoT hubs reject connections by default and admit only listed address "
  "ranges.",
  "Add an IP filter rule that rejects all addresses by default, with allow rules only for "
  "known ranges.")
R("Diagnostic logs in IoT Hub should be enabled",
  "L", "T", "L", "L", "MC", IOTHUB, "policy",
  "Checks that IoT hubs keep resource logs through a diagnostic setting.",
  "Add a diagnostic setting that collects the hub's logs, with a suitable retention.",
  pol="383856f8-de7f-44a2-81fc-e5135b5c2aa4", pm="renamed")
R("Email notification for high severity alerts should be enabled",
  "L", "C", "L", "L", "MC", SUB, "policy",
  "Checks that the subscription's security contacts are emailed when a high-severity alert "
  "is raised.",
  "Turn on alert notifications in the security contact settings, with severity High.",
  pol="6e2593d9-add6-4083-9c9b-4b7d2188c899", pm="displayName")
R("Email notification to subscription owner for high severity alerts should be enabled",
  "M", "C", "L", "L", "MC", SUB, "policy",
  "Checks that subscription owners are emailed about high-severity security alerts.",
  "Turn on notifications to the Owner role in the security contact settings.",
  pol="0b15565f-aa9e-48ba-8619-45960f2c314d", pm="displayName")
R("Ensure API app has Client Certificates Incoming client certificates set to On",
  "M", "A", "M", "L", "AB,DE", SITE, "policy",
  "Checks that API apps ask callers for a client certificate, so that only clients holding a "
  "valid certificate are served.",
  "Turn on incoming client certificates for the API app and give callers certificates.",
  pol="19dd1db6-f442-49cf-a838-b0786b4401ef", pm="broader")
R("External accounts with read permissions should be removed from subscriptions",
  "M", "I", "L", "L", "AB,DE", SUB, "external",
  "Finds accounts from outside the organisation's directory that can read subscription "
  "resources.",
  "Remove the read role assignments of external accounts that no longer need access.")
R("Geo-redundant backup should be enabled for Azure Database for MariaDB",
  "L", "D", "L", "L", "DOS,TR", MARIA, "policy",
  "Checks that MariaDB servers keep backups in a paired region, so that they can be restored "
  "after a regional outage.",
  "Enable geo-redundant backup storage; it must be chosen when the server is created.",
  pol="0ec47710-77ff-4a3d-9181-6aa50af424d0", pm="displayName")
R("Geo-redundant backup should be enabled for Azure Database for MySQL",
  "L", "D", "L", "L", "DOS,TR", MYSQL, "policy",
  "Checks that MySQL servers keep backups in a paired region, so that they can be restored "
  "after a regional outage.",
  "Enable geo-redundant backup storage; it must be chosen when the server is created.",
  pol="82339799-d096-41ae-8538-b108becf0970", pm="displayName")
R("Geo-redundant backup should be enabled for Azure Database for PostgreSQL",
  "L", "D", "L", "L", "DOS,TR", PGSQL, "policy",
  "Checks that PostgreSQL servers keep backups in a paired region, so that they can be "
  "restored after a regional outage.",
  "Enable geo-redundant backup storage; it must be chosen when the server is created.",
  pol="48af4db5-9b8b-401c-8e74-076be876a430", pm="displayName")
R("Guest accounts with read permissions on Azure resources should be removed",
  "L", "I", "L", "L", "AB,DE", SUB, "external",
  "Finds guest accounts invited from other directories that can read resources.",
  "Remove the read role assignments of guest accounts that no longer need access.",
  pol="e9ac8f8e-ce22-4355-8f04-99b911d6be52", pm="displayName",
  az=("fde1c0c9-0fd2-4ecc-87b5-98956cbc1095",
      SC + "ASC_RemoveGuestAccountsWithReadPermissions_Audit.json",
      "Guest accounts with read permissions on Azure resources should be removed",
      "displayName"))
R("Guest Attestation extension should be installed on supported Linux virtual machine scale sets",
  "L", "C", "L", "L", "DE,MI,TR", VMSS, "policy",
  "Checks that trusted-launch Linux scale sets run the guest attestation extension, which "
  "verifies boot integrity remotely.",
  "Add the Linux guest attestation extension to the scale set model.",
  pol="a21f8c92-9e22-4f09-b759-50500d1d2dda", pm="renamed")
R("Guest Attestation extension should be installed on supported Linux virtual machines",
  "L", "C", "L", "L", "DE,MI,TR", VM, "policy",
  "Checks that trusted-launch Linux machines run the guest attestation extension, which "
  "verifies boot integrity remotely.",
  "Install the Linux guest attestation extension on the machine.",
  pol="672fe5a1-2fcd-42d7-b85d-902b6e28c6ff", pm="displayName")
R("Guest Attestation extension should be installed on supported Windows virtual machine scale sets",
  "L", "C", "L", "L", "DE,MI,TR", VMSS, "policy",
  "Checks that trusted-launch Windows scale sets run the guest attestation extension, which "
  "verifies boot integrity remotely.",
  "Add the Windows guest attestation extension to the scale set model.",
  pol="f655e522-adff-494d-95c2-52d4f6d56a42", pm="renamed")
R("Guest Attestation extension should be installed on supported Windows virtual machines",
  "L", "C", "L", "L", "DE,MI,TR", VM, "policy",
  "Checks that trusted-launch Windows machines run the guest attestation extension, which "
  "verifies boot integrity remotely.",
  "Install the Windows guest attestation extension on the machine.",
  pol="1cb4d9c2-f88f-4069-bee0-dba239a57b09", pm="displayName")
R("Identical Authentication Credentials",
  "H", "T", "L", "M", "AB,DE,MI", IOTHUB, "external",
  "Finds IoT devices that share the same authentication credentials, so one leaked "
  "credential would expose many devices.",
  "Give each device its own credential, preferably an X.509 certificate, and revoke the "
  "shared one.")
R("IP Filter rule large IP range",
  "M", "T", "L", "L", "DE,DS", IOTHUB, "policy",
  "Finds IoT hub IP filter allow rules whose address range is so wide that it barely "
  "restricts anything.",
  "Narrow each allow rule to the address ranges the devices and services really use.")
R("Java should be updated to the latest version for API apps",
  "M", "A", "L", "L", "DE,DS,TR", SITE, "policy",
  "Checks that API apps running on Java use a current, supported Java version.",
  "Change the app's Java version setting to the latest supported release and test the app.")
R("Java should be updated to the latest version for function apps",
  "M", "A", "L", "L", "DE,DS,TR", SITE, "policy",
  "Checks that function apps running on Java use a current, supported Java version.",
  "Change the function app's Java version setting to the latest supported release.")
R("Java should be updated to the latest version for web apps",
  "M", "A", "L", "L", "DE,DS,TR", SITE, "policy",
  "Checks that web apps running on Java use a current, supported Java version.",
  "Change the app's Java version setting to the latest supported release and test the app.")
R("Key Vault keys should have an expiration date",
  "H", "D", "L", "L", "DE,DS", KV, "external",
  "Checks that every key in a vault has an expiry date, so that keys are rotated instead of "
  "living forever.",
  "Set an expiration date on each key and plan rotation before it passes.",
  pol="152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0", pm="displayName")
R("Key Vault secrets should have an expiration date",
  "H", "D", "L", "L", "DE,DS", KV, "external",
  "Checks that every secret in a vault has an expiry date, so that secrets are rotated "
  "instead of living forever.",
  "Set an expiration date on each secret and plan rotation before it passes.",
  pol="98728c90-32c7-4049-8429-847dc0f4fe37", pm="displayName")
R("Key vaults should have purge protection enabled",
  "M", "D", "L", "L", "DOS,MI", KV, "policy",
  "Checks that deleted vaults and objects cannot be purged before their retention period "
  "ends, which guards against malicious deletion.",
  "Turn on purge protection for the vault (soft delete must be on as well); it cannot be "
  "turned off again.",
  pol="0b60c0b2-2dc2-4e1c-b5c9-abbed971de53", pm="renamed")
R("Key vaults should have soft delete enabled",
  "H", "D", "L", "L", "DOS,MI", KV, "policy",
  "Checks that deleted vaults and their keys, secrets and certificates are kept recoverable "
  "for a retention period.",
  "Enable soft delete on the vault.",
  pol="1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d", pm="displayName")
R("Kubernetes clusters should be accessible only over HTTPS",
  "H", "K", "L", "L", "DE,DS", K8S, "external",
  "Checks that ingress resources in the cluster serve traffic over HTTPS only.",
  "Configure TLS on each ingress and disable plain HTTP.",
  pol="1a5b4dca-0b6f-4cf5-907c-56316bc1bf3d", pm="displayName")
R("Kubernetes clusters should disable automounting API credentials",
  "H", "K", "L", "L", "AB,EP", K8S, "external",
  "Checks that pods do not get a service account token mounted unless they need to call the "
  "Kubernetes API.",
  "Set automountServiceAccountToken to false on service accounts and pods that do not use "
  "the API.",
  pol="423dd1ba-798e-40e4-9c4d-b6902674b423", pm="displayName")
R("Kubernetes clusters should not grant CAPSYSADMIN security capabilities",
  "H", "K", "L", "L", "EP,MI", K8S, "external",
  "Checks that no container is given the CAP_SYS_ADMIN capability, which is close to full "
  "root power on the node.",
  "Remove SYS_ADMIN from the containers' added capabilities.",
  pol="d2e7ea85-6b44-4317-a0be-1b951587f626", pm="renamed")
R("Kubernetes clusters should not use the default namespace",
  "L", "K", "L", "L", "MI,DE", K8S, "external",
  "Checks that workloads are not deployed into the default namespace, where access rules "
  "tend to be loose.",
  "Create dedicated namespaces with their own access rules and move the workloads there.",
  pol="9f061a12-e40d-4183-a00e-171812443373", pm="displayName")
R("Linux virtual machines should enforce kernel module signature validation",
  "L", "C", "L", "M", "MI,TR", VM, "external",
  "Checks that Linux machines load only signed kernel modules, which blocks a common way to "
  "hide malicious code in the kernel.",
  "Enable module signature enforcement in the kernel configuration or boot parameters.")
R("Linux virtual machines should use only signed and trusted boot components",
  "L", "C", "L", "M", "MI,TR", VM, "external",
  "Checks that every component in the Linux boot chain is signed by a trusted publisher.",
  "Replace unsigned boot components, for example custom kernels or drivers, with signed "
  "ones.",
  pol="13a6c84f-49a5-410a-b5df-5b880c3fe009", pm="displayName",
  az=("ad50b498-f90c-451f-886f-d0a169cc5002", SC + "ASC_BootComponent_Signature_Linux_Audit.json",
      "[Preview]: Linux virtual machines should use only signed and trusted boot components",
      "displayName"))
R("Linux virtual machines should use Secure Boot",
  "L", "C", "L", "M", "MI,TR", VM, "external",
  "Checks that Secure Boot is active on supported Linux machines, so that unsigned boot "
  "loaders and kernels cannot run.",
  "Enable Secure Boot in the machine's trusted-launch settings and make sure its boot "
  "components are signed.")
R("Machines should be restarted to apply security configuration updates",
  "M", "C", "L", "L", "DE,DS,TR", MACHINES, "external",
  "Finds machines that installed updates or configuration changes which take effect only "
  "after a restart.",
  "Restart the machine during a maintenance window.")
R("Machines should have ports closed that might expose attack vectors",
  "H", "C", "L", "M", "DE,DS,MI", MACHINES, "external",
  "Finds machines with listening services that are commonly attacked and reachable from "
  "outside.",
  "Close the reported ports or restrict who can reach them with network rules.")
R("MFA should be enabled on accounts with read permissions on subscriptions",
  "M", "I", "M", "L", "AB,DE", SUB, "external",
  "Checks that every account with read permissions at the subscription scope has "
  "multi-factor authentication enabled.",
  "Turn on multi-factor authentication for these accounts through security defaults, "
  "per-user MFA or conditional access.")
R("Microsoft Defender for SQL should be enabled for unprotected Azure SQL servers",
  "H", "D", "L", "L", "DE,DS,MI,TR,MC", SQL, "policy",
  "Checks that SQL servers have threat detection turned on, so that injection attempts and "
  "unusual access are reported.",
  "Enable Defender for SQL on the server, or the SQL plan for the whole subscription.",
  pol="abfb4388-5bf4-4ad7-ba82-2cd2f41ceae9", pm="renamed")
R("Microsoft Defender for SQL should be enabled for unprotected SQL Managed Instances",
  "H", "D", "L", "L", "DE,DS,MI,TR,MC", SQLMI, "policy",
  "Checks that SQL managed instances have threat detection turned on.",
  "Enable Defender for SQL on the managed instance, or the SQL plan for the whole "
  "subscription.",
  pol="abfb7388-5bf4-4ad7-ba99-2cd2f41cebb9", pm="renamed")
R("Network Watcher should be enabled",
  "L", "N", "L", "L", "MC", VNET, "policy",
  "Checks that Network Watcher exists in each region where you have virtual networks, so "
  "that network traffic can be diagnosed and logged.",
  "Create a Network Watcher instance in every region that hosts virtual networks.",
  pol="b6e2945c-0b7b-40f5-9233-7a5323b5cdc6", pm="displayName")
R("Non-internet-facing virtual machines should be protected with network security groups",
  "L", "N", "L", "L", "DE,DS,MI", [VM, CVM], "external",
  "Finds internal virtual machines that have no network security group, leaving lateral "
  "traffic unfiltered.",
  "Attach a network security group to the machine's subnet or network interface with rules "
  "for the traffic it needs.",
  pol="bb91dfba-c30d-4263-9add-9c2384e659a6", pm="displayName",
  az=("a9341235-9389-42f0-a0bf-9bfb57960d44",
      SC + "ASC_NetworkSecurityGroupsOnInternalVirtualMachines_Audit.json",
      "Non-internet-facing virtual machines should be protected with network security groups",
      "displayName"))
R("Over-provisioned identities in subscriptions should be investigated to reduce the Permission Creep Index (PCI)",
  "M", "I", "L", "M", "AB,MI,EP", SUB, "external",
  "Reports identities whose granted permissions far exceed those they actually use.",
  "Review the unused permissions of each identity and replace its roles with narrower "
  "ones.")
R("PHP should be updated to the latest version for API apps",
  "M", "A", "L", "L", "DE,DS,TR", SITE, "policy",
  "Checks that API apps running on PHP use a current, supported PHP version.",
  "Change the app's PHP version setting to the latest supported release and test the app.")
R("PHP should be updated to the latest version for web apps",
  "M", "A", "L", "L", "DE,DS,TR", SITE, "policy",
  "Checks that web apps running on PHP use a current, supported PHP version.",
  "Change the app's PHP version setting to the latest supported release and test the app.")
R("Private endpoint connections on Azure SQL Database should be enabled",
  "M", "D", "L", "M", "DE,DS", SQL, "policy",
  "Checks that SQL servers have an approved private endpoint connection.",
  "Create a private endpoint for the server in your virtual network.",
  pol="7698e800-9299-47a6-b3b6-5a0fee576eed", pm="displayName")
R("Public network access on Azure SQL Database should be disabled",
  "M", "D", "M", "L", "DE,DS", SQL, "policy",
  "Checks that SQL servers cannot be reached from public networks.",
  "Set the server's public network access to disabled and connect through private "
  "endpoints.",
  pol="1b8ca024-1d5c-4dec-8995-b1a932b41780", pm="displayName")
R("Public network access should be disabled for Cognitive Services accounts",
  "M", "N", "M", "L", "DE,DS", COG, "policy",
  "Checks that Cognitive Services accounts cannot be reached from public networks.",
  "Set the account's public network access to disabled and connect through private "
  "endpoints.")
R("Python should be updated to the latest version for API apps",
  "M", "A", "L", "L", "DE,DS,TR", SITE, "policy",
  "Checks that API apps running on Python use a current, supported Python version.",
  "Change the app's Python version setting to the latest supported release and test the "
  "app.")
R("Python should be updated to the latest version for function apps",
  "M", "A", "L", "L", "DE,DS,TR", SITE, "policy",
  "Checks that function apps running on Python use a current, supported Python version.",
  "Change the function app's Python version setting to the latest supported release.")
R("Python should be updated to the latest version for web apps",
  "M", "A", "L", "L", "DE,DS,TR", SITE, "policy",
  "Checks that web apps running on Python use a current, supported Python version.",
  "Change the app's Python version setting to the latest supported release and test the "
  "app.")
R("Remote debugging should be turned off for API App",
  "L", "A", "L", "L", "DE,MI", SITE, "policy",
  "Checks that remote debugging is off for API apps, since it opens extra inbound ports.",
  "Turn remote debugging off in the app's configuration.",
  pol="cb510bfd-1cba-4d9f-a230-cb0976f4bb71", pm="broader")
R("Remote debugging should be turned off for Function App",
  "L", "A", "L", "L", "DE,MI", SITE, "policy",
  "Checks that remote debugging is off for function apps, since it opens extra inbound "
  "ports.",
  "Turn remote debugging off in the function app's configuration.",
  pol="0e60b895-3786-45da-8377-9c6b4b6ac5f9", pm="renamed")
R("Remote debugging should be turned off for Web Applications",
  "L", "A", "L", "L", "DE,MI", SITE, "policy",
  "Checks that remote debugging is off for web apps, since it opens extra inbound ports.",
  "Turn remote debugging off in the app's configuration.",
  pol="cb510bfd-1cba-4d9f-a230-cb0976f4bb71", pm="broader")
R("Secure Boot should be enabled on supported Windows virtual machines",
  "L", "C", "L", "L", "MI,TR", VM, "policy",
  "Checks that trusted-launch Windows machines have Secure Boot turned on, so that only "
  "signed boot components start.",
  "Enable Secure Boot in the machine's security profile.",
  pol="97566dd7-78ae-4997-8b36-1c7bfe0d8121", pm="displayName")
R("SQL servers should have an Azure Active Directory administrator provisioned",
  "H", "D", "L", "L", "AB,MI", SQL, "policy",
  "Checks that SQL servers have a directory administrator, which directory-based sign-in "
  "and central account control require.",
  "Set a directory user or group as the server's administrator.",
  pol="1f314764-cb73-4fc9-b863-8eca98ac36e9", pm="renamed")
R("Storage accounts should be migrated to new Azure Resource Manager resources",
  "L", "D", "L", "M", "DE,MC", [ST, "microsoft.classicstorage/storageaccounts"], "policy",
  "Finds storage accounts still on the classic deployment model, which lacks current access "
  "control and policy features.",
  "Migrate the classic storage account to the Resource Manager model.",
  pol="37e0d2fe-28a5-43d6-a273-67d37d1f5606", pm="displayName")
R("Subnets should be associated with a network security group",
  "L", "N", "L", "L", "DE,DS,MI", SUBNET, "policy",
  "Checks that every subnet has a network security group that filters its traffic.",
  "Associate a network security group with the subnet.",
  pol="e71308d3-144b-4262-b144-efdc3cc90517", pm="displayName",
  az=("eade5b56-eefd-444f-95c8-23f29e5d93cb", SC + "ASC_NetworkSecurityGroupsOnSubnets_Audit.json",
      "Subnets should be associated with a Network Security Group", "displayName"))
R("Subscriptions should have a contact email address for security issues",
  "L", "C", "L", "L", "MC", SUB, "policy",
  "Checks that the subscription has a security contact email, so that someone hears about "
  "incidents and alerts.",
  "Add one or more security contact email addresses in the subscription's Defender "
  "settings.",
  pol="4f4f78b8-e367-4b10-a341-d9a4ad5cf1c7", pm="displayName")
R("There should be more than one owner assigned to subscriptions",
  "H", "I", "L", "L", "AB,DOS", SUB, "external",
  "Checks that at least two accounts hold the Owner role, so that the subscription can still "
  "be administered if one is lost.",
  "Assign the Owner role to a second trusted account.",
  pol="09024ccc-0c5f-475e-9457-b7c0d9ed487b", pm="renamed",
  az=("2c79b4af-f830-b61e-92b9-63dfa30f16e4", SC + "ASC_DesignateMoreThanOneOwner_Audit.json",
      "There should be more than one owner assigned to your subscription", "renamed"))
R("Validity period of certificates stored in Azure Key Vault should not exceed 12 months",
  "M", "D", "L", "L", "DE,DS", KV, "external",
  "Checks that certificates in key vaults are issued for at most twelve months, which limits "
  "how long a stolen certificate stays usable.",
  "Set the certificate policy's validity to twelve months or less and reissue longer-lived "
  "certificates.",
  pol="0a075868-4c26-42ef-914c-5bc007359560", pm="renamed")
R("Virtual machines guest attestation status should be healthy",
  "M", "C", "L", "L", "MI,TR", VM, "external",
  "Reports trusted-launch machines whose remote attestation found an unexpected boot state, "
  "which may mean boot-level tampering.",
  "Investigate the attestation failure, check Secure Boot and vTPM settings, and rebuild the "
  "machine if tampering is suspected.")
R("Virtual machines should be migrated to new Azure Resource Manager resources",
  "H", "C", "L", "M", "DE,MC", [VM, CVM], "policy",
  "Finds virtual machines still on the classic deployment model, which lacks current access "
  "control and policy features.",
  "Migrate the classic virtual machine to the Resource Manager model.",
  pol="1d84d5fb-01f6-4d12-ba4f-4a26081d403d", pm="displayName")
R("vTPM should be enabled on supported virtual machines",
  "L", "C", "L", "L", "MI,TR", VM, "policy",
  "Checks that trusted-launch machines have a virtual TPM, which measured boot and "
  "attestation rely on.",
  "Enable vTPM in the machine's security profile.",
  pol="1c30f9cd-b84c-49cc-aa2c-9288447cc3b3", pm="displayName")
R("Web apps should request an SSL certificate for all incoming requests",
  "M", "A", "M", "L", "AB,DE", SITE, "policy",
  "Checks that web apps ask callers for a client certificate, so that only clients holding a "
  "valid certificate are served.",
  "Turn on incoming client certificates for the web app and give callers certificates.",
  pol="19dd1db6-f442-49cf-a838-b0786b4401ef", pm="broader")
R("Windows Defender Exploit Guard should be enabled on machines",
  "M", "C", "L", "L", "DE,MI,TR", GC_MACHINES, "external",
  "Checks that Windows machines use Exploit Guard protections such as attack surface "
  "reduction and controlled folder access.",
  "Enable the Exploit Guard features on the machines, for example through group policy or "
  "endpoint management.",
  pol="bed48b13-6647-468e-aa2f-1af1d3f4dd40", pm="renamed")
R("Windows web servers should be configured to use secure communication protocols",
  "H", "C", "L", "L", "DE,DS", GC_MACHINES, "external",
  "Checks that Windows web servers accept only current TLS versions and disable outdated "
  "protocols.",
  "Disable SSL 3.0, TLS 1.0 and TLS 1.1 on the server and keep TLS 1.2 or later enabled.",
  pol="5752e6d6-1206-46d8-8ab1-ecc2f71a8112", pm="renamed")

# The seed lists this row's two recommendations as one item because the second name
# starts with a lower-case letter ("- vTPM ..."); see MERGED_SEED_NAME in build_catalog.py.
